/**
 * Rubin's rules (Rubin 1987) with the Barnard–Rubin (1999) small-sample degrees of freedom, as
 * `mice::pool` computes them, for estimates from m completed datasets: coefficients of any fit
 * (`fixedEffects` of LMM, OLS, GLM, GLMM and later MMRM fits), marginal means and contrasts.
 *
 * For one quantity with estimates Q̂ₗ and squared standard errors Uₗ (l = 1…m):
 *   Q̄ = mean Q̂ₗ, Ū = mean Uₗ, B = var Q̂ₗ (divisor m − 1), T = Ū + (1 + 1/m)B,
 *   riv r = (1 + 1/m)B/Ū, λ = (1 + 1/m)B/T, ν_old = (m − 1)/λ² (λ floored at 1e-4, as mice),
 *   ν_obs = (ν_com + 1)/(ν_com + 3)·ν_com·(1 − λ), ν = ν_old·ν_obs/(ν_old + ν_obs) (ν_old when ν_com = ∞),
 *   fmi γ = (r + 2/(ν + 3))/(r + 1); t = Q̄/√T on ν df.
 */
import { ArgumentError } from '../errors/index.js';
import { checkCiLevel, checkFinite, checkOptions, optionKeys } from '../errors/checks.js';
import { waldRow } from '../results/not-estimable.js';
import { contrast, type ContrastMethod, type ContrastOptions, type ContrastRow } from '../models/emmeans/contrast.js';
import { marginalMeans, type MarginalMeansOptions, type MarginalMeanRow } from '../models/emmeans/marginal-means.js';
import type { WaldEstimate } from '../results/types.js';

/** One quantity as estimated in one completed dataset. */
export interface PoolInputRow {
  /** Label matched across imputations (a term name, contrast name or the levels of a mean). */
  label: string;
  estimate: number | null;
  se: number | null;
  /** The complete-data df of this quantity (`Infinity` for a normal reference); `null` when not estimable. */
  df?: number | null;
  estimable?: boolean;
  reason?: string | null;
}

/** A pooled quantity: the Wald row on Barnard–Rubin df plus Rubin's variance parts. */
export interface PooledRow extends WaldEstimate {
  label: string;
  /** Number of imputations pooled. */
  m: number;
  /** Mean within-imputation variance Ū. */
  within: number | null;
  /** Between-imputation variance B. */
  between: number | null;
  /** Total variance T = Ū + (1 + 1/m)B; `se` = √T. */
  total: number | null;
  /** Complete-data df ν_com used in the Barnard–Rubin df. */
  dfComplete: number | null;
  /** Relative increase in variance due to nonresponse, (1 + 1/m)B/Ū. */
  riv: number | null;
  /** Proportion of the total variance due to missingness, (1 + 1/m)B/T. */
  lambda: number | null;
  /** Fraction of missing information, (riv + 2/(ν + 3))/(riv + 1), as mice. */
  fmi: number | null;
}

export interface PooledEstimates {
  kind: 'pooled-estimates';
  rows: PooledRow[];
  m: number;
  method: string;
}

export interface PoolOptions {
  /**
   * Complete-data degrees of freedom ν_com for every row (mice's `dfcom`); `Infinity` gives Rubin's
   * original df (m − 1)/λ².
   * @defaultValue each row's own df in the first imputation (a fit's residual or Satterthwaite df; `Infinity` when absent)
   */
  dfComplete?: number;
  /** @defaultValue 0.95 */
  ciLevel?: number;
}

const POOL_KEYS = optionKeys<PoolOptions>()(['dfComplete', 'ciLevel']);

/** Barnard–Rubin df as mice's `barnard.rubin` (λ floored at 1e-4 so that B = 0 gives a finite ν_old). */
export function barnardRubinDf(m: number, b: number, t: number, dfComplete: number): number {
  const lambda = Math.max((1 + 1 / m) * b / t, 1e-4);
  const dfOld = (m - 1) / (lambda * lambda);
  if (dfComplete === Infinity) return dfOld;
  const dfObs = ((dfComplete + 1) / (dfComplete + 3)) * dfComplete * (1 - lambda);
  return (dfOld * dfObs) / (dfOld + dfObs);
}

/** Unchecked twin of {@link poolEstimates}. */
export function poolRows(perImputation: readonly (readonly PoolInputRow[])[], dfComplete: number | undefined, ciLevel: number): PooledRow[] {
  const m = perImputation.length;
  const first = perImputation[0]!;
  return first.map((row0, k) => {
    const rows = perImputation.map((r) => r[k]!);
    const bad = rows.find((r) => r.estimable === false || r.estimate === null || r.se === null || !Number.isFinite(r.estimate) || !Number.isFinite(r.se));
    const nu = dfComplete ?? (row0.df === null || row0.df === undefined ? Infinity : row0.df);
    const empty = { label: row0.label, ciLevel, m, within: null, between: null, total: null, dfComplete: null, riv: null, lambda: null, fmi: null };
    if (bad) {
      const which = rows.indexOf(bad) + 1;
      return { ...empty, ...waldRow(NaN, NaN, NaN, ciLevel, `not estimable in imputation ${which}: ${bad.reason ?? 'no estimate or standard error'}`), estimate: null };
    }
    const q = rows.map((r) => r.estimate!);
    const u = rows.map((r) => r.se! * r.se!);
    // Centred sums: B must not depend on the estimates' distance from 0.
    const qbar = q.reduce((a, v) => a + v, 0) / m;
    const ubar = u.reduce((a, v) => a + v, 0) / m;
    let ss = 0;
    for (const v of q) ss += (v - qbar) * (v - qbar);
    const b = ss / (m - 1);
    const t = ubar + (1 + 1 / m) * b;
    if (!(nu > 0)) {
      return { ...empty, ...waldRow(qbar, Math.sqrt(t), NaN, ciLevel, `its complete-data degrees of freedom are not positive (${nu})`) };
    }
    const df = barnardRubinDf(m, b, t, nu);
    const riv = ((1 + 1 / m) * b) / ubar;
    const lambda = ((1 + 1 / m) * b) / t;
    const fmi = (riv + 2 / (df + 3)) / (riv + 1);
    const w = waldRow(qbar, Math.sqrt(t), df, ciLevel);
    return { ...w, label: row0.label, ciLevel, m, within: ubar, between: b, total: t, dfComplete: nu, riv: Number.isFinite(riv) ? riv : null, lambda, fmi: Number.isFinite(fmi) ? fmi : null };
  });
}

function checkPoolInput(perImputation: unknown): readonly (readonly PoolInputRow[])[] {
  if (!Array.isArray(perImputation)) throw new ArgumentError('perImputation', perImputation, 'an array with one array of rows per imputation');
  if (perImputation.length < 2) throw new ArgumentError('perImputation', `${perImputation.length} imputation(s)`, 'at least 2 imputations (the between-imputation variance needs m ≥ 2)');
  const first = perImputation[0] as unknown;
  if (!Array.isArray(first)) throw new ArgumentError('perImputation[0]', first, 'an array of rows { label, estimate, se, df }');
  perImputation.forEach((rows: unknown, l) => {
    if (!Array.isArray(rows) || rows.length !== first.length) {
      throw new ArgumentError(`perImputation[${l}]`, Array.isArray(rows) ? `${rows.length} rows` : rows, `${first.length} rows, as imputation 1 has`);
    }
    rows.forEach((r: unknown, k) => {
      if (typeof r !== 'object' || r === null) throw new ArgumentError(`perImputation[${l}][${k}]`, r, 'a row { label, estimate, se, df }');
      const row = r as PoolInputRow;
      const label0 = (first[k] as PoolInputRow | undefined)?.label;
      if (typeof row.label !== 'string') throw new ArgumentError(`perImputation[${l}][${k}].label`, row.label, 'a label string');
      if (row.label !== label0) throw new ArgumentError(`perImputation[${l}][${k}].label`, row.label, `"${label0}", the label of row ${k + 1} in imputation 1 (rows must come in the same order)`);
      for (const f of ['estimate', 'se'] as const) {
        const v = row[f];
        if (v !== null && typeof v !== 'number') throw new ArgumentError(`perImputation[${l}][${k}].${f}`, v, 'a number or null');
      }
    });
  });
  return perImputation as readonly (readonly PoolInputRow[])[];
}

/**
 * Pool quantities estimated in each of m completed datasets by Rubin's rules, with Barnard &
 * Rubin's (1999) df and the fraction of missing information as `mice::pool`.
 *
 * @param perImputation - one array of rows per imputation, in the same order in each (matched by `label`).
 * @throws ArgumentError when fewer than 2 imputations are given, or rows differ across imputations.
 * @example
 * const pooled = poolEstimates([
 *   [{ label: 'armSFT', estimate: 3.1, se: 1.2, df: 200 }],
 *   [{ label: 'armSFT', estimate: 2.7, se: 1.25, df: 200 }],
 *   [{ label: 'armSFT', estimate: 3.4, se: 1.18, df: 200 }],
 * ]);
 * pooled.rows[0].estimate; // 3.0666…
 */
export function poolEstimates(perImputation: readonly (readonly PoolInputRow[])[], options: PoolOptions = {}): PooledEstimates {
  checkOptions('options', options, POOL_KEYS);
  const ciLevel = checkCiLevel(options.ciLevel ?? 0.95, 'options.ciLevel');
  if (options.dfComplete !== undefined && options.dfComplete !== Infinity) checkFinite('options.dfComplete', options.dfComplete, Number.MIN_VALUE);
  const input = checkPoolInput(perImputation);
  return { kind: 'pooled-estimates', rows: poolRows(input, options.dfComplete, ciLevel), m: input.length, method: METHOD };
}

const METHOD = "Rubin's rules; Barnard–Rubin (1999) small-sample df; fmi as mice::pool";

function checkFits(fits: unknown): readonly object[] {
  if (!Array.isArray(fits)) throw new ArgumentError('fits', fits, 'an array of fits, one per completed dataset');
  if (fits.length < 2) throw new ArgumentError('fits', `${fits.length} fit(s)`, 'at least 2 fits (one per imputation, m ≥ 2)');
  fits.forEach((f: unknown, l) => {
    if (typeof f !== 'object' || f === null) throw new ArgumentError(`fits[${l}]`, f, 'a model fit');
  });
  return fits as object[];
}

/** Options of {@link poolFits}. */
export interface PoolFitsOptions extends PoolOptions {}
const POOL_FITS_KEYS = optionKeys<PoolFitsOptions>()(['dfComplete', 'ciLevel']);

/**
 * Pool the coefficients (`fixedEffects`) of fits to m completed datasets: any fit of the library
 * (fitOls, fitLmm, fitGlm, fitGlmm). The complete-data df of each coefficient is its df in the
 * first fit (OLS: n − p as mice; LMM: Satterthwaite or Kenward–Roger; GLM with fixed dispersion: ∞).
 * @example
 * const fits = mi.completed.map((d) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === '9m')));
 * poolFits(fits).rows.find((r) => r.label === 'armSFT'); // { estimate, se, df, fmi, m: 5, … }
 */
export function poolFits(fits: readonly object[], options: PoolFitsOptions = {}): PooledEstimates {
  checkOptions('options', options, POOL_FITS_KEYS);
  const list = checkFits(fits);
  const per = list.map((f, l) => {
    const fe = (f as { fixedEffects?: unknown }).fixedEffects;
    if (!Array.isArray(fe)) throw new ArgumentError(`fits[${l}]`, f, 'a model fit with fixedEffects (fitOls, fitLmm, fitGlm, fitGlmm)');
    return (fe as { term: string; estimate: number | null; se: number | null; df: number | null; estimable: boolean; reason: string | null }[]).map(
      (r): PoolInputRow => ({ label: r.term, estimate: r.estimate, se: r.se, df: r.df ?? Infinity, estimable: r.estimable, reason: r.reason }),
    );
  });
  return poolEstimates(per, options);
}

/** A pooled marginal mean: the mean's levels with Rubin's rules applied. */
export interface PooledMarginalMeanRow extends PooledRow {
  levels: Record<string, string>;
}

/** Options of {@link poolMarginalMeans}: those of `marginalMeans` plus the pooling df. */
export interface PoolMarginalMeansOptions extends MarginalMeansOptions {
  /** As {@link PoolOptions.dfComplete}. @defaultValue each mean's df from the first fit */
  dfComplete?: number;
}
const POOL_MM_KEYS = optionKeys<PoolMarginalMeansOptions>()(['by', 'at', 'ddf', 'ciLevel', 'type', 'offset', 'marginal', 'dfComplete']);

const levelsLabel = (levels: Record<string, string>): string =>
  Object.entries(levels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/**
 * Marginal means from each fit (as `marginalMeans`), pooled by Rubin's rules with each mean's
 * df in the fit as the complete-data df.
 * @example
 * const fits = mi.completed.map((d) => fitLmm('score ~ baseline + arm * visit + (1 | id)', d.filter((r) => r.visit !== 'baseline'), { partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' }, levels: { visit: ['9m', '15m'] } }));
 * const mm = poolMarginalMeans(fits, ['arm', 'visit']);
 * mm.rows[0]; // { levels: { arm: 'control', visit: '9m' }, estimate, se, df, fmi, … }
 */
export function poolMarginalMeans(fits: readonly object[], specs: string[], options: PoolMarginalMeansOptions = {}): { kind: 'pooled-marginal-means'; rows: PooledMarginalMeanRow[]; m: number; method: string } {
  checkOptions('options', options, POOL_MM_KEYS);
  const list = checkFits(fits);
  const { dfComplete, ...mmOptions } = options;
  const ciLevel = checkCiLevel(options.ciLevel ?? 0.95, 'options.ciLevel');
  if (dfComplete !== undefined && dfComplete !== Infinity) checkFinite('options.dfComplete', dfComplete, Number.MIN_VALUE);
  const per = list.map((f) => marginalMeans(f, specs, mmOptions).rows);
  const input = per.map((rows) => rows.map((r: MarginalMeanRow): PoolInputRow => ({ label: levelsLabel(r.levels), estimate: r.estimate, se: r.se, df: r.df, estimable: r.estimable, reason: r.reason })));
  const pooled = poolRows(checkPoolInput(input), dfComplete, ciLevel);
  return { kind: 'pooled-marginal-means', rows: pooled.map((p, k) => ({ ...p, levels: per[0]![k]!.levels })), m: list.length, method: `marginal means per imputation, ${METHOD}` };
}

/** A pooled contrast of marginal means. */
export interface PooledContrastRow extends PooledRow {
  contrast: string;
  by: Record<string, string>;
}

/** Options of {@link poolContrasts}. */
export interface PoolContrastsOptions extends MarginalMeansOptions {
  /** Reference level index for `trt.vs.ctrl`. @defaultValue 0 */
  reference?: number;
  /** As {@link PoolOptions.dfComplete}. @defaultValue each contrast's df from the first fit */
  dfComplete?: number;
}
const POOL_CONTRAST_KEYS = optionKeys<PoolContrastsOptions>()(['by', 'at', 'ddf', 'ciLevel', 'type', 'offset', 'marginal', 'reference', 'dfComplete']);

/**
 * Contrasts of marginal means from each fit (as `contrast(marginalMeans(fit, specs, …), method)`),
 * pooled by Rubin's rules: e.g. SFT − control at each visit. P-values are not adjusted for
 * multiplicity (adjusted p-values do not pool; adjust the pooled ones).
 * @example
 * const d = poolContrasts(fits, ['arm'], 'revpairwise', { by: ['visit'] });
 * d.rows.find((r) => r.by.visit === '9m'); // { contrast: 'SFT - control', estimate, se, df, pValue, fmi, … }
 */
export function poolContrasts(fits: readonly object[], specs: string[], method: ContrastMethod, options: PoolContrastsOptions = {}): { kind: 'pooled-contrasts'; rows: PooledContrastRow[]; m: number; method: string } {
  checkOptions('options', options, POOL_CONTRAST_KEYS);
  const list = checkFits(fits);
  const { dfComplete, reference, ...mmOptions } = options;
  const ciLevel = checkCiLevel(options.ciLevel ?? 0.95, 'options.ciLevel');
  if (dfComplete !== undefined && dfComplete !== Infinity) checkFinite('options.dfComplete', dfComplete, Number.MIN_VALUE);
  const cOptions: ContrastOptions = reference === undefined ? {} : { reference };
  const per = list.map((f) => contrast(marginalMeans(f, specs, mmOptions), method, cOptions).rows);
  const label = (r: ContrastRow) => `${r.contrast}${Object.keys(r.by).length ? ` | ${levelsLabel(r.by)}` : ''}`;
  const input = per.map((rows) => rows.map((r): PoolInputRow => ({ label: label(r), estimate: r.estimate, se: r.se, df: r.df, estimable: r.estimable, reason: r.reason })));
  const pooled = poolRows(checkPoolInput(input), dfComplete, ciLevel);
  return {
    kind: 'pooled-contrasts',
    rows: pooled.map((p, k) => ({ ...p, contrast: per[0]![k]!.contrast, by: per[0]![k]!.by })),
    m: list.length,
    method: `contrasts of marginal means per imputation, ${METHOD}`,
  };
}

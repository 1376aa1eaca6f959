/**
 * Net-benefit regression: the regression alternative to the bootstrap, with covariates.
 */
import { quoteName } from '../formula/parse.js';
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { costTotalOptions, participantCostTotals } from './costs-by-arm.js';
import { chooseArms, effectValue, indexEffects, type CostEffectInput } from './effects.js';
import { studentTCdf } from '../distributions/student-t.js';
import { fitOls } from '../models/ols/fit.js';
import { requireEstimable } from '../results/not-estimable.js';
import { checkWtpGrid, type AllowNegative } from './validate.js';
import { DEFAULT_WTP } from './cost-effectiveness.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';
import type { Estimate } from '../results/types.js';
import { aliasedCovariatesDropped, incompleteCasesExcluded } from '../errors/diagnostics.js';

/** Standard errors of the net-benefit regression. */
export type CovType = 'classical' | 'HC1' | 'CR1';

/** Options of {@link netBenefitRegression}. */
export interface NetBenefitRegressionOptions {
  /** Control arm. @defaultValue as in `costEffectiveness` */
  control?: string;
  /** Treated arm. @defaultValue the other arm */
  treated?: string;
  /** Willingness-to-pay values, ≥ 0 and strictly increasing. @defaultValue {@link DEFAULT_WTP} */
  wtp?: readonly number[];
  /**
   * Covariates: names in the effect records' `covariates`, or `baseline` for the record's
   * baseline score.
   * @defaultValue []
   */
  covariates?: readonly string[];
  /** The per-participant effect: the supplied `effect`, or followUp − baseline. @defaultValue 'mean-difference' (the supplied effect) */
  effectEstimator?: 'mean-difference' | 'difference-in-change';
  /** Cost categories summed into each participant's cost. @defaultValue all */
  costCategories?: readonly string[];
  /** Missing cost category. @defaultValue 'exclude' */
  missing?: 'exclude' | 'zero';
  /** Cost categories allowed to be negative. @defaultValue false */
  allowNegative?: AllowNegative;
  /**
   * Standard errors: `classical`, `HC1`, or `CR1` (cluster-robust; clusters = therapy groups,
   * each participant without a group its own cluster; t with G − 1 df).
   * @defaultValue 'CR1' when the treated arm has therapy groups, else 'classical'
   */
  se?: CovType;
  /** Confidence level. @defaultValue 0.95 */
  ciLevel?: number;
}

/** The arm coefficient (adjusted INB) at one willingness to pay. */
export interface NetBenefitRegressionRow extends Estimate {
  wtp: number;
  /** Adjusted incremental net benefit: the coefficient of the treated-arm indicator. */
  estimate: number;
  se: number;
  ci: [number, number];
  df: number;
  /** t statistic for INB = 0. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** One-sided P(INB > 0) from the t distribution: the parametric acceptability curve (Hoch et al. 2002). */
  probabilityCostEffective: number;
  /** All coefficients at this λ, by name (`(Intercept)`, `treated`, covariates). */
  coefficients: { name: string; estimate: number; se: number | null }[];
}

/** Result of {@link netBenefitRegression}. */
export interface NetBenefitRegressionResult {
  control: string;
  treated: string;
  rows: NetBenefitRegressionRow[];
  n: number;
  /** Number of clusters for CR1, else `null`. */
  clusters: number | null;
  covariates: string[];
  seType: CovType;
  excluded: number;
  method: string;
  diagnostics: Diagnostic[];
}

/**
 * Net-benefit regression: for each willingness to pay λ, OLS of the individual net benefit
 * NBᵢ(λ) = λ·eᵢ − cᵢ on an intercept, the treated-arm indicator and covariates; the
 * indicator's coefficient is the (adjusted) incremental net benefit. With no covariates it
 * equals λΔE − ΔC. One QR factorisation serves every λ.
 *
 * References: Hoch, Briggs & Willan (2002), Health Econ 11, 415–430; Willan, Briggs & Hoch
 * (2004), Health Econ 13, 461–475; Cameron & Miller (2015), J Hum Resour 50, 317–372 (CR1).
 *
 * @param input - `{ participants, effects }`.
 * @param options - see {@link NetBenefitRegressionOptions}.
 * @throws ValidationError for bad costs or effects (unknown participants, negative costs).
 * @throws ArgumentError for a non-increasing `wtp`, unknown covariates, an aliased arm indicator, too few complete cases.
 * @example
 * const nbr = netBenefitRegression({ participants, effects }, { wtp: [0, 20000], covariates: ['baseline'] });
 * nbr.rows[1].estimate; // adjusted INB at 20,000 per point
 */
export function netBenefitRegression(input: CostEffectInput, options: NetBenefitRegressionOptions = {}): NetBenefitRegressionResult {
  checkOptions('options', options, optionKeys<NetBenefitRegressionOptions>()(['control', 'treated', 'wtp', 'covariates', 'effectEstimator', 'costCategories', 'missing', 'allowNegative', 'se', 'ciLevel']));
  if (typeof input !== 'object' || input === null) throw new ArgumentError('input', input, 'an object { participants, effects }');
  const { participants, effects } = input;
  const wtp = options.wtp ?? DEFAULT_WTP;
  checkWtpGrid(wtp);
  const ciLevel = options.ciLevel ?? 0.95;
  checkCiLevel(ciLevel);
  const estimator = options.effectEstimator ?? 'mean-difference';
  if (estimator !== 'mean-difference' && estimator !== 'difference-in-change') {
    throw new ArgumentError('effectEstimator', estimator, "'mean-difference' or 'difference-in-change' (use covariates: ['baseline'] for an ANCOVA-type adjustment)");
  }
  const covs = [...(options.covariates ?? [])];
  const totals = participantCostTotals(participants, costTotalOptions(options));
  const byId = indexEffects(participants, effects);
  const arms = chooseArms(participants, options.control, options.treated);
  for (const c of covs) {
    if (c === 'baseline') continue;
    if (!effects.some((r) => r.covariates && Object.hasOwn(r.covariates, c))) {
      throw new ArgumentError('covariates', c, 'a covariate name present in the effect records (or "baseline")');
    }
  }
  const treatedHasGroups = participants.some((p) => p.arm === arms.treated && p.group !== null);
  const seType: CovType = options.se ?? (treatedHasGroups ? 'CR1' : 'classical');
  if (seType !== 'classical' && seType !== 'HC1' && seType !== 'CR1') throw new ArgumentError('se', seType, "'classical', 'HC1' or 'CR1'");

  const names = ['(Intercept)', 'treated', ...covs];
  const p = names.length;
  const treated: number[] = [];
  const covCols: number[][] = covs.map(() => []);
  const e: number[] = [];
  const c: number[] = [];
  const clusterKeys: string[] = [];
  let excluded = 0;
  for (const t of totals) {
    if (t.arm !== arms.control && t.arm !== arms.treated) continue;
    const rec = byId.get(t.id);
    const ev = effectValue(rec, estimator);
    const xs: number[] = [];
    let ok = t.total !== null && ev !== null;
    for (const name of covs) {
      const v = name === 'baseline' ? (rec?.baseline ?? null) : (rec?.covariates?.[name] ?? null);
      if (v === null) ok = false;
      xs.push(v ?? 0);
    }
    if (!ok) {
      excluded++;
      continue;
    }
    treated.push(t.arm === arms.treated ? 1 : 0);
    xs.forEach((x, k) => covCols[k]!.push(x));
    e.push(ev!);
    c.push(t.total!);
    clusterKeys.push(t.group !== null ? `g:${t.group}` : `i:${t.id}`);
  }
  const n = e.length;
  if (n <= p) throw new ArgumentError('input', n, `more complete cases than coefficients (${p})`);
  const diagnostics: Diagnostic[] = [...arms.diagnostics];
  if (excluded > 0) {
    diagnostics.push(incompleteCasesExcluded(excluded, 'cost, effect or a covariate'));
  }
  const G = seType === 'CR1' ? new Set(clusterKeys).size : null;
  // One least-squares fit per willingness to pay; the design is the same for all, only
  // the response NB(λ) changes. Column names are quoted as R quotes them, so any covariate
  // name works, and coefficient names map back to the covariate by the same quoting.
  const covTerms = covs.map((x) => ({ x, q: quoteName(`.cov.${x}`) }));
  const longestFirst = [...covTerms].sort((a, b) => b.q.length - a.q.length);
  const covName = (term: string): string => {
    const hit = longestFirst.find((t) => term.startsWith(t.q));
    return hit ? hit.x + term.slice(hit.q.length) : term;
  };
  const formula = `.nb ~ .treated${covTerms.map((t) => ` + ${t.q}`).join('')}`;
  const data: Record<string, ArrayLike<unknown>> = { '.treated': treated, '.cluster': clusterKeys };
  covs.forEach((x, k) => (data[`.cov.${x}`] = covCols[k]!));
  const nb = new Float64Array(n);
  data['.nb'] = nb;
  // 'CR1' here is sandwich::vcovCL's default (G/(G − 1)·(n − 1)/(n − k)), which rcteval's OLS calls CR1S.
  const olsOptions = seType === 'CR1' ? { vcov: 'CR1S' as const, cluster: '.cluster', ddf: 'naive-t' as const, ciLevel } : { vcov: seType, ddf: 'residual' as const, ciLevel };
  const rows: NetBenefitRegressionRow[] = wtp.map((lambda) => {
    for (let i = 0; i < n; i++) nb[i] = lambda * e[i]! - c[i]!;
    const fit = fitOls(formula, data, olsOptions);
    if (fit.droppedColumns.includes('.treated')) throw new ArgumentError('input', 'treated', 'both arms among the complete cases', 'The arm indicator is aliased with the intercept or covariates.');
    if (diagnostics.every((d) => d.code !== 'rank-deficient') && fit.droppedColumns.length > 0) {
      const dropped = fit.droppedColumns.map(covName);
      diagnostics.push(aliasedCovariatesDropped(dropped));
    }
    const arm = requireEstimable(fit.fixedEffects.find((r) => r.term === '.treated')!, `The incremental net benefit at a willingness to pay of ${lambda}`);
    return {
      wtp: lambda,
      estimate: arm.estimate,
      se: arm.se,
      ci: arm.ci,
      ciLevel,
      df: arm.df,
      statistic: arm.statistic,
      pValue: arm.pValue,
      probabilityCostEffective: studentTCdf(arm.statistic, arm.df),
      coefficients: fit.fixedEffects.map((r) => ({ name: r.term === '.treated' ? 'treated' : covName(r.term), estimate: r.estimate, se: r.se })),
    };
  });
  const seText =
    seType === 'classical'
      ? 'classical OLS standard errors, t with n − k df'
      : seType === 'HC1'
        ? 'HC1 heteroskedasticity-robust standard errors, t with n − k df'
        : `CR1 cluster-robust standard errors (clusters: therapy groups, participants without a group as their own cluster; G = ${G}), t with G − 1 df`;
  const method =
    `Net-benefit regression (Hoch, Briggs & Willan 2002): OLS of NBᵢ(λ) = λ·eᵢ − cᵢ on intercept, treated indicator${covs.length ? ` and ${covs.join(', ')}` : ''}; ` +
    `eᵢ = ${estimator === 'mean-difference' ? 'supplied per-participant effect' : 'change from baseline'}; ${seText}; complete cases only.`;
  return { control: arms.control, treated: arms.treated, rows, n, clusters: G, covariates: covs, seType, excluded, method, diagnostics };
}

/**
 * Missing-data adapter (issue 13, item 4): for one outcome (default the primary), missing scores
 * by arm and visit, the primary analysis's effect at the primary visit (already computed, MAR by
 * likelihood), multiple imputation from the joint multilevel model with the ANCOVA arm difference
 * at each follow-up pooled by Rubin's rules, the δ tipping-point grid at the primary visit on the
 * same imputations, and optionally an MMRM alongside. Calls src/missing-data and
 * src/models/mmrm only; nothing is re-implemented here.
 */
import type { Diagnostic } from '../../errors/index.js';
import { missingBaseline } from '../../errors/diagnostics.js';
import { multipleImputation, type MultipleImputationOptions } from '../../missing-data/impute.js';
import { fitImputations } from '../../missing-data/fit-imputations.js';
import { poolFits, type PooledRow } from '../../missing-data/pool.js';
import { tippingPoint } from '../../missing-data/tipping-point.js';
import { contrast } from '../../models/emmeans/contrast.js';
import { marginalMeans } from '../../models/emmeans/marginal-means.js';
import { fitMmrm } from '../../models/mmrm/fit.js';
import type { MmrmOptions } from '../../models/mmrm/types.js';
import { errorInfo, finiteOrNull, intervalOrNull, modelRows, plainDiagnostics } from '../internal.js';
import type { MissingDataPlan } from '../plan.js';
import type { MissingDataEffect, MissingDataSection } from '../types.js';
import type { AnalysisContext, SectionAdapter } from './types.js';

/**
 * The seed of the imputations: the section's, else the plan's seed + 200.
 * @example
 * missingDataSeed(2016, undefined); // 2216
 */
export function missingDataSeed(planSeed: number, sectionSeed: number | undefined): number {
  return sectionSeed ?? planSeed + 200;
}

/**
 * The long rows the section imputes: the outcome's rows of participants with a baseline score
 * (the imputation model, the ANCOVA and the MMRM all condition on it).
 * @example
 * const rows = missingDataRows({ trial }, 'PSP'); // rows of participants with a baseline PSP score
 */
export function missingDataRows(ctx: Pick<AnalysisContext, 'trial'>, instrument: string): Record<string, unknown>[] {
  const rows = modelRows(ctx.trial, instrument, [], 'missingData.outcome');
  const first = ctx.trial.design.visits[0];
  const withBaseline = new Set(rows.filter((r) => r['visit'] === first && typeof r['score'] === 'number' && Number.isFinite(r['score'])).map((r) => r['id']));
  return rows.filter((r) => withBaseline.has(r['id']));
}

/** The ANCOVA of one completed dataset at one visit whose arm coefficient is pooled. */
export const ANCOVA_FORMULA = 'score ~ arm + baseline';

/** A pooled or fitted row as plain JSON: non-finite numbers become null, a row without a finite estimate is not estimable. */
function effect(visit: string, r: Omit<PooledRow, 'label' | 'm' | 'within' | 'between' | 'total' | 'dfComplete' | 'riv' | 'lambda' | 'fmi'> & { fmi?: number | null }, ciLevel: number): MissingDataEffect {
  const finite = r.estimable && r.estimate !== null && Number.isFinite(r.estimate);
  return {
    visit,
    estimable: finite,
    reason: finite ? null : (r.reason ?? 'the estimate is not a finite number'),
    estimate: finite ? r.estimate : null,
    se: finite ? finiteOrNull(r.se) : null,
    df: finite ? finiteOrNull(r.df) : null,
    statistic: finite ? finiteOrNull(r.statistic) : null,
    pValue: finite ? finiteOrNull(r.pValue) : null,
    ci: finite ? intervalOrNull(r.ci) : null,
    ciLevel,
    fmi: finite ? finiteOrNull(r.fmi ?? null) : null,
  };
}

const notEstimable = (visit: string, reason: string, ciLevel: number): MissingDataEffect => ({ visit, estimable: false, reason, estimate: null, se: null, df: null, statistic: null, pValue: null, ci: null, ciLevel, fmi: null });

async function runMissingData(ctx: AnalysisContext, plan: MissingDataPlan): Promise<MissingDataSection> {
  const { trial } = ctx;
  const p = ctx.plan;
  const [reference, treated] = trial.design.arms as [string, string];
  const visits = [...trial.design.visits];
  const followUps = visits.slice(1);
  const ciLevel = p.ciLevel;
  const primaryOutcome = p.outcomes.find((o) => o.role === 'primary') ?? p.outcomes[0]!;
  const instrument = plan.outcome ?? primaryOutcome.instrument;
  const outcome = ctx.outcomes.find((o) => o.instrument === instrument);
  const label = outcome?.label ?? instrument;
  const term = `arm${treated}`;
  const diagnostics: Diagnostic[] = [];
  const pn = p.model.type === 'mixed' ? p.model.partialNesting : null;

  // The primary analysis is read, not refitted: its MAR answer is the likelihood analysis already reported.
  const d = outcome?.differences.find((r) => r.visit === ctx.primaryVisit && r.arm === treated);
  const modelName = p.model.type === 'mixed' ? 'Linear mixed model (primary)' : p.model.type === 'ancova' ? 'ANCOVA (primary)' : 'Pre–post (primary)';
  const primary = d
    ? { analysis: modelName, ...effect(ctx.primaryVisit, { ...d, fmi: null }, ciLevel) }
    : { analysis: modelName, ...notEstimable(ctx.primaryVisit, outcome?.reason?.message ?? `the primary analysis has no ${treated} − ${reference} difference at ${ctx.primaryVisit}`, ciLevel) };

  const rows = missingDataRows(ctx, instrument);
  const dropped = new Set(modelRows(trial, instrument, [], 'missingData.outcome').map((r) => r['id'])).size - new Set(rows.map((r) => r['id'])).size;
  if (dropped > 0) {
    diagnostics.push(missingBaseline(dropped, visits[0]!, instrument));
  }
  const seed = missingDataSeed(p.seed, plan.seed);
  const miOptions: MultipleImputationOptions = { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: reference, visits, m: plan.m, seed, burnIn: plan.burnIn, between: plan.between, threads: ctx.threads };
  if (pn) miOptions.cluster = pn.cluster;
  ctx.progress(`${plan.m} imputations of ${instrument} (joint multilevel model, ${plan.burnIn} burn-in sweeps, then ${plan.between} per imputation)`);
  const mi = await multipleImputation(rows, miOptions);

  // Each follow-up visit's ANCOVA on every completed dataset: one model frame, refits (fitImputations).
  const pooledAncova = async (imputation: typeof mi): Promise<MissingDataEffect[]> =>
    Promise.all(
      followUps.map(async (visit) => {
        try {
          const { fits } = await fitImputations(imputation, ANCOVA_FORMULA, { model: 'ols', options: { ciLevel }, where: { visit }, threads: 1 });
          const pooled = poolFits(fits, { ciLevel }).rows.find((r) => r.label === term);
          return pooled ? effect(visit, pooled, ciLevel) : notEstimable(visit, `no ${term} coefficient in the ANCOVA`, ciLevel);
        } catch (e) {
          return notEstimable(visit, errorInfo(e).message, ciLevel);
        }
      }),
    );
  const miRows = await pooledAncova(mi);

  const referenceBased: MissingDataSection['referenceBased'] = [];
  for (const strategy of plan.referenceBased) {
    ctx.progress(`${plan.m} reference-based imputations (${strategy}) of ${instrument}`);
    const method = `${strategy === 'J2R' ? 'jump to reference' : strategy === 'CR' ? 'copy reference' : 'copy increments in reference'} (${strategy}, reference: ${reference}) for the ${treated} arm after dropout, as rbmi defines it; ${plan.m} imputations, same seed as MAR; ANCOVA per visit pooled by Rubin's rules`;
    try {
      referenceBased.push({ strategy, rows: await pooledAncova(await multipleImputation(rows, { ...miOptions, strategy })), method });
    } catch (e) {
      const reason = errorInfo(e).message;
      referenceBased.push({ strategy, rows: followUps.map((v) => notEstimable(v, reason, ciLevel)), method });
    }
  }

  ctx.progress(`tipping-point grid ${plan.deltas.length} × ${plan.deltas.length} at ${ctx.primaryVisit}`);
  const tp = tippingPoint(
    mi,
    { formula: ANCOVA_FORMULA, model: 'ols', options: { ciLevel }, where: { visit: ctx.primaryVisit }, term },
    { deltas: { [reference]: [...plan.deltas], [treated]: [...plan.deltas] }, cumulative: plan.cumulative, alpha: plan.alpha, ciLevel },
  );

  let mmrm: MissingDataSection['mmrm'] = null;
  if (plan.mmrm !== null) {
    const formula = `score ~ baseline + arm * visit + ${plan.mmrm}(visit | id)`;
    const ddf = p.model.type === 'mixed' ? p.model.ddf : 'Satterthwaite';
    const reml = p.model.type === 'mixed' ? p.model.reml : true;
    const method = `MMRM (${plan.mmrm} covariance over the follow-up visits, ${reml ? 'REML' : 'ML'}, ${ddf} df), adjusted for the ${visits[0]} score${pn ? `, with a random intercept per ${pn.cluster} in the ${pn.treated} arm (partial nesting)` : ''}; likelihood analysis under MAR`;
    ctx.progress(`MMRM (${plan.mmrm}) of ${instrument}`);
    try {
      const data = rows.filter((r) => r['visit'] !== visits[0] && r['baseline'] !== null && r['baseline'] !== undefined);
      const options: MmrmOptions = { levels: { arm: [reference, treated], visit: followUps }, reml, ddf, ciLevel };
      if (pn) options.partialNesting = { cluster: pn.cluster, arm: pn.arm, treated: pn.treated };
      const fit = fitMmrm(formula, data, options);
      diagnostics.push(...plainDiagnostics(fit.diagnostics));
      const c = contrast(marginalMeans(fit, ['arm'], { by: ['visit'], ciLevel }), 'revpairwise');
      mmrm = {
        structure: plan.mmrm,
        formula,
        rows: followUps.map((v) => {
          const r = c.rows.find((x) => x.by['visit'] === v);
          return r ? effect(v, { ...r, ci: r.ci ? [r.ci[0], r.ci[1]] : null, fmi: null }, ciLevel) : notEstimable(v, `no contrast at ${v}`, ciLevel);
        }),
        method,
      };
    } catch (e) {
      const reason = errorInfo(e).message;
      mmrm = { structure: plan.mmrm, formula, rows: followUps.map((v) => notEstimable(v, reason, ciLevel)), method };
    }
  }

  return {
    instrument,
    label,
    treated,
    reference,
    primaryVisit: ctx.primaryVisit,
    missing: mi.missing.map((r) => ({ ...r })),
    primary,
    imputation: { m: mi.m, seed, burnIn: plan.burnIn, between: plan.between, rows: miRows, method: `${mi.method}; each completed dataset analysed by ANCOVA per visit (${ANCOVA_FORMULA}) and pooled by Rubin's rules (Barnard–Rubin df)` },
    referenceBased,
    mmrm,
    tippingPoint: {
      arms: [...tp.arms],
      rows: tp.rows.map((r) => ({ delta: { ...r.delta }, ...effect(ctx.primaryVisit, r, ciLevel) })),
      mar: effect(ctx.primaryVisit, tp.mar, ciLevel),
      tippingPoints: tp.tippingPoints.map((t) => ({ arm: t.arm, lossOfSignificance: finiteOrNull(t.lossOfSignificance), signChange: finiteOrNull(t.signChange), note: t.note })),
      alpha: tp.alpha,
      cumulative: tp.cumulative,
      m: tp.m,
      method: `${tp.method}; ANCOVA at ${ctx.primaryVisit}`,
    },
    method: 'Multiple imputation from a joint multilevel model (participant effects across visits, therapy-group effects in the treated arm only), Rubin’s rules, δ-adjusted tipping point',
    diagnostics,
  };
}

/** Missing data and sensitivity (src/missing-data, src/models/mmrm; issue 13): wired. */
export const missingDataAdapter: SectionAdapter<MissingDataPlan, MissingDataSection> = {
  capability: 'src/missing-data (issue 13)',
  run: runMissingData,
};

/**
 * Clinical-significance adapter (src/clinical-significance, issue 4): reliable change, the
 * cut-off, the category of every participant at every follow-up visit, and the comparison of
 * the arms ("reliably improved" and "recovered": RD, RR, OR, NNT, test; ordinal comparison).
 */
import { clinicalSignificance } from '../../clinical-significance/clinical-significance.js';
import { compareClinicalSignificance } from '../../clinical-significance/compare.js';
import type { ChangeCategory, ClinicalSignificanceClassification, CutoffOption, NormInput, NormsOption, TrialClinicalSignificanceOptions } from '../../clinical-significance/types.js';
import { own } from '../../data/own.js';
import type { ClinicalSignificancePlan } from '../plan.js';
import { finiteOrNull, intervalOrNull, plainDiagnostics } from '../internal.js';
import type { ClinicalSignificanceSection } from '../types.js';
import type { AnalysisContext, SectionAdapter } from './types.js';

/** Best first: the order of the report's legends and stacked bars. */
const BEST_FIRST: readonly ChangeCategory[] = ['recovered', 'improved', 'unchanged', 'deteriorated', 'harmed'];

const OUTCOME_TEXT: Record<string, string> = { 'reliable-improvement': 'reliably improved', recovered: 'recovered' };

/**
 * The cut-off and norms for one instrument, as clinicalSignificance's options: the plan's
 * `cutoff` (one choice for every outcome, or the instrument's entry of a map, 'auto' when it has
 * none) and its norms. 'auto' is passed on, so the plan chooses exactly what the API chooses
 * (and says so in the API's `cutoff-auto` diagnostic).
 */
export function resolveCutoff(section: ClinicalSignificancePlan, instrument: string): { cutoff: CutoffOption; norms: NormsOption | undefined } {
  const given = own(section.norms, instrument);
  const norm = (n: { mean: number; sd: number; population?: string | undefined; source?: string | undefined }): NormInput => ({
    mean: n.mean,
    sd: n.sd,
    ...(n.population !== undefined ? { population: n.population } : {}),
    ...(n.source !== undefined ? { source: n.source } : {}),
  });
  let norms: NormsOption | undefined;
  if (given) {
    norms = {};
    if (given.clinical !== undefined) norms.clinical = given.clinical === 'baseline-sample' ? 'baseline-sample' : norm(given.clinical);
    if (given.functional !== undefined) norms.functional = norm(given.functional);
  }
  const c = typeof section.cutoff === 'string' ? section.cutoff : (own(section.cutoff, instrument) ?? 'auto');
  const cutoff: CutoffOption = typeof c === 'string' ? c : c.label === undefined ? { value: c.value } : { value: c.value, label: c.label };
  return { cutoff, norms };
}

function summarise(ctx: AnalysisContext, instrument: string, cs: ClinicalSignificanceClassification, out: ClinicalSignificanceSection): void {
  const ciLevel = ctx.plan.ciLevel;
  for (const visit of cs.visits) {
    const p = cs.parameters.find((x) => x.visit === visit && x.arm === null) ?? cs.parameters.find((x) => x.visit === visit);
    out.settings.push({
      instrument,
      visit,
      method: cs.method,
      reliability: cs.reliability.value,
      reliabilitySource: cs.reliability.source,
      criticalValue: cs.criticalValue,
      threshold: finiteOrNull(p?.minimumChange ?? null),
      cutoff: cs.cutoff ? { type: cs.cutoff.type, value: cs.cutoff.value, formula: cs.cutoff.formula } : null,
      direction: cs.direction,
    });
  }
  const present = cs.cutoff ? BEST_FIRST : BEST_FIRST.filter((c) => c !== 'recovered' && c !== 'harmed');
  if (out.categoryOrder.length < present.length) out.categoryOrder = [...present];
  for (const c of cs.counts) {
    for (const category of present) {
      const n = c[category];
      out.categories.push({ instrument, visit: c.visit, arm: c.arm, category, n, denominator: c.classified, percent: c.classified > 0 ? (100 * n) / c.classified : null });
    }
    out.missing.push({ instrument, visit: c.visit, arm: c.arm, noFollowUp: c.missingFollowUp + c.missingBoth, noBaseline: c.missingBaseline, notClassifiable: c.notClassifiable });
  }
  if (ctx.individualData) {
    for (const r of cs.rows) {
      if (r.status !== 'classified' || r.category === null || r.baseline === null || r.followUp === null) continue;
      out.participants.push({ instrument, visit: r.visit, id: r.id, arm: r.arm, baseline: r.baseline, followUp: r.followUp, category: r.category });
    }
  }
  if (cs.arms.length < 2) return;
  const cmp = compareClinicalSignificance(cs, { ciLevel });
  for (const b of cmp.binary) {
    const rr = b.riskRatio;
    const or = b.oddsRatio;
    out.comparisons.push({
      instrument,
      visit: b.visit,
      outcome: OUTCOME_TEXT[b.outcome] ?? b.outcome,
      arm: b.treatment,
      reference: b.reference,
      riskDifference: { estimate: b.riskDifference.estimate, ci: [b.riskDifference.ci[0], b.riskDifference.ci[1]], method: b.riskDifference.method },
      riskRatio: { estimate: finiteOrNull(rr.estimate), ci: intervalOrNull(rr.ci) },
      oddsRatio: { estimate: finiteOrNull(or.estimate), ci: intervalOrNull(or.ci) },
      nnt: { estimate: finiteOrNull(b.nnt.estimate), text: `${b.nnt.kind === 'none' ? 'no difference' : `NNT${b.nnt.kind === 'benefit' ? 'B' : 'H'} ${Number(b.nnt.estimate.toPrecision(3))}`} (${b.nnt.ciText})` },
      test: Number.isFinite(b.test.pValue) ? { method: b.test.method, pValue: b.test.pValue } : null,
    });
  }
  for (const o of cmp.ordinal) {
    const po = o.proportionalOdds;
    const su = o.superiority;
    out.ordinal.push({
      instrument,
      visit: o.visit,
      arm: o.treatment,
      reference: o.reference,
      oddsRatio: Number.isFinite(po.estimate) && intervalOrNull(po.ci) ? { estimate: po.estimate, ci: intervalOrNull(po.ci)!, pValue: po.pValue } : null,
      superiority: Number.isFinite(su.estimate) && intervalOrNull(su.ci) ? { estimate: su.estimate, ci: intervalOrNull(su.ci)!, pValue: su.pValue } : null,
      method: 'Proportional-odds model (common odds ratio of a better category) and probability of superiority (Brunner–Munzel)',
    });
  }
  out.diagnostics.push(...plainDiagnostics(cmp.diagnostics));
}

async function runClinicalSignificance(ctx: AnalysisContext, section: ClinicalSignificancePlan): Promise<ClinicalSignificanceSection> {
  const { trial, plan } = ctx;
  const instruments = section.outcomes ?? plan.outcomes.map((o) => o.instrument);
  const visits = section.visits ?? trial.design.visits.slice(1);
  const out: ClinicalSignificanceSection = { settings: [], categories: [], missing: [], comparisons: [], ordinal: [], participants: [], categoryOrder: [], method: '', diagnostics: [] };
  const methods = new Set<string>();
  for (const instrument of instruments) {
    ctx.progress(`${instrument}: reliable change and categories`);
    const { cutoff, norms } = resolveCutoff(section, instrument);
    const options: TrialClinicalSignificanceOptions = { instrument, method: section.method, cutoff, visits, arms: trial.design.arms };
    const reliability = own(section.reliability, instrument);
    if (reliability !== undefined) options.reliability = reliability;
    if (norms !== undefined) options.norms = norms;
    const cs = clinicalSignificance(trial, options);
    methods.add(cs.method);
    out.diagnostics.push(...plainDiagnostics(cs.diagnostics));
    summarise(ctx, instrument, cs, out);
  }
  out.method = `${[...methods].join('; ')}. Categories per participant and visit; participants without a follow-up are counted as missing, never as unchanged.`;
  return out;
}

/** Reliable change and cut-offs per participant, compared between arms: wired to src/clinical-significance. */
export const clinicalSignificanceAdapter: SectionAdapter<ClinicalSignificancePlan, ClinicalSignificanceSection> = {
  capability: 'src/clinical-significance (issue 4)',
  run: runClinicalSignificance,
};

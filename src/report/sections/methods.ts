/**
 * Report section: methods and diagnostics.
 */
import type { TrialAnalysis } from '../../analysis/types.js';
import { ciLabel, section, type ReportSection, type SectionContext } from './common.js';

/** Methods and diagnostics: the model in words, small-cell protection, every diagnostic. */
export function methodsSection(a: TrialAnalysis, { cells }: SectionContext): ReportSection {
  const s = section('methods', 'Methods and diagnostics');
  const m = a.plan.model;
  const model =
    m.type === 'mixed'
      ? `a linear mixed model per outcome (${m.baseline === 'outcome' ? 'baseline as a visit of the response' : 'baseline as covariate'}, ${m.reml ? 'REML' : 'ML'}, ${m.ddf} df${m.partialNesting ? `, partially nested: ${m.partialNesting.cluster} random intercept in ${m.partialNesting.treated}` : ''})`
      : m.type === 'ancova'
        ? `an ANCOVA per follow-up visit (${m.vcov} covariance${m.cluster ? ` clustered by ${m.cluster}` : ''})`
        : `within-arm change from baseline (paired t), estimated only with at least ${m.minimumPairs} complete pairs`;
  s.readings.push(`Primary analysis: ${model}; primary visit ${a.primaryVisit}; ${ciLabel(a.plan.ciLevel)}s; seed ${a.plan.seed}.`);
  s.notes.push(cells.k === null ? 'Small-cell protection: off.' : `Small-cell protection: counts from 1 to ${cells.k - 1} are shown as <${cells.k}, summaries of fewer than ${cells.k} people are withheld, and individual-level figures are left out (primary suppression only).`);
  for (const d of a.diagnostics) s.notes.push(`${d.severity}: ${d.message}`);
  return s;
}

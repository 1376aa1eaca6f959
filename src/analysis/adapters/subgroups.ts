/**
 * Subgroup adapter (src/subgroups, issue 5): for each outcome, one model per subgroup variable
 * with arm × subgroup (× visit) interactions, the effect within each level, the interaction
 * test and its adjustment across variables.
 */
import { subgroupAnalysis, type SubgroupAnalysisOptions } from '../../subgroups/analysis.js';
import type { SubgroupSpec } from '../../subgroups/definitions.js';
import type { SubgroupsPlan, SubgroupVariablePlan } from '../plan.js';
import { plainDiagnostics } from '../internal.js';
import type { SubgroupsSection } from '../types.js';
import type { AnalysisContext, SectionAdapter } from './types.js';

/**
 * The subgroup module's spec for one variable of the plan. The plan uses defineSubgroup's kinds
 * and field names; only a baseline-level variable's bands are keyed by instrument in a plan.
 */
export function subgroupSpec(v: SubgroupVariablePlan, instrument: string): SubgroupSpec {
  const common = { prespecified: v.prespecified, ...(v.label !== undefined ? { label: v.label } : {}) };
  switch (v.kind) {
    case 'diagnosis-chapter':
    case 'sex':
      return { kind: v.kind, ...common };
    case 'age-band':
      return v.bands
        ? { kind: 'age-band', ...common, bands: v.bands.map((b) => ({ min: b.min, ...(b.max !== null && b.max !== undefined ? { max: b.max } : {}), ...(b.label !== undefined ? { label: b.label } : {}) })) }
        : { kind: 'age-band', ...common };
    case 'baseline-level': {
      const bands = v.bands?.[instrument];
      return bands ? { kind: 'baseline-level', ...common, bands: bands.map((b) => ({ ...b })) } : { kind: 'baseline-level', ...common };
    }
    case 'time-since-diagnosis':
      return v.cutPoints ? { kind: 'time-since-diagnosis', ...common, cutPoints: v.cutPoints } : { kind: 'time-since-diagnosis', ...common };
    case 'column':
      return v.cutPoints ? { kind: 'column', column: v.column, ...common, cutPoints: v.cutPoints } : { kind: 'column', column: v.column, ...common };
  }
}

async function runSubgroups(ctx: AnalysisContext, section: SubgroupsPlan): Promise<SubgroupsSection> {
  const { trial, plan } = ctx;
  const instruments = section.outcomes ?? plan.outcomes.map((o) => o.instrument);
  const visits = section.visits ?? [ctx.primaryVisit];
  const m = plan.model;
  const out: SubgroupsSection = { tests: [], rows: [], method: '', diagnostics: [] };
  for (const instrument of instruments) {
    ctx.progress(`${instrument}: ${section.variables.length} subgroup variable(s)`);
    const options: SubgroupAnalysisOptions = {
      instrument,
      subgroups: section.variables.map((v) => subgroupSpec(v, instrument)),
      visits,
      // The subgroup models follow the primary analysis (mixed model or ANCOVA).
      model: m.type === 'ancova' ? 'ols' : 'lmm',
      baseline: m.type === 'mixed' ? m.baseline : 'covariate',
      test: section.test,
      treatedArm: trial.design.arms[1]!,
      ciLevel: plan.ciLevel,
      overall: false,
    };
    if (m.type === 'mixed') options.ddf = m.ddf;
    if (m.type === 'ancova') options.vcov = m.vcov;
    const sg = subgroupAnalysis(trial, options);
    out.method = `${sg.method} ${sg.multiplicity.description}`;
    out.diagnostics.push(...plainDiagnostics(sg.diagnostics));
    for (const v of sg.variables) {
      const i = v.interaction;
      out.tests.push({
        instrument,
        visits: [...sg.visits],
        variable: v.name,
        label: v.label,
        prespecified: v.prespecified,
        method: i.method,
        statistic: i.statistic,
        numDf: i.numDf,
        denDf: i.denDf,
        pValue: i.pValue,
        pAdjusted: section.adjust === 'holm' ? i.pHolm : section.adjust === 'BH' ? i.pBH : i.pValue,
        adjust: section.adjust,
      });
      for (const e of v.effects) {
        out.rows.push({
          instrument,
          visit: e.visit,
          variable: v.name,
          level: e.level,
          nByArm: { ...e.n },
          estimable: e.estimable,
          reason: e.reason,
          estimate: e.estimable ? e.estimate : null,
          ci: e.estimable && e.ci ? [e.ci[0], e.ci[1]] : null,
          ciLevel: e.ciLevel,
        });
      }
      out.diagnostics.push(...plainDiagnostics(v.diagnostics));
    }
  }
  return out;
}

/** Treatment effects within subgroups and the interaction tests: wired to src/subgroups. */
export const subgroupsAdapter: SectionAdapter<SubgroupsPlan, SubgroupsSection> = {
  capability: 'src/subgroups (issue 5)',
  run: runSubgroups,
};

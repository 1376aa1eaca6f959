/**
 * Report section: the primary analysis (arm differences, change, means and model tables per outcome).
 */
import type { ArmDifference, OutcomeResult, TrialAnalysis } from '../../analysis/types.js';
import type { Figure } from '../figures/common.js';
import { armDifferenceFigure, changeDistributionFigure, individualTrajectoryFigure, meanTrajectoryFigure } from '../figures/outcomes.js';
import type { SmallCells } from '../format.js';
import { ciLabel, col, design, section, type ReportSection, type ReportTable, type SectionContext } from './common.js';
import { auto, count, interval, notEstimableText, num, pEquals, pValue } from '../format.js';

function direction(o: OutcomeResult): string {
  return o.direction === 'higher-better' ? ' (higher is better)' : o.direction === 'lower-better' ? ' (lower is better)' : '';
}

/**
 * The plain-language reading of one arm difference (or difference in change).
 * @example
 * differenceReading(outcome, outcome.differences[1]);
 * // 'At 9m, PSP (social functioning) was 6.30 points higher with SFT than control (higher is better) (95% CI 3.02 to 9.58; p < 0.001).'
 */
export function differenceReading(o: OutcomeResult, d: ArmDifference, change = false): string {
  const what0 = change ? `the difference in change in ${o.label} from ${d.from}` : `the difference in ${o.label}`;
  if (!d.estimable || d.estimate === null || d.ci === null) return `At ${d.visit}, ${what0} between ${d.arm} and ${d.reference} is ${notEstimableText(d.reason)}.`;
  const side = d.estimate >= 0 ? 'higher' : 'lower';
  const adj = d.pAdjusted !== null ? `, adjusted ${pEquals(d.pAdjusted)}` : '';
  const compatible = d.ci[0] <= 0 && d.ci[1] >= 0 ? '; the interval includes no difference' : '';
  const what = change ? `the change in ${o.label} from ${d.from} was` : `${o.label} was`;
  return `At ${d.visit}, ${what} ${num(Math.abs(d.estimate))} points ${side} with ${d.arm} than ${d.reference}${direction(o)} (${ciLabel(d.ciLevel)} ${interval(d.ci)}; ${pEquals(d.pValue)}${adj})${compatible}.`;
}

function modelTables(o: OutcomeResult): ReportTable[] {
  return o.models.map((m, i) => ({
    id: `${o.instrument}-model-${i + 1}`,
    caption: `${o.label}: ${m.kind === 'mixed' ? 'mixed model' : `ANCOVA at ${m.visit}`}, fixed effects (${m.formula})`,
    columns: [col('term', 'Term'), col('estimate', 'Estimate', true), col('se', 'SE', true), col('df', 'df', true), col('ci', ciLabel(m.coefficients[0]?.ciLevel ?? 0.95), true), col('p', 'p', true)],
    rows: [
      ...m.coefficients.map((c) => (c.estimable ? { term: c.term, estimate: num(c.estimate, 3), se: num(c.se, 3), df: num(c.df, 1), ci: interval(c.ci, 3), p: pValue(c.pValue) } : { term: c.term, estimate: num(c.estimate, 3), se: '', df: '', ci: notEstimableText(c.reason), p: '' })),
      ...m.varianceComponents.map((v) => ({ term: `SD ${v.group}${v.term ? ` ${v.term}` : ''}`, estimate: num(v.sd, 3), se: '', df: '', ci: '', p: '' })),
    ],
    note: `${m.method}. ${m.nObs} observations of ${m.nParticipants} participants${m.nClusters !== null ? `, ${m.nClusters} clusters` : ''}; log-likelihood ${num(m.logLik, 2)}${m.converged ? '' : '; the optimiser did not report convergence'}${m.singular ? '; singular fit (a variance estimated at 0)' : ''}.`,
  }));
}

/** The outcome was modelled and its arm differences at the primary visit are estimable. */
function comparisonEstimable(o: OutcomeResult, primaryVisit: string): boolean {
  return o.status === 'estimated' && o.differences.filter((d) => d.visit === primaryVisit).every((d) => d.estimable);
}

function outcomeSubsection(a: TrialAnalysis, o: OutcomeResult, cells: SmallCells, withFigures: boolean): ReportSection {
  const s = section(`primary-${o.instrument}`, `${o.label}${o.role === 'primary' ? ' (primary outcome)' : ''}`, comparisonEstimable(o, a.primaryVisit) ? 'done' : 'not-estimable');
  if (o.status === 'not-estimable') {
    s.readings.push(`Not estimable: ${o.reason?.message ?? 'the model could not be fitted'}. No estimate is reported in its place.`);
  }
  const d = design(a);
  const individualOk = a.trajectories !== null && cells.k === null;
  if (o.withinArm.length > 0) {
    for (const w of o.withinArm) {
      if (w.estimable && w.change) {
        s.readings.push(
          `${w.arm}, ${w.from} to ${w.visit}: mean change ${num(w.change.estimate)} points${direction(o)} (${ciLabel(w.change.ciLevel)} ${interval(w.change.ci)}; ${pEquals(w.change.pValue)}; ${count(w.nPairs, cells)} pairs); without a control group this change is not an effect of the intervention.`,
        );
      } else {
        s.readings.push(`${w.arm}, ${w.from} to ${w.visit}: not estimable (${w.reason}).`);
      }
    }
    s.tables.push({
      id: `${o.instrument}-within`,
      caption: `${o.label}: change from baseline within each arm (complete pairs)`,
      columns: [col('arm', 'Arm'), col('visit', 'Visit'), col('nb', 'n baseline', true), col('nf', 'n follow-up', true), col('np', 'n pairs', true), col('mb', 'Mean before', true), col('ma', 'Mean after', true), col('change', 'Change', true), col('ci', 'CI', true), col('p', 'p', true), col('es', 'Effect size', true)],
      rows: o.withinArm.map((w) => ({
        arm: w.arm,
        visit: w.visit,
        nb: count(w.nBaseline, cells),
        nf: count(w.nFollowUp, cells),
        np: count(w.nPairs, cells),
        mb: w.estimable ? auto(w.meanBaseline) : '',
        ma: w.estimable ? auto(w.meanFollowUp) : '',
        change: w.change ? num(w.change.estimate) : 'not estimable',
        ci: w.change ? interval(w.change.ci) : '',
        p: w.change ? pValue(w.change.pValue) : '',
        es: w.effectSize ? `${w.effectSize.type} = ${num(w.effectSize.estimate)} (${interval(w.effectSize.ci)}), ${w.effectSize.interpretation.label}` : '',
      })),
      note: `Paired t interval of the mean change; the effect size is ${a.plan.effectSizes.observed === 'none' ? 'not computed' : `${a.plan.effectSizes.observed === 'hedges-g' ? "Hedges' g" : "Cohen's d"} for paired data (d_${a.plan.effectSizes.pairedType})`}. Estimated only with at least ${a.plan.model.type === 'pre-post' ? a.plan.model.minimumPairs : 3} complete pairs (the plan's minimum).`,
    });
  }
  const follow = o.differences.filter((x) => x.visit !== a.design.visits[0]);
  const atPrimary = follow.filter((x) => x.visit === a.primaryVisit);
  for (const x of atPrimary) s.readings.push(differenceReading(o, x));
  const last = a.design.visits[a.design.visits.length - 1]!;
  if (last !== a.primaryVisit) for (const x of follow.filter((y) => y.visit === last)) s.readings.push(differenceReading(o, x));
  for (const x of o.changeDifferences.filter((y) => y.visit === a.primaryVisit)) s.readings.push(differenceReading(o, x, true));
  if (o.interaction && !o.interaction.estimable) s.readings.push(`Arm × visit test: ${notEstimableText(o.interaction.reason)}.`);
  else if (o.interaction && o.interaction.pValue !== null) {
    const i = o.interaction as typeof o.interaction & { pValue: number };
    s.readings.push(
      `Arm × visit: F(${num(i.numDf, 0)}, ${num(i.denDf, 1)}) = ${num(i.statistic)}, ${pEquals(i.pValue)}: ${i.pValue < 1 - a.plan.ciLevel ? 'the difference between arms changes over visits' : 'no clear evidence that the difference between arms changes over visits'}.`,
    );
  }
  if (o.differences.length > 0) {
    s.tables.push({
      id: `${o.instrument}-differences`,
      caption: `${o.label}: difference between arms at each visit`,
      columns: [col('visit', 'Visit'), col('contrast', 'Contrast'), col('estimate', 'Difference', true), col('ci', ciLabel(o.differences[0]!.ciLevel), true), col('df', 'df', true), col('p', 'p', true), col('padj', 'Adjusted p', true)],
      rows: o.differences.map((x) => ({
        visit: x.visit,
        contrast: `${x.arm} − ${x.reference}`,
        estimate: x.estimable ? num(x.estimate) : 'not estimable',
        ci: x.estimable ? interval(x.ci) : notEstimableText(x.reason),
        df: num(x.df, 1),
        p: pValue(x.pValue),
        padj: x.pAdjusted === null ? '' : pValue(x.pAdjusted),
      })),
      note: a.plan.multiplicity.method === 'none' ? null : `Adjusted p: ${a.plan.multiplicity.method} across the outcomes at ${a.primaryVisit}.`,
    });
  }
  if (o.changeDifferences.length > 0) {
    s.tables.push({
      id: `${o.instrument}-change-differences`,
      caption: `${o.label}: difference between arms in change from ${a.design.visits[0]}`,
      columns: [col('visit', 'Visit'), col('contrast', 'Contrast'), col('estimate', 'Difference in change', true), col('ci', 'CI', true), col('p', 'p', true)],
      rows: o.changeDifferences.map((x) => ({ visit: x.visit, contrast: `${x.arm} − ${x.reference}`, estimate: x.estimable ? num(x.estimate) : 'not estimable', ci: x.estimable ? interval(x.ci) : notEstimableText(x.reason), p: pValue(x.pValue) })),
      note: null,
    });
  }
  if (o.means.length > 0) {
    s.tables.push({
      id: `${o.instrument}-means`,
      caption: `${o.label}: model-estimated means`,
      columns: [col('visit', 'Visit'), col('arm', 'Arm'), col('estimate', 'Mean', true), col('se', 'SE', true), col('ci', 'CI', true)],
      rows: o.means.map((m) => ({ visit: m.visit, arm: m.arm, estimate: m.estimable ? num(m.estimate) : 'not estimable', se: num(m.se), ci: m.estimable ? interval(m.ci) : notEstimableText(m.reason) })),
      note: null,
    });
  }
  s.tables.push(...modelTables(o));
  for (const dg of o.diagnostics) s.notes.push(`${dg.severity}: ${dg.message}`);
  if (withFigures) {
    const figs = [
      meanTrajectoryFigure(o, d),
      armDifferenceFigure(o, d, a.reference),
      individualOk ? individualTrajectoryFigure(o, a.trajectories!, d) : null,
      individualOk ? changeDistributionFigure(o, a.trajectories!, d) : null,
    ];
    s.figures.push(...figs.filter((f): f is Figure => f !== null));
  }
  return s;
}


/** The primary analysis: one subsection per outcome (readings, tables, model tables, figures). */
export function primarySection(analysis: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
  const primary = section('primary', 'Primary analysis');
  primary.subsections = analysis.outcomes.map((o) => outcomeSubsection(analysis, o, cells, withFigures));
  const estimated = analysis.outcomes.filter((o) => comparisonEstimable(o, analysis.primaryVisit)).length;
  primary.readings.push(`${estimated} of ${analysis.outcomes.length} outcomes estimated${estimated < analysis.outcomes.length ? ' (the others are not estimable, for the reasons given below)' : ''}.`);
  if (estimated === 0) primary.status = 'not-estimable';
  return primary;
}

/**
 * The report's content, independent of its format: sections with a one-line reading each,
 * tables of formatted text, figures (Vega-Lite specs) and notes. The HTML and Markdown
 * renderers both print this model, so the two formats never disagree.
 *
 * Everything here is computed from `analyzeTrial` results; nothing is refitted.
 */
import type {
  ArmDifference,
  ClinicalSignificanceSection,
  DoseResponseSection,
  EconomicsSection,
  OutcomeResult,
  SectionResult,
  SubgroupsSection,
  TrialAnalysis,
} from '../analysis/types.js';
import { ArgumentError } from '../errors/index.js';
import type { Figure, FigureDesign } from './figures/common.js';
import { flowFigure } from './figures/flow.js';
import { armDifferenceFigure, changeDistributionFigure, individualTrajectoryFigure, meanTrajectoryFigure } from './figures/outcomes.js';
import { categoryBarsFigure, ceacFigure, cePlaneFigure, doseResponseFigure, forestFigure, jacobsonFigure } from './figures/sections.js';
import { auto, count, countPercent, interval, money, notEstimableText, num, pEquals, pValue, percent, suppressed, type SmallCells } from './format.js';
import { checkOptions, optionKeys } from '../errors/checks.js';
import { costUtilitySection } from './cost-utility.js';
import { registerSection } from './sections/register.js';

/** A column of a report table. */
export interface ReportColumn {
  key: string;
  label: string;
  /** Right-aligned numbers. */
  numeric: boolean;
}

/** A table of already formatted text. */
export interface ReportTable {
  id: string;
  caption: string;
  columns: ReportColumn[];
  rows: Record<string, string>[];
  /** A line under the table (method, footnote). */
  note: string | null;
}

/** Whether a section has results, and if not, why. */
export type SectionStatus = 'done' | 'not-requested' | 'not-available' | 'failed' | 'not-estimable';

/** One section (or subsection) of the report. */
export interface ReportSection {
  id: string;
  title: string;
  status: SectionStatus;
  /** One-line plain-language readings, computed from the results. */
  readings: string[];
  tables: ReportTable[];
  figures: Figure[];
  notes: string[];
  subsections: ReportSection[];
}

/** The whole report. */
export interface ReportModel {
  title: string;
  description: string | null;
  /** Facts about the run (software version, seed, model). */
  meta: string[];
  sections: ReportSection[];
  /** The normalised plan, shown at the end. */
  planJson: string;
}

/** Options of the report. */
export interface ReportOptions {
  /**
   * Title of the report.
   * @defaultValue `plan.report.title`, else `plan.title`
   */
  title?: string;
  /**
   * Small-cell protection: counts from 1 to k − 1 are printed as `<k` and individual-level
   * figures are left out. `null` turns it off.
   * @defaultValue `plan.report.smallCellK` (off unless the plan sets it)
   */
  smallCellK?: number | null;
  /**
   * Include figures.
   * @defaultValue true
   */
  figures?: boolean;
}

/** A table column (shared with the section modules). */
export const col = (key: string, label: string, numeric = false): ReportColumn => ({ key, label, numeric });

function section(id: string, title: string, status: SectionStatus = 'done'): ReportSection {
  return { id, title, status, readings: [], tables: [], figures: [], notes: [], subsections: [] };
}

/** `95% CI` for a level of 0.95. */
export function ciLabel(level: number): string {
  return `${Math.round(level * 1000) / 10}% CI`;
}

function design(a: TrialAnalysis): FigureDesign {
  return { arms: a.design.arms, visits: a.design.visits, visitMonths: a.design.visitMonths };
}

// ---------------------------------------------------------------------------------------
// Flow, baseline, outcome summaries

function flowSection(a: TrialAnalysis, cells: SmallCells, withFigures: boolean): ReportSection {
  const s = section('flow', 'Participant flow');
  const arms = a.design.arms;
  const fig = flowFigure(a.descriptives.flow, design(a), (n) => count(n, cells));
  if (withFigures) s.figures.push(fig);
  const rows: Record<string, string>[] = [];
  const get = (stage: string, arm: string | null, visit: string | null, instrument: string | null) =>
    a.descriptives.flow.find((r) => r.stage === stage && r.arm === arm && r.visit === visit && r.instrument === instrument);
  const line = (label: string, stage: string, visit: string | null, instrument: string | null) => {
    const r: Record<string, string> = { stage: label };
    for (const [i, arm] of [...arms, null].entries()) {
      const f = get(stage, arm, visit, instrument);
      r[`a${i}`] = f ? countPercent(f.n, stage === 'randomised' ? null : f.percent, cells) : '–';
    }
    rows.push(r);
  };
  line(arms.length > 1 ? 'Randomised' : 'Enrolled', 'randomised', null, null);
  line('Analysed (at least one score)', 'analysed', null, null);
  for (const v of a.design.visits) {
    line(`Measured at ${v} (any instrument)`, 'measured', v, null);
    for (const o of a.plan.outcomes) line(`  ${o.instrument} at ${v}`, 'measured', v, o.instrument);
  }
  const last = a.design.visits[a.design.visits.length - 1]!;
  const retained = [...arms, null].map((arm) => get('measured', arm, last, null));
  s.readings.push(
    `Measured at ${last} (any instrument): ${retained
      .map((r, i) => (r ? `${i < arms.length ? arms[i] : 'all'} ${countPercent(r.n, r.percent, cells)}` : null))
      .filter((x) => x !== null)
      .join(', ')} of those ${arms.length > 1 ? 'randomised' : 'enrolled'}${
      a.plan.model.type === 'mixed'
        ? '; the mixed models use every score a participant gave (valid if missingness depends only on what was observed)'
        : a.plan.model.type === 'ancova'
          ? '; each ANCOVA uses the participants with both scores'
          : '; changes use complete pairs only'
    }.`,
  );
  s.tables.push({
    id: 'flow-table',
    caption: `Participants at each stage, n (% of ${arms.length > 1 ? 'randomised' : 'enrolled'})`,
    columns: [col('stage', 'Stage'), ...arms.map((arm, i) => col(`a${i}`, arm, true)), col(`a${arms.length}`, 'All', true)],
    rows,
    note: null,
  });
  return s;
}

function baselineSection(a: TrialAnalysis, cells: SmallCells): ReportSection {
  const s = section('baseline', 'Baseline characteristics');
  const arms = a.design.arms;
  const rows: Record<string, string>[] = [];
  const groups = new Map<string, typeof a.descriptives.baseline>();
  for (const r of a.descriptives.baseline) {
    const key = `${r.variable}\u0000${r.level ?? ''}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const names: Record<string, string> = {
    participants: 'Participants',
    sex: 'Sex',
    ageBand: 'Age band',
    diagnosisChapter: 'Main diagnosis',
    age: 'Age, years',
    yearsSinceDiagnosis: 'Years since diagnosis',
    baselineScore: 'Baseline score',
  };
  let largest: { label: string; diff: number; text: string } | null = null;
  for (const group of groups.values()) {
    const first = group[0]!;
    const r: Record<string, string> = { variable: names[first.variable] ?? first.variable, level: first.level ?? '' };
    for (const [i, arm] of [...arms, null].entries()) {
      const b = group.find((x) => x.arm === arm);
      if (!b) {
        r[`a${i}`] = '–';
        continue;
      }
      if (b.kind === 'count') r[`a${i}`] = first.variable === 'participants' ? count(b.n, cells) : countPercent(b.n, b.percent, cells);
      else if (b.n === 0) r[`a${i}`] = '–';
      else r[`a${i}`] = suppressed(b.n, cells) ? `suppressed (n <${cells.k})` : `${auto(b.mean)} (${auto(b.sd)}); median ${auto(b.median)}; n = ${b.n}`;
    }
    rows.push(r);
    if (first.kind === 'count' && first.variable !== 'participants' && arms.length >= 2) {
      const ps = arms.map((arm) => group.find((x) => x.arm === arm)?.percent ?? null);
      if (ps.every((p) => p !== null)) {
        const diff = Math.max(...(ps as number[])) - Math.min(...(ps as number[]));
        if (!largest || diff > largest.diff) {
          largest = { label: `${r['variable']} ${first.level ?? ''}`.trim(), diff, text: arms.map((arm, i) => `${arm} ${percent(ps[i]!)}`).join(' vs ') };
        }
      }
    }
  }
  s.readings.push(
    largest
      ? `The largest between-arm difference in a baseline share is ${num(largest.diff, 1)} percentage points (${largest.label}: ${largest.text}); under randomisation such differences are chance.`
      : `Baseline characteristics of the ${arms.length === 1 ? 'single arm' : 'arms'}.`,
  );
  s.tables.push({
    id: 'baseline-table',
    caption: 'Baseline characteristics: n (%) or mean (SD); median; n',
    columns: [col('variable', 'Variable'), col('level', 'Level'), ...arms.map((arm, i) => col(`a${i}`, arm, true)), col(`a${arms.length}`, 'All', true)],
    rows,
    note: 'Percentages of the participants randomised to each arm (missing values counted in the denominator).',
  });
  return s;
}

function outcomesSummarySection(a: TrialAnalysis, cells: SmallCells): ReportSection {
  const s = section('observed', 'Observed outcomes');
  const wanted = new Set(a.plan.outcomes.map((o) => o.instrument));
  const order = (r: { instrument: string; visit: string; arm: string }) => [
    a.plan.outcomes.findIndex((o) => o.instrument === r.instrument),
    a.design.visits.indexOf(r.visit),
    a.design.arms.indexOf(r.arm),
  ];
  const rows = a.descriptives.outcomes
    .filter((r) => wanted.has(r.instrument))
    .sort((x, y) => {
      const ox = order(x);
      const oy = order(y);
      return ox[0]! - oy[0]! || ox[1]! - oy[1]! || ox[2]! - oy[2]!;
    })
    .map((r) => ({
      instrument: r.instrument,
      visit: r.visit,
      arm: r.arm,
      n: `${count(r.n, cells)} of ${count(r.randomised, cells)}`,
      mean: suppressed(r.n, cells) ? 'suppressed' : auto(r.mean),
      sd: suppressed(r.n, cells) ? '' : auto(r.sd),
      median: suppressed(r.n, cells) ? '' : auto(r.median),
      iqr: suppressed(r.n, cells) || r.q1 === null ? '' : `${auto(r.q1)} to ${auto(r.q3)}`,
    }));
  const last = a.design.visits[a.design.visits.length - 1]!;
  const parts = a.plan.outcomes.map((o) => {
    const rs = a.descriptives.outcomes.filter((r) => r.instrument === o.instrument && r.visit === last);
    const n = rs.reduce((t, r) => t + r.n, 0);
    const N = rs.reduce((t, r) => t + r.randomised, 0);
    return `${o.instrument} ${count(n, cells)} of ${count(N, cells)}`;
  });
  s.readings.push(`Scores present at ${last}: ${parts.join('; ')} (missing scores are left out of these summaries, not imputed).`);
  s.tables.push({
    id: 'observed-table',
    caption: 'Observed scores by instrument, visit and arm',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('arm', 'Arm'), col('n', 'n of randomised', true), col('mean', 'Mean', true), col('sd', 'SD', true), col('median', 'Median', true), col('iqr', 'IQR', true)],
    rows,
    note: null,
  });
  return s;
}

// ---------------------------------------------------------------------------------------
// Primary analysis

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

function effectSizeSection(a: TrialAnalysis): ReportSection {
  const s = section('effect-sizes', 'Effect sizes');
  const rows: Record<string, string>[] = [];
  for (const o of a.outcomes) {
    for (const e of o.effectSizes) {
      rows.push({
        outcome: o.label,
        visit: e.visit,
        basis: e.basis === 'model' ? 'model-based d' : 'observed change (g)',
        estimate: num(e.estimate),
        ci: interval(e.ci),
        sd: num(e.standardizer),
        label: `${e.interpretation.label} (${e.interpretation.rules})`,
      });
    }
    for (const w of o.withinArm) {
      if (w.effectSize) rows.push({ outcome: o.label, visit: `${w.arm}: ${w.from}→${w.visit}`, basis: `within-arm ${w.effectSize.type}`, estimate: num(w.effectSize.estimate), ci: interval(w.effectSize.ci), sd: num(w.effectSize.standardizer), label: `${w.effectSize.interpretation.label} (${w.effectSize.interpretation.rules})` });
    }
  }
  for (const o of a.outcomes) {
    const e = o.effectSizes.find((x) => x.basis === 'model' && x.visit === a.primaryVisit);
    if (e) s.readings.push(`${o.label} at ${a.primaryVisit}: d = ${num(e.estimate)} (${ciLabel(e.ciLevel)} ${interval(e.ci)}), "${e.interpretation.label}" by ${e.interpretation.rules}; the difference in points divided by the baseline SD (${num(e.standardizer)}).`);
  }
  if (rows.length === 0) {
    s.status = 'not-estimable';
    s.readings.push('No effect size could be estimated (see the outcomes above for why).');
    return s;
  }
  const es = a.plan.effectSizes;
  s.tables.push({
    id: 'effect-size-table',
    caption: 'Standardized differences',
    columns: [col('outcome', 'Outcome'), col('visit', 'Visit'), col('basis', 'Basis'), col('estimate', 'Estimate', true), col('ci', 'CI', true), col('sd', 'Standardizer (SD)', true), col('label', 'Interpretation')],
    rows,
    note: `Model-based d: the model's difference divided by the ${es.standardizer.replace('baseline-', '')} baseline SD (Feingold 2009), ${es.sdUncertainty === 'ignore' ? 'the SD treated as known' : 'the SD’s uncertainty added (delta method)'}. Labels: ${es.rules}.`,
  });
  return s;
}

// ---------------------------------------------------------------------------------------
// Optional sections

/** A section headed by its status; `result` is `null` unless the section is done. */
export function statusSection<T>(id: string, title: string, r: SectionResult<T>): { s: ReportSection; result: T | null } {
  const s = section(id, title, r.status === 'done' ? 'done' : r.status);
  if (r.status === 'not-requested') s.readings.push('Not part of the analysis plan.');
  if (r.status === 'not-available') s.readings.push(`Not available: ${r.reason}`);
  if (r.status === 'failed') s.readings.push(`Failed: ${r.error.name}: ${r.error.message}`);
  return { s, result: r.status === 'done' ? r.result : null };
}

function labelOf(a: TrialAnalysis, instrument: string): string {
  return a.outcomes.find((o) => o.instrument === instrument)?.label ?? instrument;
}

function clinicalSection(a: TrialAnalysis, cells: SmallCells, withFigures: boolean): ReportSection {
  const { s, result } = statusSection('clinical-significance', 'Clinical significance', a.clinicalSignificance);
  if (!result) return s;
  const cs: ClinicalSignificanceSection = result;
  s.tables.push({
    id: 'cs-settings',
    caption: 'Reliable change and cut-offs used',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('rel', 'Reliability', true), col('thr', 'Reliable change (points)', true), col('cut', 'Cut-off', true), col('source', 'Reliability source')],
    rows: cs.settings.map((x) => ({
      instrument: x.instrument,
      visit: x.visit,
      rel: num(x.reliability, 2),
      thr: x.threshold === null ? `|index| > ${num(x.criticalValue, 2)}` : `> ${num(x.threshold, 2)}`,
      cut: x.cutoff ? `${x.cutoff.type}: ${num(x.cutoff.value, 1)}` : 'none',
      source: x.reliabilitySource ?? '',
    })),
    note: cs.method,
  });
  for (const d of cs.diagnostics) s.notes.push(`${d.severity}: ${d.message}`);
  s.tables.push({
    id: 'cs-categories',
    caption: 'Participants per category, n (%)',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('arm', 'Arm'), ...cs.categoryOrder.map((c) => col(c, c, true)), col('missing', 'no follow-up', true), col('nobase', 'no baseline', true)],
    rows: [...new Set(cs.categories.map((c) => `${c.instrument}\u0000${c.visit}\u0000${c.arm}`))].map((key) => {
      const [instrument, visit, arm] = key.split('\u0000') as [string, string, string];
      const r: Record<string, string> = { instrument, visit, arm };
      for (const c of cs.categoryOrder) {
        const x = cs.categories.find((y) => y.instrument === instrument && y.visit === visit && y.arm === arm && y.category === c);
        r[c] = x ? countPercent(x.n, x.percent, cells) : '0';
      }
      const m = cs.missing.find((y) => y.instrument === instrument && y.visit === visit && y.arm === arm);
      r['missing'] = m ? count(m.noFollowUp, cells) : '0';
      r['nobase'] = m ? count(m.noBaseline + m.notClassifiable, cells) : '0';
      return r;
    }),
    note: 'Participants without a follow-up score are counted as missing, never as unchanged.',
  });
  if (cs.comparisons.length > 0) {
    s.tables.push({
      id: 'cs-comparisons',
      caption: 'Between arms',
      columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('outcome', 'Outcome'), col('rd', 'Risk difference (CI)', true), col('rr', 'Risk ratio (CI)', true), col('or', 'Odds ratio (CI)', true), col('nnt', 'NNT'), col('p', 'p', true)],
      rows: cs.comparisons.map((c) => ({
        instrument: c.instrument,
        visit: c.visit,
        outcome: `${c.outcome}: ${c.arm} vs ${c.reference}`,
        rd: `${num(c.riskDifference.estimate, 3)} (${interval(c.riskDifference.ci, 3)})`,
        rr: c.riskRatio?.estimate != null ? `${num(c.riskRatio.estimate)} (${interval(c.riskRatio.ci)})` : '–',
        or: c.oddsRatio?.estimate != null ? `${num(c.oddsRatio.estimate)} (${interval(c.oddsRatio.ci)})` : '–',
        nnt: c.nnt?.text ?? '–',
        p: c.test ? `${pValue(c.test.pValue)} (${c.test.method})` : '–',
      })),
      note: null,
    });
    if (cs.ordinal.length > 0) {
      s.tables.push({
        id: 'cs-ordinal',
        caption: 'Across the ordered categories',
        columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('contrast', 'Contrast'), col('or', 'Odds ratio of a better category (CI)', true), col('p', 'p', true), col('ps', 'P(better) (CI)', true)],
        rows: cs.ordinal.map((o) => ({
          instrument: o.instrument,
          visit: o.visit,
          contrast: `${o.arm} vs ${o.reference}`,
          or: o.oddsRatio ? `${num(o.oddsRatio.estimate)} (${interval(o.oddsRatio.ci)})` : '–',
          p: o.oddsRatio ? pValue(o.oddsRatio.pValue) : '–',
          ps: o.superiority ? `${num(o.superiority.estimate, 3)} (${interval(o.superiority.ci, 3)})` : '–',
        })),
        note: cs.ordinal[0]!.method,
      });
    }
    for (const c of cs.comparisons.filter((x) => x.visit === a.primaryVisit)) {
      s.readings.push(`${labelOf(a, c.instrument)} at ${c.visit}, ${c.outcome}: ${c.arm} − ${c.reference} = ${num(100 * c.riskDifference.estimate, 1)} percentage points (${num(100 * c.riskDifference.ci[0], 1)} to ${num(100 * c.riskDifference.ci[1], 1)}).`);
    }
  }
  if (withFigures) {
    for (const set of cs.settings) {
      const label = labelOf(a, set.instrument);
      const range = a.outcomes.find((o) => o.instrument === set.instrument)?.range ?? null;
      if (cells.k === null) {
        const j = jacobsonFigure(cs, set.instrument, set.visit, label, range, a.design.arms);
        if (j) s.figures.push(j);
      }
      const counts = cs.categories.filter((c) => c.instrument === set.instrument && c.visit === set.visit);
      // Bars show shares, from which small counts can be read back: leave them out when any is small.
      if (!counts.some((c) => suppressed(c.n, cells))) {
        const b = categoryBarsFigure(cs, set.instrument, set.visit, label, design(a));
        if (b) s.figures.push(b);
      } else {
        s.notes.push(`The category bars of ${set.instrument} at ${set.visit} are left out: some counts are below ${cells.k}.`);
      }
    }
  }
  if (s.readings.length === 0) s.readings.push(cs.method);
  return s;
}

function doseSection(a: TrialAnalysis, cells: SmallCells, withFigures: boolean): ReportSection {
  const { s, result } = statusSection('dose-response', 'Attendance and outcome (dose–response)', a.doseResponse);
  if (!result) return s;
  const dr: DoseResponseSection = result;
  s.tables.push({
    id: 'dose-estimates',
    caption: 'Association of attendance with outcome (treated arm; exploratory)',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('form', 'Form'), col('term', 'Term'), col('estimate', 'Estimate', true), col('ci', 'CI', true), col('p', 'p', true), col('n', 'n', true)],
    rows: dr.estimates.map((e) => ({ instrument: e.instrument, visit: e.visit, form: e.form, term: e.term, estimate: num(e.estimate, 3), ci: interval(e.ci, 3), p: pValue(e.pValue), n: count(e.n, cells) })),
    note: dr.method,
  });
  if (dr.tests.length > 0) {
    s.tables.push({
      id: 'dose-tests',
      caption: 'Test of any association of attendance with the outcome',
      columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('form', 'Form'), col('stat', 'Statistic (df)', true), col('p', 'p', true)],
      rows: dr.tests.map((t) => ({ instrument: t.instrument, visit: t.visit, form: t.form, stat: `${num(t.statistic)} (${num(t.numDf, 0)}, ${num(t.denDf, 1)})`, p: pValue(t.pValue) })),
      note: dr.tests[0]!.method,
    });
  }
  if (dr.causal.length > 0) {
    s.tables.push({
      id: 'dose-causal',
      caption: 'Causal estimates with randomisation as the instrument',
      columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('estimand', 'Estimand'), col('estimate', 'Estimate', true), col('ci', 'CI', true), col('p', 'p', true), col('f', 'First-stage F', true)],
      rows: dr.causal.map((c) => ({ instrument: c.instrument, visit: c.visit, estimand: c.estimand, estimate: num(c.estimate, 3), ci: interval(c.ci, 3), p: pValue(c.pValue), f: num(c.firstStageF, 1) })),
      note: null,
    });
  }
  const seen = new Set<string>();
  for (const e of dr.estimates.filter((x) => x.form === 'linear')) {
    const key = `${e.instrument}\u0000${e.visit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    s.readings.push(`${labelOf(a, e.instrument)} at ${e.visit}: ${num(e.estimate, 3)} points ${e.term} (${interval(e.ci, 3)}; ${pEquals(e.pValue)}); an association within the treated arm, not a randomised comparison.`);
  }
  for (const c of dr.causal.filter((x) => x.estimand.startsWith('per session'))) {
    s.readings.push(`${labelOf(a, c.instrument)} at ${c.visit}, by instrumental variables: ${num(c.estimate, 3)} points per session attended (${interval(c.ci, 3)}), assuming the offer works only through attendance.`);
  }
  if (s.readings.length === 0) s.readings.push(dr.method);
  if (withFigures) {
    const keys = new Set(dr.curves.map((c) => `${c.instrument}\u0000${c.visit}\u0000${c.form}`));
    for (const key of keys) {
      const [instrument, visit, form] = key.split('\u0000') as [string, string, string];
      const f = doseResponseFigure(cells.k === null ? dr : { ...dr, observed: [] }, instrument, visit, form, labelOf(a, instrument));
      if (f) s.figures.push(f);
    }
  }
  return s;
}

function adjustName(method: string | undefined): string {
  return method === 'holm' ? 'Holm' : method === 'BH' ? 'Benjamini–Hochberg' : method === undefined || method === 'none' ? 'no' : method;
}

function subgroupSection(a: TrialAnalysis, cells: SmallCells, withFigures: boolean): ReportSection {
  const { s, result } = statusSection('subgroups', 'Subgroups', a.subgroups);
  if (!result) return s;
  const sg: SubgroupsSection = result;
  s.tables.push({
    id: 'subgroup-tests',
    caption: 'Interaction tests (does the effect differ between levels?)',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visits'), col('variable', 'Variable'), col('kind', 'Pre-specified'), col('stat', 'Statistic (df)', true), col('p', 'p', true), col('padj', 'Adjusted p', true)],
    rows: sg.tests.map((t) => ({
      instrument: t.instrument,
      visit: t.visits.join(', '),
      variable: t.label,
      kind: t.prespecified ? 'yes' : 'no (exploratory)',
      stat: t.statistic === null ? t.method : t.denDf === null ? `χ² ${num(t.statistic)} (${num(t.numDf, 0)})` : `F ${num(t.statistic)} (${num(t.numDf, 0)}, ${num(t.denDf, 1)})`,
      p: pValue(t.pValue),
      padj: t.adjust === 'none' ? '' : `${pValue(t.pAdjusted)} (${t.adjust})`,
    })),
    note: sg.method,
  });
  s.tables.push({
    id: 'subgroup-rows',
    caption: 'Arm difference within each level',
    columns: [col('instrument', 'Instrument'), col('visit', 'Visit'), col('variable', 'Variable'), col('level', 'Level'), col('n', 'n per arm', true), col('estimate', 'Difference', true), col('ci', 'CI', true)],
    rows: sg.rows.map((r) => ({
      instrument: r.instrument,
      visit: r.visit,
      variable: r.variable,
      level: r.level,
      n: Object.entries(r.nByArm).map(([arm, n]) => `${arm} ${count(n, cells)}`).join(', '),
      estimate: r.estimable ? num(r.estimate) : 'not estimable',
      ci: r.estimable ? interval(r.ci) : r.reason ?? '',
    })),
    note: null,
  });
  const sig = sg.tests.filter((t) => t.pAdjusted !== null && t.pAdjusted < 1 - a.plan.ciLevel);
  s.readings.push(
    sig.length > 0
      ? `After ${adjustName(sg.tests[0]?.adjust)} adjustment, the effect differs between levels of: ${sig.map((t) => `${t.label} (${t.instrument}, adjusted ${pEquals(t.pAdjusted)})`).join('; ')}.`
      : `After ${adjustName(sg.tests[0]?.adjust)} adjustment across subgroup variables, no interaction test is below ${num(1 - a.plan.ciLevel, 2)}.`,
  );
  if (withFigures) {
    const keys = new Set(sg.rows.map((r) => `${r.instrument}\u0000${r.visit}`));
    for (const key of keys) {
      const [instrument, visit] = key.split('\u0000') as [string, string];
      const f = forestFigure(sg, instrument, visit, labelOf(a, instrument));
      if (f) s.figures.push(f);
    }
  }
  return s;
}

function economicsSection(a: TrialAnalysis, cells: SmallCells, withFigures: boolean): ReportSection {
  const { s, result } = statusSection('economics', 'Costs and cost-effectiveness', a.economics);
  if (!result) return s;
  const ec: EconomicsSection = result;
  const cur = `${ec.currency}${ec.priceYear !== null ? ` (${ec.priceYear} prices)` : ''}`;
  if (ec.costsByArm.length > 0) {
    const cats = [...new Set(ec.costsByArm.map((c) => c.category))];
    s.tables.push({
      id: 'costs-by-arm',
      caption: `Mean cost per participant, ${cur}`,
      columns: [col('category', 'Category'), ...a.design.arms.map((arm, i) => col(`a${i}`, arm, true)), col('diff', 'Difference (CI)', true)],
      rows: cats.map((cat) => {
        const r: Record<string, string> = { category: cat };
        a.design.arms.forEach((arm, i) => {
          const c = ec.costsByArm.find((x) => x.arm === arm && x.category === cat);
          r[`a${i}`] = c ? (suppressed(c.n, cells) ? `suppressed (n <${cells.k})` : `${money(c.mean.estimate)} (${c.mean.ci ? `${money(c.mean.ci[0])} to ${money(c.mean.ci[1])}` : '–'}); n = ${c.n}`) : '–';
        });
        const d = ec.costDifferences.find((x) => x.category === cat);
        r['diff'] = d ? `${money(d.difference.estimate)} (${d.difference.ci ? `${money(d.difference.ci[0])} to ${money(d.difference.ci[1])}` : '–'})` : '–';
        return r;
      }),
      note: ec.costsMethod,
    });
  }
  s.tables.push({
    id: 'cost-effectiveness',
    caption: `Cost-effectiveness, ${cur}`,
    columns: [col('label', 'Analysis'), col('n', 'n (control / treated)', true), col('dc', 'ΔCost (CI)', true), col('de', 'ΔEffect (CI)', true), col('icer', 'ICER', true), col('quadrant', 'Quadrant'), col('pce', 'P(cost-effective) at WTP', true)],
    rows: ec.analyses.map((x) => {
      const pick = [0.25, 0.5, 1].map((f) => x.ceac.wtp[Math.min(x.ceac.wtp.length - 1, Math.round(f * (x.ceac.wtp.length - 1)))]!);
      return {
        label: x.label,
        n: `${count(x.n.control, cells)} / ${count(x.n.treated, cells)}`,
        dc: `${money(x.incrementalCost.estimate)} (${x.incrementalCost.ci ? `${money(x.incrementalCost.ci[0])} to ${money(x.incrementalCost.ci[1])}` : '–'})`,
        de: `${num(x.incrementalEffect.estimate)} (${interval(x.incrementalEffect.ci)})`,
        icer: x.icer.estimate === null ? '–' : money(x.icer.estimate),
        quadrant: x.icer.quadrant,
        pce: [...new Set(pick)].map((w) => `${percent(100 * x.ceac.probability[x.ceac.wtp.indexOf(w)]!, 0)} at ${money(w)}`).join('; '),
      };
    }),
    note: ec.analyses[0]?.method ?? null,
  });
  for (const x of ec.analyses) {
    const i80 = x.ceac.probability.findIndex((p) => p >= 0.8);
    s.readings.push(
      `${x.label}: ${x.treated} cost ${money(x.incrementalCost.estimate)} ${ec.currency} ${x.incrementalCost.estimate >= 0 ? 'more' : 'less'} per participant for ${num(x.incrementalEffect.estimate)} points; ` +
        (i80 >= 0 ? `the probability of being cost-effective reaches 80% at ${money(x.ceac.wtp[i80])} ${ec.currency} per point.` : `the probability of being cost-effective stays below 80% on the grid (at most ${percent(100 * Math.max(...x.ceac.probability), 0)}).`),
    );
  }
  if (withFigures) {
    ec.analyses.forEach((x, i) => {
      const f = cePlaneFigure(x, ec.currency, i);
      if (f) s.figures.push(f);
    });
    const c = ceacFigure(ec.analyses, ec.currency);
    if (c) s.figures.push(c);
  }
  return s;
}

function methodsSection(a: TrialAnalysis, cells: SmallCells): ReportSection {
  const s = section('methods', 'Methods and diagnostics');
  const m = a.plan.model;
  const model =
    m.type === 'mixed'
      ? `a linear mixed model per outcome (${m.baseline === 'outcome' ? 'baseline as a visit of the response' : 'baseline as covariate'}, ${m.reml ? 'REML' : 'ML'}, ${m.ddf} df${m.clustering ? `, partially nested: ${m.clustering.cluster} random intercept in ${m.clustering.treatedArm}` : ''})`
      : m.type === 'ancova'
        ? `an ANCOVA per follow-up visit (${m.vcov} covariance${m.cluster ? ` clustered by ${m.cluster}` : ''})`
        : `within-arm change from baseline (paired t), estimated only with at least ${m.minimumPairs} complete pairs`;
  s.readings.push(`Primary analysis: ${model}; primary visit ${a.primaryVisit}; ${ciLabel(a.plan.ciLevel)}s; seed ${a.plan.seed}.`);
  s.notes.push(cells.k === null ? 'Small-cell protection: off.' : `Small-cell protection: counts from 1 to ${cells.k - 1} are shown as <${cells.k}, summaries of fewer than ${cells.k} people are withheld, and individual-level figures are left out (primary suppression only).`);
  for (const d of a.diagnostics) s.notes.push(`${d.severity}: ${d.message}`);
  return s;
}

/**
 * Build the report's content from analysis results: sections with readings, tables and
 * figure specs. Both renderers (HTML and Markdown) print this model.
 *
 * @param analysis - the results of `analyzeTrial`.
 * @param options - see {@link ReportOptions}.
 * @returns the report model.
 * @throws ArgumentError when `smallCellK` is not null or an integer ≥ 2.
 * @example
 * const model = buildReportModel(analysis);
 * model.sections.map((s) => s.id); // ['flow', 'baseline', 'observed', 'primary', 'effect-sizes', 'clinical-significance', …]
 */
export function buildReportModel(analysis: TrialAnalysis, options: ReportOptions = {}): ReportModel {
  checkOptions('options', options, optionKeys<ReportOptions>()(['title', 'smallCellK', 'figures']));
  const k = options.smallCellK === undefined ? analysis.plan.report.smallCellK : options.smallCellK;
  if (k !== null && !(Number.isInteger(k) && k >= 2)) {
    throw new ArgumentError('options.smallCellK', k, 'null (off) or an integer ≥ 2');
  }
  const cells: SmallCells = { k };
  const withFigures = options.figures ?? true;
  const primary = section('primary', 'Primary analysis');
  primary.subsections = analysis.outcomes.map((o) => outcomeSubsection(analysis, o, cells, withFigures));
  const estimated = analysis.outcomes.filter((o) => comparisonEstimable(o, analysis.primaryVisit)).length;
  primary.readings.push(`${estimated} of ${analysis.outcomes.length} outcomes estimated${estimated < analysis.outcomes.length ? ' (the others are not estimable, for the reasons given below)' : ''}.`);
  if (estimated === 0) primary.status = 'not-estimable';
  const title = options.title ?? analysis.plan.report.title ?? analysis.plan.title;
  const m = analysis.plan.model;
  return {
    title,
    description: analysis.plan.description ?? null,
    meta: [
      `rcteval ${analysis.software.version}`,
      `${analysis.data.nParticipants} participants, ${analysis.data.nMeasurements} measurements`,
      `model: ${m.type}`,
      `seed ${analysis.plan.seed}`,
      `${ciLabel(analysis.plan.ciLevel)}s`,
      k === null ? 'small-cell protection off' : `counts below ${k} suppressed`,
    ],
    sections: [
      flowSection(analysis, cells, withFigures),
      baselineSection(analysis, cells),
      outcomesSummarySection(analysis, cells),
      primary,
      effectSizeSection(analysis),
      clinicalSection(analysis, cells, withFigures),
      doseSection(analysis, cells, withFigures),
      subgroupSection(analysis, cells, withFigures),
      economicsSection(analysis, cells, withFigures),
      costUtilitySection(analysis, cells, withFigures),
      registerSection(analysis, cells, withFigures),
      methodsSection(analysis, cells),
    ],
    planJson: JSON.stringify(analysis.plan, null, 2),
  };
}

/**
 * Every figure of a report model, in reading order.
 * @example
 * modelFigures(buildReportModel(analysis)).map((f) => f.id); // ['flow', 'psp-trajectory', 'psp-difference', …]
 */
export function modelFigures(model: ReportModel): Figure[] {
  const out: Figure[] = [];
  const walk = (s: ReportSection) => {
    out.push(...s.figures);
    s.subsections.forEach(walk);
  };
  model.sections.forEach(walk);
  return out;
}

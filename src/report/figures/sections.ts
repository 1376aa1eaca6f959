/**
 * Figures of the optional sections: clinical significance (Jacobson plot, category bars),
 * dose–response, subgroups (forest plot) and economics (cost-effectiveness plane and
 * acceptability curve). Each reads the section's results only.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ClinicalSignificanceSection, CostEffectivenessSummary, DoseResponseSection, SubgroupsSection } from '../../analysis/types.js';
import { CONFIG, HEIGHT, PALETTE, WIDTH, fmt, round6, slug, type Figure, type FigureDesign } from './common.js';

const CATEGORY_COLOURS: Record<string, string> = {
  recovered: '#1a9850',
  improved: '#91cf60',
  unchanged: '#bdbdbd',
  deteriorated: '#fc8d59',
  harmed: '#d73027',
};

function categoryScale(order: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...order], range: order.map((c, i) => CATEGORY_COLOURS[c] ?? PALETTE[i % PALETTE.length]!) };
}

function pText(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'not testable';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/**
 * Jacobson plot: each participant's baseline (x) against follow-up (y) score, coloured by
 * clinical-significance category, with the line of no change, the band of change too small
 * to be reliable (± the reliable-change threshold) and the cut-off on both axes.
 *
 * @param cs - the clinical-significance result.
 * @param instrument - the instrument.
 * @param visit - the follow-up visit.
 * @param label - the outcome's label.
 * @param range - the instrument's score range (the plot's limits), or `null` to use the data's.
 * @param arms - the arms in design order (the order of the shape legend).
 *   @defaultValue the order of the data
 * @returns the figure, or `null` without participant rows or settings for this instrument and visit.
 * @example
 * jacobsonFigure(cs, 'PSP', '9m', 'PSP', { min: 1, max: 100 })?.spec.layer?.length; // 5
 */
export function jacobsonFigure(cs: ClinicalSignificanceSection, instrument: string, visit: string, label: string, range: { min: number; max: number } | null, arms?: readonly string[]): Figure | null {
  const set = cs.settings.find((s) => s.instrument === instrument && s.visit === visit);
  const pts = cs.participants.filter((p) => p.instrument === instrument && p.visit === visit);
  if (!set || pts.length === 0) return null;
  const lo = range?.min ?? Math.min(...pts.flatMap((p) => [p.baseline, p.followUp]));
  const hi = range?.max ?? Math.max(...pts.flatMap((p) => [p.baseline, p.followUp]));
  const t = set.threshold;
  // Only the categories this instrument can have (no recovered/harmed without a cut-off).
  const present = cs.categoryOrder.filter((c) => pts.some((p) => p.category === c));
  const scale = { domain: [lo, hi], nice: false, zero: false };
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [];
  // The band of unreliable change has a constant width only when the threshold does not depend
  // on the baseline score (Jacobson–Truax); for the other methods the categories carry it.
  if (t !== null) {
    const band = [
      { x: lo, lower: Math.max(lo, lo - t), upper: Math.min(hi, lo + t) },
      { x: hi, lower: Math.max(lo, hi - t), upper: Math.min(hi, hi + t) },
    ];
    layers.push({
      data: { values: band.map((b) => ({ x: round6(b.x), lower: round6(b.lower), upper: round6(b.upper) })) },
      mark: { type: 'area', opacity: 0.18, color: '#888', clip: true },
      encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'lower', type: 'quantitative', scale }, y2: { field: 'upper' } },
    });
  }
  layers.push(
    {
      data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] },
      mark: { type: 'line', color: '#555', strokeDash: [4, 3] },
      encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale } },
    },
  );
  if (set.cutoff) {
    layers.push(
      { data: { values: [{ c: round6(set.cutoff.value) }] }, mark: { type: 'rule', color: '#333', strokeDash: [2, 2] }, encoding: { x: { field: 'c', type: 'quantitative', scale } } },
      { data: { values: [{ c: round6(set.cutoff.value) }] }, mark: { type: 'rule', color: '#333', strokeDash: [2, 2] }, encoding: { y: { field: 'c', type: 'quantitative', scale } } },
    );
  }
  layers.push({
    data: { values: pts.map((p) => ({ id: p.id, arm: p.arm, baseline: round6(p.baseline), followUp: round6(p.followUp), category: p.category })) },
    mark: { type: 'point', filled: true, size: 26, opacity: 0.8, aria: false },
    encoding: {
      x: { field: 'baseline', type: 'quantitative', title: `${label} at baseline`, scale },
      y: { field: 'followUp', type: 'quantitative', title: `${label} at ${visit}`, scale },
      color: { field: 'category', type: 'nominal', title: 'Category', scale: categoryScale(present), sort: [...present] },
      shape: { field: 'arm', type: 'nominal', title: 'Arm', ...(arms ? { sort: [...arms], scale: { domain: [...arms] } } : {}) },
    },
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${label}: Jacobson plot, baseline to ${visit}`,
      subtitle: `${t !== null ? `Grey band: change within ±${fmt(t, 1)} points (not reliable)` : 'Dashed line: no change'}${set.cutoff ? `; dotted lines: cut-off ${set.cutoff.type} = ${fmt(set.cutoff.value, 1)}` : ''}`,
    },
    width: HEIGHT + 60,
    height: HEIGHT + 60,
    config: CONFIG,
    layer: layers,
  };
  const better = set.direction === 'higher-better' ? 'above' : 'below';
  const improved = pts.filter((p) => p.category === 'improved' || p.category === 'recovered').length;
  return {
    id: slug(instrument, visit, 'jacobson'),
    title: `${label}: Jacobson plot at ${visit}`,
    reading:
      t !== null
        ? `${pts.length} participants; the ${improved} ${better} the grey band changed reliably for the better (by more than ${fmt(t, 1)} points).`
        : `${pts.length} participants, ${improved} of them reliably improved (coloured by category).`,
    spec,
  };
}

/**
 * Stacked bars of the share of participants in each category, per arm.
 *
 * @returns the figure, or `null` when there are no counts for this instrument and visit.
 * @example
 * categoryBarsFigure(cs, 'PSP', '9m', 'PSP', analysis.design)?.id; // 'psp-9m-categories'
 */
export function categoryBarsFigure(cs: ClinicalSignificanceSection, instrument: string, visit: string, label: string, design: FigureDesign): Figure | null {
  const rows = cs.categories.filter((c) => c.instrument === instrument && c.visit === visit);
  if (rows.length === 0) return null;
  // An arm with no follow-up has no shares (0 of 0): it gets no bar, and the reading says so.
  const values = rows.filter((r) => r.denominator > 0).map((r) => ({ arm: r.arm, category: r.category, n: r.n, share: round6(r.n / r.denominator), order: cs.categoryOrder.indexOf(r.category) }));
  // Only the categories this instrument can have (no recovered/harmed without a cut-off).
  const order = cs.categoryOrder.filter((c) => rows.some((r) => r.category === c));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${label}: clinical-significance categories at ${visit}`, subtitle: 'Share of participants with a follow-up score, per arm' },
    width: WIDTH,
    height: Math.max(60, 36 * design.arms.length),
    config: CONFIG,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'arm', type: 'nominal', title: null, sort: [...design.arms] },
      x: { field: 'share', type: 'quantitative', title: 'Share of participants', stack: 'normalize', axis: { format: '%' } },
      color: { field: 'category', type: 'nominal', title: 'Category', scale: categoryScale(order), sort: [...order] },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'arm', title: 'Arm' },
        { field: 'category', title: 'Category' },
        { field: 'n', title: 'n' },
        { field: 'share', title: 'Share', format: '.1%' },
      ],
    },
  };
  const best: string[] = order.filter((c) => c === 'recovered' || c === 'improved');
  const shares = design.arms.map((a) => {
    const r = rows.filter((x) => x.arm === a);
    const d = r[0]?.denominator ?? 0;
    const n = r.filter((x) => best.includes(x.category)).reduce((s, x) => s + x.n, 0);
    return d > 0 ? `${a} ${fmt((100 * n) / d, 0)}%` : `${a}: no follow-up`;
  });
  return { id: slug(instrument, visit, 'categories'), title: `${label}: categories by arm at ${visit}`, reading: `${best.join(' or ')}: ${shares.join(', ')}.`, spec };
}

/**
 * Dose–response curve: predicted outcome over attendance with its CI band, and the observed
 * points when kept.
 *
 * @returns the figure, or `null` without a curve for this instrument, visit and form.
 * @example
 * doseResponseFigure(dr, 'PSP', '9m', 'linear', 'PSP')?.spec.layer?.length; // 3 with observed points
 */
export function doseResponseFigure(dr: DoseResponseSection, instrument: string, visit: string, form: string, label: string): Figure | null {
  const curve = dr.curves.filter((c) => c.instrument === instrument && c.visit === visit && c.form === form).sort((a, b) => a.x - b.x);
  if (curve.length === 0) return null;
  const obs = dr.observed.filter((o) => o.instrument === instrument && o.visit === visit);
  const values = curve.map((c) => ({ x: round6(c.x), estimate: round6(c.estimate), lower: round6(c.lower), upper: round6(c.upper) }));
  const x = { field: 'x', type: 'quantitative' as const, title: dr.exposureLabel };
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    { data: { values }, mark: { type: 'area', opacity: 0.25, color: PALETTE[1] }, encoding: { x, y: { field: 'lower', type: 'quantitative', title: `${label} at ${visit}`, scale: { zero: false } }, y2: { field: 'upper' } } },
    { data: { values }, mark: { type: 'line', color: PALETTE[1], strokeWidth: 2.5 }, encoding: { x, y: { field: 'estimate', type: 'quantitative' } } },
  ];
  if (obs.length > 0) {
    layers.push({ data: { values: obs.map((o) => ({ x: round6(o.x), y: round6(o.y) })) }, mark: { type: 'point', filled: true, size: 18, opacity: 0.35, color: '#555', aria: false }, encoding: { x, y: { field: 'y', type: 'quantitative' } } });
  }
  const slope = dr.estimates.find((e) => e.instrument === instrument && e.visit === visit && e.form === form);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${label}: outcome by attendance (${form})`, subtitle: 'Predicted outcome with its confidence band; exploratory, since attendance is not randomised' },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: layers,
  };
  return {
    id: slug(instrument, visit, 'dose', form),
    title: `${label}: dose–response at ${visit} (${form})`,
    reading: slope
      ? `${slope.term}: ${fmt(slope.estimate)} points (${fmt(slope.ci[0])} to ${fmt(slope.ci[1])}); an association, not a causal effect.`
      : `Predicted ${label} over attendance; an association, not a causal effect.`,
    spec,
  };
}

/**
 * Forest plot of the arm difference within each subgroup level, with each variable's
 * interaction p-value (adjusted across variables) beside it.
 *
 * @returns the figure, or `null` without subgroup rows for this instrument and visit.
 * @example
 * forestFigure(sg, 'PSP', '9m', 'PSP')?.id; // 'psp-9m-forest'
 */
export function forestFigure(sg: SubgroupsSection, instrument: string, visit: string, label: string): Figure | null {
  const rows = sg.rows.filter((r) => r.instrument === instrument && r.visit === visit);
  if (rows.length === 0) return null;
  const tests = sg.tests.filter((t) => t.instrument === instrument && t.visits.includes(visit));
  const labelOf = (variable: string) => tests.find((t) => t.variable === variable)?.label ?? variable;
  const values = rows.map((r, i) => {
    const t = tests.find((x) => x.variable === r.variable);
    const first = rows.findIndex((x) => x.variable === r.variable) === i;
    return {
      row: `${labelOf(r.variable)}: ${r.level} (n = ${Object.values(r.nByArm).join(' / ')})`,
      order: i,
      estimate: r.estimable ? round6(r.estimate!) : null,
      lower: r.estimable ? round6(r.ci![0]) : null,
      upper: r.estimable ? round6(r.ci![1]) : null,
      note: r.estimable ? (first && t ? `interaction ${pText(t.pAdjusted)}${t.adjust !== 'none' ? ` (${t.adjust})` : ''}${t.prespecified ? '' : ', exploratory'}` : '') : `not estimable${r.reason ? `: ${r.reason}` : ''}`,
    };
  });
  const y = { field: 'row', type: 'nominal' as const, title: null, sort: { field: 'order', op: 'min' as const }, axis: { labelLimit: 0 } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${label}: effect within subgroups at ${visit}`,
      subtitle: `Arm difference (points) with CI; n = ${Object.keys(rows[0]!.nByArm).join(' / ')}; p-values test whether the effect differs between levels`,
    },
    config: { ...CONFIG, view: { stroke: null } },
    data: { values },
    hconcat: [
      {
        width: WIDTH - 80,
        height: 18 * rows.length,
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { x: { datum: 0, type: 'quantitative' } }, transform: [{ aggregate: [{ op: 'count', as: 'n' }] }] },
          { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, x: { field: 'lower', type: 'quantitative', title: 'Difference (points)' }, x2: { field: 'upper' } } },
          { mark: { type: 'square', filled: true, size: 60, color: PALETTE[0] }, encoding: { y, x: { field: 'estimate', type: 'quantitative' } } },
        ],
      },
      {
        width: 220,
        height: 18 * rows.length,
        mark: { type: 'text', align: 'left', fontSize: 11 },
        encoding: { y: { ...y, axis: null }, x: { value: 4 }, text: { field: 'note' } },
      },
    ],
  };
  const prespecified = tests.filter((t) => t.prespecified);
  const smallest = tests.filter((t) => t.pAdjusted !== null).sort((a, b) => a.pAdjusted! - b.pAdjusted!)[0];
  return {
    id: slug(instrument, visit, 'forest'),
    title: `${label}: subgroups at ${visit}`,
    reading: smallest
      ? `${tests.length} subgroup variables (${prespecified.length} pre-specified); the smallest ${smallest.adjust === 'none' ? '' : 'adjusted '}interaction p-value: ${smallest.label}, ${pText(smallest.pAdjusted)}.`
      : `Arm differences within subgroup levels.`,
    spec,
  };
}

/** The effect's unit on the cost-effectiveness figures: per outcome point (economics) or per QALY (cost-utility). */
export interface EffectUnit {
  /** Axis text of the effect, e.g. `PSP points` or `QALYs`. */
  effect: string;
  /** Singular unit after "per", e.g. `point` or `QALY`. */
  per: string;
  /** Prefix of the figure ids, e.g. `ce-plane` or `cu-plane`. */
  idPrefix: string;
}

/**
 * Cost-effectiveness plane: bootstrap replicates of (incremental effect, incremental cost)
 * with the point estimate.
 *
 * @param ce - one cost-effectiveness analysis.
 * @param currency - e.g. `DKK`.
 * @param index - the analysis's position in the plan (keeps ids unique).
 *   @defaultValue 0
 * @param unit - the effect's unit and the id prefix.
 *   @defaultValue outcome points, prefix `ce-plane`
 * @returns the figure, or `null` when no replicates were kept.
 * @example
 * cePlaneFigure(economics.analyses[0], 'DKK')?.id; // 'ce-plane-1-psp-9m'
 */
export function cePlaneFigure(ce: CostEffectivenessSummary, currency: string, index = 0, unit: EffectUnit = { effect: `${ce.outcome} points`, per: 'point', idPrefix: 'ce-plane' }): Figure | null {
  const n = ce.plane.deltaEffect.length;
  if (n === 0) return null;
  const values = ce.plane.deltaEffect.map((e, i) => ({ dE: round6(e), dC: round6(ce.plane.deltaCost[i]!) }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Cost-effectiveness plane: ${ce.label}`, subtitle: `${n} of ${ce.replicates} bootstrap replicates (grey) and the estimate (red); ${ce.treated} vs ${ce.control}` },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      { data: { values }, mark: { type: 'point', filled: true, size: 8, opacity: 0.25, color: '#777', aria: false }, encoding: { x: { field: 'dE', type: 'quantitative', title: `Incremental effect (${unit.effect})` }, y: { field: 'dC', type: 'quantitative', title: `Incremental cost (${currency})` } } },
      { data: { values: [{}] }, mark: { type: 'rule', color: '#333' }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      { data: { values: [{}] }, mark: { type: 'rule', color: '#333' }, encoding: { y: { datum: 0, type: 'quantitative' } } },
      {
        data: { values: [{ dE: round6(ce.incrementalEffect.estimate), dC: round6(ce.incrementalCost.estimate) }] },
        mark: { type: 'point', filled: true, size: 110, color: '#d62728', shape: 'diamond' },
        encoding: { x: { field: 'dE', type: 'quantitative' }, y: { field: 'dC', type: 'quantitative' } },
      },
    ],
  };
  const ne = ce.quadrantShares['trade-off-NE'] ?? 0;
  const dom = ce.quadrantShares['dominant'] ?? 0;
  return {
    id: slug(unit.idPrefix, String(index + 1), ce.outcome, ce.visit),
    title: `Cost-effectiveness plane: ${ce.label}`,
    reading: `${fmt(100 * ne, 0)}% of replicates lie in the more-effective-and-more-costly quadrant and ${fmt(100 * dom, 0)}% in the dominant one (more effective, less costly).`,
    spec,
  };
}

/** A line per series against the willingness-to-pay grid (acceptability and EVPI curves share it). */
function wtpCurveSpec(o: { title: string; subtitle: string; values: Record<string, unknown>[]; series: { field: string; title: string; labels: string[] }; y: Record<string, unknown>; xTitle: string }): TopLevelSpec {
  const { labels } = o.series;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: o.title, subtitle: o.subtitle },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: o.values },
    mark: { type: 'line', point: { size: 16 }, strokeWidth: 2 },
    encoding: {
      x: { field: 'wtp', type: 'quantitative', title: o.xTitle, axis: { format: '~s' } },
      y: o.y,
      color: { field: o.series.field, type: 'nominal', title: o.series.title, sort: labels, scale: { domain: labels, range: labels.map((_, i) => PALETTE[i % PALETTE.length]!) } },
    },
  } as TopLevelSpec;
}

/**
 * Cost-effectiveness acceptability curves: the probability that the treated arm is
 * cost-effective against the willingness to pay per outcome point, one line per analysis.
 *
 * @param analyses - the cost-effectiveness analyses.
 * @param currency - e.g. `DKK`.
 * @param unit - the effect's unit and the figure id.
 *   @defaultValue per outcome point, id `ceac`
 * @returns the figure, or `null` without analyses.
 * @example
 * ceacFigure(economics.analyses, 'DKK')?.id; // 'ceac'
 */
export function ceacFigure(analyses: readonly CostEffectivenessSummary[], currency: string, unit: EffectUnit = { effect: 'outcome points', per: 'point', idPrefix: 'ceac' }): Figure | null {
  if (analyses.length === 0) return null;
  const values = analyses.flatMap((a) => a.ceac.wtp.map((w, i) => ({ analysis: a.label, wtp: w, probability: round6(a.ceac.probability[i]!) })));
  const spec = wtpCurveSpec({
    title: 'Cost-effectiveness acceptability',
    subtitle: `Probability of being cost-effective at each willingness to pay per ${unit.per === 'point' ? 'outcome point' : unit.per}`,
    values,
    series: { field: 'analysis', title: 'Analysis', labels: analyses.map((a) => a.label) },
    y: { field: 'probability', type: 'quantitative', title: 'Probability cost-effective', scale: { domain: [0, 1] }, axis: { format: '%' } },
    xTitle: `Willingness to pay per ${unit.per} (${currency})`,
  });
  const first = analyses[0]!;
  const i80 = first.ceac.probability.findIndex((p) => p >= 0.8);
  return {
    id: unit.idPrefix,
    title: 'Cost-effectiveness acceptability curves',
    reading:
      i80 >= 0
        ? `${first.label}: the probability of being cost-effective reaches 80% at ${first.ceac.wtp[i80]!.toLocaleString('en-US')} ${currency} per ${unit.per}.`
        : `${first.label}: the probability of being cost-effective stays below 80% up to ${first.ceac.wtp[first.ceac.wtp.length - 1]!.toLocaleString('en-US')} ${currency} per ${unit.per} (at most ${fmt(100 * Math.max(...first.ceac.probability), 0)}%).`,
    spec,
  };
}

/** One EVPI curve: its label and the per-person values on a willingness-to-pay grid. */
export interface EvpiSeries {
  label: string;
  wtp: readonly number[];
  perPerson: readonly number[];
}

/**
 * Expected value of perfect information per person against the willingness to pay per QALY,
 * one line per horizon, in the style of the acceptability curves.
 *
 * @param series - one curve per horizon.
 * @param currency - e.g. `DKK`.
 * @returns the figure, or `null` without curves.
 * @example
 * evpiFigure([{ label: '15 months', wtp: [0, 50000], perPerson: [0, 812] }], 'DKK')?.id; // 'evpi'
 */
export function evpiFigure(series: readonly EvpiSeries[], currency: string): Figure | null {
  if (series.length === 0) return null;
  const values = series.flatMap((c) => c.wtp.map((w, i) => ({ horizon: c.label, wtp: w, evpi: round6(c.perPerson[i]!) })));
  const spec = wtpCurveSpec({
    title: 'Expected value of perfect information',
    subtitle: 'Per person, at each willingness to pay per QALY (from the bootstrap replicates)',
    values,
    series: { field: 'horizon', title: 'Horizon', labels: series.map((c) => c.label) },
    y: { field: 'evpi', type: 'quantitative', title: `EVPI per person (${currency})`, scale: { zero: true } },
    xTitle: `Willingness to pay per QALY (${currency})`,
  });
  const peaks = series.map((c) => {
    let top = 0;
    c.perPerson.forEach((v, i) => {
      if (v > c.perPerson[top]!) top = i;
    });
    const v = c.perPerson[top]!;
    return v > 0
      ? `${c.label}: largest, ${Math.round(v).toLocaleString('en-US')} ${currency} per person, at ${c.wtp[top]!.toLocaleString('en-US')} ${currency} per QALY`
      : `${c.label}: 0 on the whole grid (one option has the larger net benefit in every replicate)`;
  });
  return {
    id: 'evpi',
    title: 'Expected value of perfect information per person',
    reading: `Expected value of perfect information, ${peaks.join('; ')}.`,
    spec,
  };
}

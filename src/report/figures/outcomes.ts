/**
 * Figures of the primary analysis: model-estimated means over visits, individual
 * trajectories, the arm difference at each visit, and the distribution of observed change.
 * They read `analyzeTrial` results only; nothing is refitted.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { OutcomeResult, TrajectoryPoint } from '../../analysis/types.js';
import { CONFIG, HEIGHT, WIDTH, armScale, fmt, round6, slug, visitAxis, visitX, type Figure, type FigureDesign } from './common.js';

function ciText(level: number): string {
  return `${Math.round(level * 1000) / 10}% CI`;
}

/**
 * Model-estimated mean of each arm at each visit with its confidence interval (error bars),
 * arms offset slightly so the bars do not overlap.
 *
 * @param outcome - one outcome of `analyzeTrial` (its `means`).
 * @param design - arms, visits and visit months.
 * @returns the figure, or `null` when the outcome has no estimated means.
 * @example
 * const fig = meanTrajectoryFigure(analysis.outcomes[0], analysis.design);
 * fig?.spec.layer?.length; // 3 (error bars, lines, points)
 */
export function meanTrajectoryFigure(outcome: OutcomeResult, design: FigureDesign): Figure | null {
  const rows = outcome.means.filter((m) => m.estimate !== null && m.ci !== null);
  if (rows.length === 0) return null;
  const A = design.arms.length;
  const span = Math.max(...design.visits.map((v) => visitX(design, v))) - Math.min(...design.visits.map((v) => visitX(design, v)));
  const dodge = (span || 1) * 0.012;
  const values = rows.map((m) => ({
    arm: m.arm,
    visit: m.visit,
    x: round6(visitX(design, m.visit) + (design.arms.indexOf(m.arm) - (A - 1) / 2) * dodge),
    estimate: round6(m.estimate!),
    lower: round6(m.ci![0]),
    upper: round6(m.ci![1]),
  }));
  const level = rows[0]!.ciLevel;
  const color = { field: 'arm', type: 'nominal' as const, title: 'Arm', scale: armScale(design.arms), sort: [...design.arms] };
  const x = { field: 'x', type: 'quantitative' as const, axis: visitAxis(design), scale: { nice: false, padding: 12 } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${outcome.label}: mean by arm`, subtitle: `Model-estimated means with ${ciText(level)}` },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { field: 'lower', type: 'quantitative', title: outcome.label, scale: { zero: false } }, y2: { field: 'upper' }, color } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'estimate', type: 'quantitative' }, color } },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x,
          y: { field: 'estimate', type: 'quantitative' },
          color,
          tooltip: [
            { field: 'arm', title: 'Arm' },
            { field: 'visit', title: 'Visit' },
            { field: 'estimate', title: 'Mean', format: '.2f' },
            { field: 'lower', title: 'Lower', format: '.2f' },
            { field: 'upper', title: 'Upper', format: '.2f' },
          ],
        },
      },
    ],
  };
  const last = design.visits[design.visits.length - 1]!;
  const atLast = design.arms.map((a) => rows.find((m) => m.arm === a && m.visit === last)).filter((m) => m !== undefined);
  const reading =
    atLast.length > 0
      ? `Estimated mean ${outcome.label} at ${last}: ${atLast.map((m) => `${m.arm} ${fmt(m.estimate, 1)}`).join(', ')} (error bars: ${ciText(level)}).`
      : `Estimated mean ${outcome.label} by arm and visit (error bars: ${ciText(level)}).`;
  return { id: slug(outcome.instrument, 'trajectory'), title: `${outcome.label}: estimated means by arm over visits`, reading, spec };
}

/**
 * Individual trajectories ("spaghetti"), one panel per arm, with the observed mean of each
 * visit drawn thick.
 *
 * @param outcome - the outcome (label and instrument).
 * @param points - the observed scores (`analysis.trajectories`).
 * @param design - arms, visits and visit months.
 * @returns the figure, or `null` when no scores of this instrument are present.
 * @example
 * individualTrajectoryFigure(analysis.outcomes[0], analysis.trajectories ?? [], analysis.design)?.id; // 'psp-spaghetti'
 */
export function individualTrajectoryFigure(outcome: OutcomeResult, points: readonly TrajectoryPoint[], design: FigureDesign): Figure | null {
  const rows = points.filter((p) => p.instrument === outcome.instrument);
  if (rows.length === 0) return null;
  const values = rows.map((p) => ({ id: p.id, arm: p.arm, visit: p.visit, x: visitX(design, p.visit), score: round6(p.score) }));
  const people = new Set(rows.map((p) => p.id)).size;
  const x = { field: 'x', type: 'quantitative' as const, axis: visitAxis(design), scale: { nice: false, padding: 8 } };
  const color = { field: 'arm', type: 'nominal' as const, title: 'Arm', scale: armScale(design.arms), legend: null };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${outcome.label}: individual trajectories`, subtitle: 'Thin lines: participants; thick line: observed mean at each visit' },
    config: CONFIG,
    data: { values },
    facet: { column: { field: 'arm', type: 'nominal', title: null, sort: [...design.arms] } },
    spec: {
      width: Math.round(WIDTH / Math.max(1, Math.min(design.arms.length, 3))) + 60,
      height: HEIGHT,
      layer: [
        { mark: { type: 'line', strokeWidth: 0.7, opacity: 0.25, aria: false }, encoding: { x, y: { field: 'score', type: 'quantitative', title: outcome.label, scale: { zero: false } }, detail: { field: 'id' }, color } },
        { mark: { type: 'line', strokeWidth: 3 }, encoding: { x, y: { aggregate: 'mean', field: 'score', type: 'quantitative' }, color } },
      ],
    },
  };
  return {
    id: slug(outcome.instrument, 'spaghetti'),
    title: `${outcome.label}: individual trajectories by arm`,
    reading: `Observed ${outcome.label} of ${people} participants, one line each (a missed visit is bridged by a straight line between the visits attended).`,
    spec,
  };
}

/**
 * The difference between each arm and the reference arm at every visit, with confidence
 * intervals and a reference line at no difference.
 *
 * @param outcome - one outcome of `analyzeTrial` (its `differences`).
 * @param design - arms, visits and visit months.
 * @param reference - the reference arm.
 * @returns the figure, or `null` when there are no differences (a single-arm design).
 * @example
 * armDifferenceFigure(analysis.outcomes[0], analysis.design, 'control')?.reading; // 'At 9m, SFT − control: 6.30 points (95% CI …).'
 */
export function armDifferenceFigure(outcome: OutcomeResult, design: FigureDesign, reference: string): Figure | null {
  // Differences that are not estimable have no point to draw; the tables and readings name them.
  const rows = outcome.differences.filter((d): d is typeof d & { estimate: number; ci: [number, number] } => d.estimable && d.estimate !== null && d.ci !== null);
  if (rows.length === 0) return null;
  const values = rows.map((d) => ({
    contrast: `${d.arm} − ${d.reference}`,
    arm: d.arm,
    visit: d.visit,
    x: visitX(design, d.visit),
    estimate: round6(d.estimate),
    lower: round6(d.ci[0]),
    upper: round6(d.ci[1]),
    p: d.pValue === null ? null : round6(d.pValue),
  }));
  const level = rows[0]!.ciLevel;
  const x = { field: 'x', type: 'quantitative' as const, axis: visitAxis(design), scale: { nice: false, padding: 14 } };
  const compared = design.arms.filter((a) => a !== reference);
  // One compared arm needs no legend; the colours stay those of the arms in every other figure.
  const color = { field: 'arm', type: 'nominal' as const, title: `Arm (vs ${reference})`, scale: { domain: compared, range: compared.map((a) => armScale(design.arms).range[design.arms.indexOf(a)]!) }, ...(compared.length === 1 ? { legend: null } : {}) };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${outcome.label}: difference between arms`, subtitle: `Estimate and ${ciText(level)} at each visit (vs ${reference})` },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      // Its own one-row data: one reference line, not one per estimate.
      { data: { values: [{}] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { y: { datum: 0, type: 'quantitative' } } },
      {
        data: { values },
        layer: [
          { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'lower', type: 'quantitative', title: 'Difference (points)' }, y2: { field: 'upper' }, color } },
          {
            mark: { type: 'point', filled: true, size: 70 },
            encoding: {
              x,
              y: { field: 'estimate', type: 'quantitative' },
              color,
              tooltip: [
                { field: 'contrast', title: 'Contrast' },
                { field: 'visit', title: 'Visit' },
                { field: 'estimate', title: 'Difference', format: '.2f' },
                { field: 'p', title: 'p', format: '.3g' },
              ],
            },
          },
        ],
      },
    ],
  };
  const follow = rows.filter((d) => d.visit !== design.visits[0]);
  const first = follow[0] ?? rows[0]!;
  return {
    id: slug(outcome.instrument, 'difference'),
    title: `${outcome.label}: difference between arms at each visit`,
    reading: `At ${first.visit}, ${first.arm} − ${first.reference}: ${fmt(first.estimate)} points (${ciText(first.ciLevel)} ${fmt(first.ci[0])} to ${fmt(first.ci[1])}).`,
    spec,
  };
}

/**
 * Distribution of observed change from baseline by arm at each follow-up visit (box plots;
 * participants with both scores).
 *
 * @param outcome - the outcome (label and instrument).
 * @param points - the observed scores (`analysis.trajectories`).
 * @param design - arms and visits.
 * @returns the figure, or `null` when nobody has a baseline and a follow-up score.
 * @example
 * changeDistributionFigure(analysis.outcomes[0], analysis.trajectories ?? [], analysis.design)?.id; // 'psp-change'
 */
export function changeDistributionFigure(outcome: OutcomeResult, points: readonly TrajectoryPoint[], design: FigureDesign): Figure | null {
  const baselineVisit = design.visits[0]!;
  const byId = new Map<string, Map<string, number>>();
  const armOf = new Map<string, string>();
  for (const p of points) {
    if (p.instrument !== outcome.instrument) continue;
    let m = byId.get(p.id);
    if (!m) byId.set(p.id, (m = new Map()));
    m.set(p.visit, p.score);
    armOf.set(p.id, p.arm);
  }
  const values: { arm: string; visit: string; change: number }[] = [];
  for (const [id, m] of byId) {
    const b = m.get(baselineVisit);
    if (b === undefined) continue;
    for (const v of design.visits.slice(1)) {
      const f = m.get(v);
      if (f !== undefined) values.push({ arm: armOf.get(id)!, visit: v, change: round6(f - b) });
    }
  }
  if (values.length === 0) return null;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${outcome.label}: change from ${baselineVisit}`, subtitle: 'Observed change, participants with both scores (box: quartiles; whiskers: 1.5 × IQR)' },
    config: CONFIG,
    data: { values },
    facet: { column: { field: 'visit', type: 'nominal', title: null, sort: design.visits.slice(1) } },
    spec: {
      width: Math.max(120, Math.round(WIDTH / Math.max(1, design.visits.length - 1))),
      height: HEIGHT,
      layer: [
        {
          mark: { type: 'boxplot', extent: 1.5, size: 28 },
          encoding: {
            x: { field: 'arm', type: 'nominal', title: null, sort: [...design.arms] },
            y: { field: 'change', type: 'quantitative', title: `Change in ${outcome.label}` },
            color: { field: 'arm', type: 'nominal', title: 'Arm', scale: armScale(design.arms), legend: null },
          },
        },
        {
          // One row per panel, so each panel draws one reference line.
          transform: [{ aggregate: [{ op: 'count', as: 'n' }] }],
          mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
          encoding: { y: { datum: 0, type: 'quantitative' } },
        },
      ],
    },
  };
  const medians = design.arms.map((a) => {
    const c = values.filter((v) => v.arm === a && v.visit === design.visits[1]).map((v) => v.change).sort((x, y) => x - y);
    if (c.length === 0) return null;
    const h = Math.floor(c.length / 2);
    return `${a} ${fmt(c.length % 2 ? c[h]! : (c[h - 1]! + c[h]!) / 2, 1)} (n = ${c.length})`;
  });
  return {
    id: slug(outcome.instrument, 'change'),
    title: `${outcome.label}: distribution of change by arm`,
    reading: `Median observed change from ${baselineVisit} to ${design.visits[1]}: ${medians.filter((m) => m !== null).join(', ')}.`,
    spec,
  };
}

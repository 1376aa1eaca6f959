/**
 * A CONSORT-style participant flow drawn with Vega-Lite: a box for randomisation, a column
 * of boxes per arm (allocated, measured at each follow-up visit, analysed), and connectors.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FlowRow } from '../../descriptives/flow-counts.js';
import { CONFIG, armScale, type Figure, type FigureDesign } from './common.js';

/** How a count is printed (small-cell protection replaces small counts). */
export type CountFormatter = (n: number) => string;

const plainCount: CountFormatter = (n) => String(n);

/**
 * The participant flow as boxes and arrows.
 *
 * @param flow - `analysis.descriptives.flow` (from `flowCounts`).
 * @param design - arms and visits.
 * @param count - how to print a count, e.g. with small cells suppressed.
 *   @defaultValue the number itself
 * @returns the figure.
 * @example
 * flowFigure(analysis.descriptives.flow, analysis.design).reading; // '304 randomised: control 151, SFT 153; …'
 */
export function flowFigure(flow: readonly FlowRow[], design: FigureDesign, count: CountFormatter = plainCount): Figure {
  const arms = design.arms;
  const followUps = design.visits.slice(1);
  const get = (stage: string, arm: string | null, visit: string | null) =>
    flow.find((r) => r.stage === stage && r.arm === arm && r.visit === visit && r.instrument === null);
  const total = get('randomised', null, null)?.n ?? 0;
  const colW = 220;
  const boxW = 190;
  const boxH = 46;
  const gapY = 30;
  const width = Math.max(colW * arms.length, boxW + 40);
  const rowsPerArm = 2 + followUps.length; // allocated, each follow-up, analysed
  const height = (rowsPerArm + 1) * (boxH + gapY);
  const boxes: { key: string; x: number; y: number; x2: number; y2: number; cx: number; lines: string[]; arm: string | null }[] = [];
  const links: { x: number; y: number; x2: number; y2: number }[] = [];
  // A single-arm study enrols rather than randomises.
  const randomised = arms.length > 1;
  const top = { key: 'randomised', x: width / 2 - boxW / 2, x2: width / 2 + boxW / 2, y: 0, y2: boxH, cx: width / 2, lines: [randomised ? 'Randomised' : 'Enrolled', `n = ${count(total)}`], arm: null };
  boxes.push(top);
  arms.forEach((arm, a) => {
    const cx = colW * a + colW / 2 + (width - colW * arms.length) / 2;
    const rows: string[][] = [];
    const allocated = get('randomised', arm, null)?.n ?? 0;
    rows.push([randomised ? `Allocated to ${arm}` : arm, `n = ${count(allocated)}`]);
    for (const v of followUps) {
      const m = get('measured', arm, v);
      rows.push([`Measured at ${v}`, m ? `n = ${count(m.n)} (not measured ${count(m.notIncluded)})` : 'n = 0']);
    }
    const an = get('analysed', arm, null);
    rows.push(['Analysed (≥ 1 score)', an ? `n = ${count(an.n)} (no data ${count(an.notIncluded)})` : 'n = 0']);
    rows.forEach((lines, r) => {
      const y = (r + 1) * (boxH + gapY);
      boxes.push({ key: `${a}-${r}`, x: cx - boxW / 2, x2: cx + boxW / 2, y, y2: y + boxH, cx, lines, arm });
      links.push(r === 0 ? { x: width / 2, y: boxH, x2: cx, y2: y } : { x: cx, y: y - gapY, x2: cx, y2: y });
    });
  });
  const scale = (max: number, reverse: boolean) => ({ domain: [0, max], nice: false, zero: true, reverse });
  const x = (field: string) => ({ field, type: 'quantitative' as const, axis: null, scale: scale(width, false) });
  const y = (field: string) => ({ field, type: 'quantitative' as const, axis: null, scale: scale(height - gapY, true) });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Participant flow', subtitle: 'CONSORT-style: randomised, allocated, measured at each follow-up visit, analysed' },
    width,
    height: height - gapY,
    config: { ...CONFIG, view: { stroke: null } },
    layer: [
      { data: { values: links }, mark: { type: 'rule', color: '#777', strokeWidth: 1.2 }, encoding: { x: x('x'), y: y('y'), x2: { field: 'x2' }, y2: { field: 'y2' } } },
      {
        data: { values: boxes },
        mark: { type: 'rect', stroke: '#555', strokeWidth: 1, cornerRadius: 3 },
        encoding: {
          x: x('x'),
          x2: { field: 'x2' },
          y: y('y'),
          y2: { field: 'y2' },
          fill: { field: 'arm', type: 'nominal', scale: { domain: [...arms], range: armScale(arms).range.map((c) => `${c}22`) }, legend: null },
        },
      },
      {
        data: { values: boxes.map((b) => ({ cx: b.cx, cy: b.y + boxH / 2 - 7, lines: b.lines })) },
        mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: 11, lineHeight: 14 },
        encoding: { x: x('cx'), y: y('cy'), text: { field: 'lines' } },
      },
    ],
  };
  const lastVisit = followUps[followUps.length - 1];
  const atLast = lastVisit ? get('measured', null, lastVisit) : undefined;
  const analysed = get('analysed', null, null);
  const reading =
    `${count(total)} ${randomised ? 'randomised' : 'enrolled'}${randomised ? `: ${arms.map((a) => `${a} ${count(get('randomised', a, null)?.n ?? 0)}`).join(', ')}` : ''}; ` +
    `${count(analysed?.n ?? 0)} gave at least one score` +
    (atLast ? `; ${count(atLast.n)} were measured at ${lastVisit}.` : '.');
  return { id: 'flow', title: 'Participant flow (CONSORT-style)', reading, spec };
}

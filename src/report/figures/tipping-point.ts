/**
 * The tipping-point figure: the δ grid (control arm's δ across, treated arm's up) as tiles
 * coloured by the pooled p-value, with the pooled estimate written in each tile and the tiles
 * where the effect is significant outlined; or a line of p against δ when one arm's δ varies.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, fmt, HEIGHT, slug, WIDTH, type Figure } from './common.js';

/**
 * What the figure and reading use of a tipping-point analysis: a `TippingPointResult`, or its
 * plain-JSON form kept in an analysis result (the missing-data section).
 */
export interface TippingPointView {
  arms: readonly string[];
  rows: readonly { delta: Record<string, number>; estimate: number | null; pValue: number | null }[];
  mar: { estimable: boolean; pValue: number | null; reason: string | null };
  tippingPoints: readonly { arm: string; lossOfSignificance: number | null; signChange: number | null; note: string | null }[];
  alpha: number;
  method: string;
}

/**
 * Vega-Lite figure of a tipping-point analysis.
 * @example
 * const fig = tippingPointFigure(tp, { effect: '9-month PSP effect' });
 * fig.reading; // 'The 9-month PSP effect stays significant (p < 0.05) unless those who dropped out of SFT did … points worse than comparable completers …'
 */
export function tippingPointFigure(tp: TippingPointView, labels: { effect: string }): Figure {
  const [ax, ay] = tp.arms as [string, string | undefined];
  const values = tp.rows.map((r) => ({
    dx: r.delta[ax] ?? 0,
    dy: ay === undefined ? 0 : (r.delta[ay] ?? 0),
    p: r.pValue,
    estimate: r.estimate,
    label: r.estimate === null ? 'n.e.' : fmt(r.estimate, 1),
    significant: r.pValue !== null && r.pValue < tp.alpha,
  }));
  const pScale = { type: 'threshold' as const, domain: [0.001, 0.01, tp.alpha, 0.1, 0.2], range: ['#08306b', '#2171b5', '#6baed6', '#fdae6b', '#f16913', '#a63603'] };
  const spec: TopLevelSpec =
    ay === undefined
      ? {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          width: WIDTH,
          height: HEIGHT,
          config: CONFIG,
          data: { values },
          layer: [
            { mark: { type: 'line', point: true }, encoding: { x: { field: 'dx', type: 'quantitative', title: `δ for ${ax} (score units, after dropout)` }, y: { field: 'p', type: 'quantitative', title: 'pooled p-value', scale: { type: 'log' } } } },
            { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: tp.alpha } } },
          ],
        }
      : {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          width: WIDTH,
          height: WIDTH,
          config: CONFIG,
          data: { values },
          encoding: {
            x: { field: 'dx', type: 'ordinal', title: `δ for ${ax} (score units, after dropout)`, sort: 'ascending' },
            y: { field: 'dy', type: 'ordinal', title: `δ for ${ay} (score units, after dropout)`, sort: 'descending' },
          },
          layer: [
            {
              mark: { type: 'rect' },
              encoding: {
                color: { field: 'p', type: 'quantitative', scale: pScale, title: 'pooled p-value' },
                stroke: { condition: { test: 'datum.significant', value: '#000' }, value: null },
                tooltip: [
                  { field: 'dx', title: `δ ${ax}` },
                  { field: 'dy', title: `δ ${ay}` },
                  { field: 'estimate', format: '.2f', title: 'estimate' },
                  { field: 'p', format: '.3g', title: 'p' },
                ],
              },
            },
            { mark: { type: 'text', fontSize: 10, aria: false }, encoding: { text: { field: 'label' }, color: { condition: { test: `datum.p < ${tp.alpha}`, value: '#fff' }, value: '#000' } } },
          ],
        };
  return { id: slug('tipping-point', labels.effect), title: `Tipping point: ${labels.effect} under δ-adjusted imputation`, reading: tippingPointReading(tp, labels.effect), spec };
}

/**
 * The plain-language reading of a tipping-point analysis.
 * @example
 * tippingPointReading(tp, '9-month PSP effect'); // 'The 9-month PSP effect stays significant (p < 0.05) unless those who dropped out of SFT did … points worse than comparable completers …'
 */
export function tippingPointReading(tp: TippingPointView, effect: string): string {
  const mar = tp.mar;
  if (!mar.estimable || mar.pValue === null) return `The ${effect} is not estimable under MAR (${mar.reason}), so no tipping point is defined.`;
  const parts = tp.tippingPoints.map((s) => {
    if (s.lossOfSignificance !== null && mar.pValue! < tp.alpha) {
      const d = s.lossOfSignificance;
      return `unless those who dropped out of ${s.arm} did ${fmt(Math.abs(d), 1)} points ${d < 0 ? 'worse' : 'better'} than comparable completers (δ ${d < 0 ? '≤' : '≥'} ${fmt(d, 1)})`;
    }
    return null;
  });
  if (mar.pValue >= tp.alpha) return `The ${effect} is not significant under MAR (p = ${fmt(mar.pValue, 3)}); the grid shows how δ moves it.`;
  const found = parts.filter((p): p is string => p !== null);
  if (found.length === 0) return `The ${effect} stays significant (p < ${tp.alpha}) over the whole δ grid for ${tp.arms.join(' and ')}.`;
  return `The ${effect} stays significant (p < ${tp.alpha}) ${found.join(', and ')}, with the other arm at δ = 0.`;
}

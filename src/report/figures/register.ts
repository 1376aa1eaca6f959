/**
 * Register figure: labour-market status shares per arm in each snapshot week, as stacked bars
 * (one bar per arm, one panel per week).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RegisterSection } from '../../analysis/types.js';
import { CONFIG, PALETTE, WIDTH, fmt, round6, type Figure } from './common.js';

/**
 * Stacked bars of status shares by arm (rows) and snapshot week (columns).
 * @returns the figure, or `null` when no arm has a status in any week.
 * @example
 * registerStatusFigure(section, ['control', 'SFT'])?.id; // 'register-status-shares'
 */
export function registerStatusFigure(rs: RegisterSection, arms: readonly string[]): Figure | null {
  // A cell with no participant in the register has no shares (0 of 0): it gets no bar.
  const values = rs.shares
    .filter((r) => r.share !== null)
    .map((r) => ({ arm: r.arm, week: r.week, status: rs.labels[r.status] ?? r.status, count: r.count, total: r.total, share: round6(r.share!), order: rs.statuses.indexOf(r.status) }));
  if (values.length === 0) return null;
  const order = rs.statuses.map((s) => rs.labels[s] ?? s);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Labour-market status by arm and snapshot week', subtitle: 'Share of the participants in the register that week' },
    config: CONFIG,
    data: { values },
    facet: { column: { field: 'week', type: 'ordinal', title: 'Snapshot week', sort: [...rs.weeks] } },
    spec: {
      width: Math.round(WIDTH / Math.max(1, rs.weeks.length)),
      height: Math.max(60, 36 * arms.length),
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'arm', type: 'nominal', title: null, sort: [...arms] },
        x: { field: 'share', type: 'quantitative', title: 'Share of participants', stack: 'normalize', axis: { format: '%' } },
        color: { field: 'status', type: 'nominal', title: 'Status', scale: { domain: order, range: order.map((_, i) => PALETTE[(i + 2) % PALETTE.length]!) }, sort: order },
        order: { field: 'order', type: 'quantitative' },
        tooltip: [
          { field: 'arm', title: 'Arm' },
          { field: 'week', title: 'Week' },
          { field: 'status', title: 'Status' },
          { field: 'count', title: 'n' },
          { field: 'total', title: 'In the register' },
          { field: 'share', title: 'Share', format: '.1%' },
        ],
      },
    },
  };
  const ref = rs.statuses[0]!;
  const last = rs.weeks[rs.weeks.length - 1]!;
  const parts = arms.map((arm) => {
    const r = rs.shares.find((x) => x.arm === arm && x.week === last && x.status === ref);
    return r && r.share !== null ? `${arm} ${fmt(100 * r.share, 0)}%` : `${arm}: nobody in the register`;
  });
  return { id: 'register-status-shares', title: 'Labour-market status by arm and week', reading: `${rs.labels[ref] ?? ref} at ${last}: ${parts.join(', ')}.`, spec };
}

/**
 * The report's register chapter: labour-market status shares by arm and snapshot week (table
 * and stacked bars), the odds ratio and risk difference per week for each status category
 * from its logistic GLMM, and bed-days with the negative-binomial rate ratio and the influence
 * of the longest stays. Readings in plain language; docs/methods/glmm.md, "Register outcomes".
 */
import type { MaybeEstimateRow, RegisterRateRatio, RegisterSection, TrialAnalysis } from '../../analysis/types.js';
import { registerStatusFigure } from '../figures/register.js';
import { count, interval, notEstimableText, num, pValue, percent, suppressed } from '../format.js';
import { ciLabel, col, statusSection, type ReportSection, type SectionContext } from './common.js';

function ratioText(r: MaybeEstimateRow, digits = 2): string {
  if (!r.estimable || r.estimate === null) return notEstimableText(r.reason);
  return `${num(r.estimate, digits)} (${interval(r.ci, digits)})`;
}

function pointsText(r: MaybeEstimateRow): string {
  if (!r.estimable || r.estimate === null) return notEstimableText(r.reason);
  const ci = r.ci ? `${num(100 * r.ci[0], 1)} to ${num(100 * r.ci[1], 1)}` : '–';
  return `${num(100 * r.estimate, 1)} (${ci})`;
}

function rateReading(r: RegisterRateRatio, treated: string): string {
  const rr = r.rateRatio;
  if (!rr.estimable || rr.estimate === null) return notEstimableText(rr.reason);
  const more = rr.estimate >= 1;
  const ci = rr.ci;
  const clear = ci !== null && (ci[0] > 1 || ci[1] < 1);
  return `${treated} had ${num(rr.estimate, 2)} times the control arm's bed-day rate (${interval(ci, 2)}), ${clear ? `clearly ${more ? 'more' : 'fewer'}` : 'a difference the data cannot tell from none'}`;
}

/**
 * The register chapter of the report model.
 * @example
 * registerSection(analysis, { k: null }, true).tables.map((t) => t.id); // ['register-shares', 'register-contrasts', 'register-bed-days']
 */
export function registerSection(a: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
  const { s, result } = statusSection('register', 'Register outcomes', a.register);
  if (!result) return s;
  const rs: RegisterSection = result;
  const [control, treated] = a.design.arms as [string, string];
  const arms = [control, treated];
  const ci = ciLabel(a.plan.ciLevel);
  const label = (st: string) => rs.labels[st] ?? st;

  s.tables.push({
    id: 'register-shares',
    caption: 'Labour-market status by arm and snapshot week: n (% of those in the register that week)',
    columns: [col('week', 'Week'), col('arm', 'Arm'), col('total', 'In the register', true), ...rs.statuses.map((st, i) => col(`s${i}`, label(st), true))],
    rows: rs.weeks.flatMap((week) =>
      arms.map((arm) => {
        const cellsOf = rs.shares.filter((r) => r.arm === arm && r.week === week);
        const total = cellsOf[0]?.total ?? 0;
        const row: Record<string, string> = { week, arm, total: count(total, cells) };
        rs.statuses.forEach((st, i) => {
          const r = cellsOf.find((x) => x.status === st);
          row[`s${i}`] = !r || r.share === null ? '–' : suppressed(r.count, cells) ? `<${cells.k}` : `${r.count} (${percent(100 * r.share, 1)})`;
        });
        return row;
      }),
    ),
    note: 'Shares among the participants with a register status that week; those who had left the register (death, emigration) are not counted.',
  });

  const rdLabel = rs.riskDifference === 'conditional' ? 'Risk difference, points (conditional)' : 'Risk difference, points (population-averaged)';
  s.tables.push({
    id: 'register-contrasts',
    caption: `${treated} vs ${control} per status category and week: odds ratio and risk difference (${ci})`,
    columns: [col('status', 'Status'), col('week', 'Week'), col('or', `Odds ratio (${ci})`, true), col('p', 'p', true), col('rd', `${rdLabel} (${ci})`, true)],
    rows: rs.contrasts.flatMap((c) =>
      c.estimable
        ? c.rows.map((r) => ({ status: label(c.status), week: r.week, or: ratioText(r.oddsRatio), p: pValue(r.oddsRatio.pValue), rd: pointsText(r.riskDifference) }))
        : [{ status: label(c.status), week: '–', or: notEstimableText(c.reason), p: '–', rd: '–' }],
    ),
    note: `${rs.contrasts[0]?.method ?? ''}. Risk differences are in percentage points; ${
      rs.riskDifference === 'conditional'
        ? 'conditional ones compare a participant with a typical (random effect 0) propensity in each arm, and are larger than population-averaged differences when participants differ a lot'
        : 'population-averaged ones compare the expected shares in each arm'
    }.`,
  });

  for (const c of rs.contrasts) {
    if (!c.estimable) {
      s.readings.push(`${label(c.status)}: ${notEstimableText(c.reason)}.`);
      continue;
    }
    const later = c.rows.filter((r) => r.week !== rs.weeks[0]);
    const parts = later.map((r) => {
      const or = r.oddsRatio;
      if (!or.estimable || or.estimate === null) return `at ${r.week} ${notEstimableText(or.reason)}`;
      const rd = r.riskDifference;
      const clear = or.ci !== null && (or.ci[0] > 1 || or.ci[1] < 1);
      return `at ${r.week} odds ratio ${num(or.estimate, 2)} (${interval(or.ci, 2)})${rd.estimable && rd.estimate !== null ? `, ${num(100 * rd.estimate, 1)} percentage points` : ''}${clear ? '' : ', compatible with no difference'}`;
    });
    s.readings.push(`${label(c.status)} in ${treated} vs ${control}: ${parts.join('; ')}.`);
  }

  const bd = rs.bedDays;
  if (bd) {
    const inf = bd.influence;
    const rows = bd.byArm.map((r) => ({
      what: r.arm,
      n: count(r.n, cells),
      total: String(r.total),
      mean: num(r.mean, 1),
      median: num(r.median, 0),
      max: r.max === null ? '–' : cells.k !== null ? 'suppressed (individual value)' : String(r.max),
      zeros: count(r.zeros, cells),
      top: percent(r.topShareOfBedDays === null ? null : 100 * r.topShareOfBedDays, 1),
    }));
    s.tables.push({
      id: 'register-bed-days',
      caption: `Psychiatric bed-days over the register window by arm`,
      columns: [col('what', 'Arm'), col('n', 'n', true), col('total', 'Bed-days', true), col('mean', 'Mean', true), col('median', 'Median', true), col('max', 'Longest total', true), col('zeros', 'No bed-day', true), col('top', `Share from the top ${num(100 * inf.topShare, 0)}%`, true)],
      rows,
      note: null,
    });
    const rr = (r: RegisterRateRatio) => ({ n: count(r.n, cells), rr: ratioText(r.rateRatio), p: pValue(r.rateRatio.pValue), theta: r.theta === null ? '–' : num(r.theta, 3) });
    s.tables.push({
      id: 'register-rate-ratio',
      caption: `Bed-day rate ratio ${treated} / ${control} (negative binomial, ${ci})`,
      columns: [col('model', 'Participants'), col('n', 'n', true), col('rr', `Rate ratio (${ci})`, true), col('p', 'p', true), col('theta', 'NB θ', true)],
      rows: [
        { model: 'All', ...rr(bd.all) },
        { model: `Without the top ${num(100 * inf.topShare, 0)}% (${inf.k} with most bed-days)`, ...rr(inf.without) },
      ],
      note: `${bd.all.method}. Model: ${bd.formula}.`,
    });
    const share = inf.shareOfBedDays;
    s.readings.push(
      `Bed-days: ${rateReading(bd.all, treated)}. The ${inf.k} participants (${num(100 * inf.topShare, 0)}%) with most bed-days account for ${share === null ? 'none of them' : percent(100 * share, 0)} of all bed-days (${arms.map((arm) => `${inf.byArm[arm] ?? 0} in ${arm}`).join(', ')}); without them, ${
        inf.without.rateRatio.estimable ? rateReading(inf.without, treated) : `the rate ratio is ${notEstimableText(inf.without.rateRatio.reason)}`
      }.`,
    );
    for (const d of [...bd.all.diagnostics]) s.notes.push(`Bed-days: ${d.severity}: ${d.message}`);
    for (const d of [...inf.without.diagnostics]) s.notes.push(`Bed-days without the longest stays: ${d.severity}: ${d.message}`);
  }
  for (const c of rs.contrasts) for (const d of c.diagnostics) s.notes.push(`${label(c.status)}: ${d.severity}: ${d.message}`);
  for (const d of rs.diagnostics) s.notes.push(`${d.severity}: ${d.message}`);
  if (withFigures) {
    const f = registerStatusFigure(rs, arms);
    if (f) s.figures.push(f);
  }
  return s;
}

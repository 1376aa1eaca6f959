/**
 * The report's cost-utility section: QALYs by arm, incremental QALYs (unadjusted and adjusted
 * for baseline utility), cost per QALY with its quadrant and net monetary benefit, the CE
 * plane and acceptability curve per QALY, the EVPI curve, and the skewed-cost models.
 */
import type { CostUtilitySection, DifferenceSummary, TrialAnalysis } from '../../analysis/types.js';
import { ceacFigure, cePlaneFigure, evpiFigure, type EffectUnit } from '../figures/sections.js';
import { count, interval, money, notEstimableText, num, pValue, percent, suppressed } from '../format.js';
import { ciLabel, col, statusSection, type ReportSection, type SectionContext } from './common.js';

const QALY_UNIT: Omit<EffectUnit, 'idPrefix'> = { effect: 'QALYs', per: 'QALY' };

function difference(d: DifferenceSummary, digits = 3): string {
  if (!d.estimable || d.estimate === null) return notEstimableText(d.reason);
  return `${num(d.estimate, digits)} (${interval(d.ci, digits)})`;
}

function moneyCi(estimate: number, ci: readonly [number, number] | null): string {
  return `${money(estimate)} (${ci ? `${money(ci[0])} to ${money(ci[1])}` : '–'})`;
}

/** Grid values at a quarter, half and all of the willingness-to-pay grid (as the economics table). */
function pickWtp(wtp: readonly number[]): number[] {
  return [...new Set([0.25, 0.5, 1].map((f) => wtp[Math.min(wtp.length - 1, Math.round(f * (wtp.length - 1)))]!))];
}

/**
 * The cost-utility section of the report model.
 * @example
 * costUtilitySection(analysis, { cells: { k: null }, figures: true }).tables.map((t) => t.id); // ['qalys-by-arm', 'incremental-qalys', 'cost-per-qaly', …]
 */
export function costUtilitySection(a: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
  const { s, result } = statusSection('cost-utility', 'Cost-utility', a.costUtility);
  if (!result) return s;
  const cu: CostUtilitySection = result;
  const cur = `${cu.currency}${cu.priceYear !== null ? ` (${cu.priceYear} prices)` : ''}`;
  const ci = ciLabel(a.plan.ciLevel);
  s.tables.push({
    id: 'qalys-by-arm',
    caption: `QALYs per participant by arm (${cu.instrument}, discounted at ${num(100 * cu.discountRate, 1)}% a year after the first)`,
    columns: [col('horizon', 'Horizon'), col('arm', 'Arm'), col('n', 'n (excluded)', true), col('qaly', `Mean QALYs (${ci})`, true), col('undiscounted', 'Undiscounted', true), col('baseline', 'Baseline utility', true)],
    rows: cu.horizons.flatMap((h) =>
      a.design.arms.flatMap((arm) => h.byArm.filter((x) => x.arm === arm)).map((r) => {
        const hide = suppressed(r.n, cells);
        return {
          horizon: h.label,
          arm: r.arm,
          n: `${count(r.n, cells)} (${count(r.excluded, cells)})`,
          qaly: hide ? `suppressed (n <${cells.k})` : `${num(r.estimate, 3)} (${r.ci ? interval(r.ci, 3) : `interval ${notEstimableText('fewer than 2 participants with every utility')}`})`,
          undiscounted: hide ? '–' : num(r.undiscounted, 3),
          baseline: hide ? '–' : num(r.baselineUtility, 3),
        };
      }),
    ),
    note: `Value set: ${cu.valueSet.replace(/\.$/, '')}. ${cu.method} Excluded: participants without a utility at every visit of the horizon (complete cases).`,
  });
  s.tables.push({
    id: 'incremental-qalys',
    caption: 'Incremental QALYs, unadjusted and adjusted for baseline utility',
    columns: [col('horizon', 'Horizon'), col('n', 'n (control / treated)', true), col('unadjusted', `Unadjusted (${ci})`, true), col('pu', 'p', true), col('adjusted', `Adjusted (${ci})`, true), col('pa', 'p', true)],
    rows: cu.horizons.map((h) => ({
      horizon: h.label,
      n: `${count(h.incrementalQaly.n.control, cells)} / ${count(h.incrementalQaly.n.treated, cells)}`,
      unadjusted: difference(h.incrementalQaly.unadjusted),
      pu: pValue(h.incrementalQaly.unadjusted.pValue),
      adjusted: difference(h.incrementalQaly.adjusted),
      pa: pValue(h.incrementalQaly.adjusted.pValue),
    })),
    note: cu.horizons[0]?.incrementalQaly.method ?? null,
  });
  const first = cu.horizons[0];
  const wtps = first ? pickWtp(first.costPerQaly.ceac.wtp) : [];
  s.tables.push({
    id: 'cost-per-qaly',
    caption: `Cost per QALY, ${cur}`,
    columns: [
      col('horizon', 'Horizon'),
      col('n', 'n (control / treated)', true),
      col('dc', `ΔCost (${ci})`, true),
      col('dq', `ΔQALY (${ci})`, true),
      col('icer', 'ICER per QALY', true),
      col('quadrant', 'Quadrant'),
      ...wtps.map((w, i) => col(`inmb${i}`, `INMB at ${money(w)} (${ci})`, true)),
      col('pce', 'P(cost-effective)', true),
      col('evpi', 'EVPI per person', true),
    ],
    rows: cu.horizons.map((h) => {
      const x = h.costPerQaly;
      const r: Record<string, string> = {
        horizon: h.label,
        n: `${count(x.n.control, cells)} / ${count(x.n.treated, cells)}`,
        dc: moneyCi(x.incrementalCost.estimate, x.incrementalCost.ci),
        dq: `${num(x.incrementalEffect.estimate, 3)} (${interval(x.incrementalEffect.ci, 3)})`,
        icer: x.icer.estimate === null ? notEstimableText(x.icer.interpretation) : money(x.icer.estimate),
        quadrant: x.icer.quadrant,
      };
      wtps.forEach((w, i) => {
        const nb = x.netBenefit.find((b) => b.wtp === w);
        r[`inmb${i}`] = nb ? moneyCi(nb.estimate, nb.ci) : notEstimableText(`${money(w)} is not on this horizon's grid`);
      });
      r['pce'] = wtps.map((w) => `${percent(100 * x.ceac.probability[x.ceac.wtp.indexOf(w)]!, 0)} at ${money(w)}`).join('; ');
      r['evpi'] = wtps.map((w) => `${money(h.evpi.perPerson[h.evpi.wtp.indexOf(w)])} at ${money(w)}`).join('; ');
      return r;
    }),
    note: first?.costPerQaly.method ?? null,
  });
  if (cu.skewedCosts.length > 0) {
    const arms = a.design.arms;
    s.tables.push({
      id: 'skewed-costs',
      caption: `Mean total cost by models for skewed costs, ${cur}`,
      columns: [col('model', 'Model'), col('n', 'n', true), ...arms.map((arm, i) => col(`a${i}`, `${arm} (${ci})`, true)), col('diff', `Difference (${ci}, delta method)`, true), col('boot', `Difference (bootstrap ${ci})`, true)],
      rows: cu.skewedCosts.map((m) => {
        const name = m.model === 'gamma' ? 'Gamma GLM (log link)' : 'Two-part (logit × gamma)';
        if (!m.estimable) {
          const r: Record<string, string> = { model: name, n: '–', diff: notEstimableText(m.reason), boot: '–' };
          arms.forEach((_, i) => (r[`a${i}`] = '–'));
          return r;
        }
        const r: Record<string, string> = {
          model: name,
          n: count(m.n, cells),
          diff: m.difference.estimable && m.difference.estimate !== null ? moneyCi(m.difference.estimate, m.difference.ci) : notEstimableText(m.difference.reason),
          boot: m.bootstrap ? moneyCi(m.bootstrap.estimate, m.bootstrap.ci) : '–',
        };
        arms.forEach((arm, i) => {
          const x = m.arms.find((y) => y.arm === arm);
          r[`a${i}`] = x ? `${moneyCi(x.estimate, x.ci)}; zeros ${count(x.zeros, cells)} of ${count(x.n, cells)}` : '–';
        });
        return r;
      }),
      note: cu.skewedCosts.map((m) => m.method).join(' '),
    });
  }
  for (const h of cu.horizons) {
    const x = h.costPerQaly;
    const i80 = x.ceac.probability.findIndex((p) => p >= 0.8);
    const adj = h.incrementalQaly.adjusted;
    s.readings.push(
      `${h.label}: ${x.treated} ${adj.estimable && adj.estimate !== null ? `gained ${num(adj.estimate, 3)} QALYs adjusted for baseline utility (unadjusted ${difference(h.incrementalQaly.unadjusted)})` : `incremental QALYs ${notEstimableText(adj.reason)}`} ` +
        `at ${money(Math.abs(x.incrementalCost.estimate))} ${cu.currency} ${x.incrementalCost.estimate >= 0 ? 'more' : 'less'} per participant; ` +
        `ICER ${x.icer.estimate === null ? notEstimableText(x.icer.interpretation) : `${money(x.icer.estimate)} ${cu.currency} per QALY`} (${x.icer.quadrant}); ` +
        (i80 >= 0 ? `the probability of being cost-effective reaches 80% at ${money(x.ceac.wtp[i80])} ${cu.currency} per QALY.` : `the probability of being cost-effective stays below 80% on the grid (at most ${percent(100 * Math.max(...x.ceac.probability), 0)}).`),
    );
  }
  // QALY diagnostics already name their horizon; the others are prefixed with it.
  for (const d of [...cu.diagnostics, ...cu.horizons.flatMap((h) => h.diagnostics)]) s.notes.push(`${d.severity}: ${d.message}`);
  for (const h of cu.horizons) for (const d of [...h.incrementalQaly.diagnostics, ...h.costPerQaly.diagnostics]) s.notes.push(`${h.label}: ${d.severity}: ${d.message}`);
  for (const m of cu.skewedCosts) for (const d of m.diagnostics) s.notes.push(`${m.model === 'gamma' ? 'Gamma model' : 'Two-part model'}: ${d.severity}: ${d.message}`);
  if (withFigures) {
    cu.horizons.forEach((h, i) => {
      const f = cePlaneFigure(h.costPerQaly, cu.currency, i, { ...QALY_UNIT, idPrefix: 'cu-plane' });
      if (f) s.figures.push(f);
    });
    const c = ceacFigure(
      cu.horizons.map((h) => h.costPerQaly),
      cu.currency,
      { ...QALY_UNIT, idPrefix: 'cu-ceac' },
    );
    if (c) s.figures.push(c);
    const e = evpiFigure(
      cu.horizons.map((h) => ({ label: h.label, wtp: h.evpi.wtp, perPerson: h.evpi.perPerson })),
      cu.currency,
    );
    if (e) s.figures.push(e);
  }
  return s;
}

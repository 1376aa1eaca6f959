/**
 * Report section: costs and cost-effectiveness.
 */
import type { EconomicsSection, TrialAnalysis } from '../../analysis/types.js';
import { ceacFigure, cePlaneFigure } from '../figures/sections.js';
import { col, statusSection, type ReportSection, type SectionContext } from './common.js';
import { count, interval, money, num, percent, suppressed } from '../format.js';

/** Costs by arm and cost-effectiveness per outcome point, with the CE plane and CEAC. */
export function economicsSection(a: TrialAnalysis, { cells, figures: withFigures }: SectionContext): ReportSection {
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

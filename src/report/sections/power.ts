/**
 * The power report: a short Markdown summary of a planned partially nested trial (power of the
 * design, the solved sample size or detectable effect, whether the target is reachable) and the
 * power curves as Vega-Lite figures. Reads results only.
 */
import type { AnalyticPowerResult, SolveResult } from '../../power/analytic.js';
import type { PowerCurve } from '../../power/curve.js';
import type { PowerSimulationResult, RejectionRate } from '../../power/simulation.js';
import { CONFIG, HEIGHT, WIDTH, type Figure } from '../figures/common.js';

/** What the power report shows. */
export interface PowerReportInput {
  title: string;
  /** Power of the design as planned. */
  power: AnalyticPowerResult | null;
  /** The solved unknown, when the plan asked for one. */
  solve: SolveResult | null;
  curves: PowerCurve[];
  target: number;
  /** The simulation check of the design's power, when the plan asked for one. @defaultValue none */
  simulation?: PowerSimulationResult | null;
}

const LABELS: Record<PowerCurve['vary'], string> = {
  nGroups: 'Therapy groups',
  groupSize: 'Participants per group',
  nControls: 'Controls',
  effect: 'Effect (SD units)',
};

const f = (x: number, d = 3): string => (Number.isInteger(x) ? String(x) : x.toFixed(d));

/**
 * A power curve as a Vega-Lite line chart with the target power as a rule.
 * @example
 * powerCurveFigure(curve, 0.8).spec.mark; // undefined (layered); .layer[0].mark is 'line'
 */
export function powerCurveFigure(curve: PowerCurve, target: number): Figure {
  const label = LABELS[curve.vary];
  const reached = curve.points.find((p) => p.power >= target);
  return {
    id: `power-${curve.vary.toLowerCase()}`,
    title: `Power by ${label.toLowerCase()}`,
    reading: reached
      ? `Power reaches ${f(target, 2)} at ${label} = ${f(reached.value)} on this grid (${curve.method}).`
      : `Power stays below ${f(target, 2)} on this grid (highest ${f(Math.max(...curve.points.map((p) => p.power)), 3)}; ${curve.method}).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      data: { values: curve.points.map((p) => ({ value: p.value, power: p.power })) },
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'value', type: 'quantitative', title: label, scale: { zero: false } },
            y: { field: 'power', type: 'quantitative', title: 'Power', scale: { domain: [0, 1] } },
            tooltip: [
              { field: 'value', type: 'quantitative', title: label },
              { field: 'power', type: 'quantitative', title: 'Power', format: '.3f' },
            ],
          },
        },
        { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: target } } },
      ],
    } as Figure['spec'],
  };
}

/**
 * The power section in Markdown with its figures.
 * @example
 * const { markdown } = powerReportSection({ title: 'Next SFT trial', power: null, solve, curves: [], target: 0.8 });
 */
export function powerReportSection(input: PowerReportInput): { markdown: string; figures: Figure[] } {
  const lines: string[] = [`# Power: ${input.title}`, ''];
  const p = input.power;
  if (p) {
    lines.push(
      `Planned design: ${f(p.nTreated)} treated participants in therapy groups and ${f(p.nControls)} controls; ${f(p.nTreatedAnalysed, 1)} and ${f(p.nControlsAnalysed, 1)} expected at follow-up (retention ${f(p.retention)}).`,
      '',
      '| quantity | value |',
      '|---|---|',
      `| power | ${f(p.power)} |`,
      `| effect (SD units) | ${f(p.effect)} |`,
      `| SE of the effect | ${f(p.se, 4)} |`,
      `| df | ${Number.isFinite(p.df) ? f(p.df, 1) : '∞ (normal)'} |`,
      `| design effect of the treated arm | ${f(p.designEffect)} |`,
      `| analysis | ${p.analysis} |`,
      '',
      `Method: ${p.method}.`,
      '',
    );
  }
  const s = input.solve;
  if (s) {
    if (s.reached) {
      lines.push(`**${s.solveFor === 'effect' ? 'Detectable effect' : `Smallest ${s.solveFor}`} for power ${f(s.target, 2)}: ${f(s.value)}** (power ${f(s.power)}).`, '');
    } else {
      lines.push(`**Target power ${f(s.target, 2)} not reachable:** ${s.reason}.`, '');
    }
  }
  const sim = input.simulation;
  if (sim) {
    const rate = (r: RejectionRate | null): string =>
      r === null ? 'not run' : r.estimate === null ? `not estimable: no analysis gave a p-value (${r.failures.byReason[0]?.reason ?? 'no replicates'})` : `${f(r.estimate)} (${f(r.ciLevel * 100, 0)} % Monte Carlo interval ${f(r.ci![0])}–${f(r.ci![1])}; ${r.n} of ${r.replicates} trials analysed)`;
    const agree = p && sim.power.ci ? (p.power >= sim.power.ci[0] && p.power <= sim.power.ci[1] ? 'the analytic power lies inside the simulation’s interval' : `the analytic power ${f(p.power)} lies outside the simulation’s interval: the formula’s assumptions do not hold for this design (see docs/methods/power.md)`) : null;
    lines.push(
      `**Simulated power** (${sim.method}; ${sim.analysis}): ${rate(sim.power)}${agree ? `; ${agree}` : ''}.`,
      '',
      `Type-I error of the same analysis (effect 0): ${rate(sim.typeIError)}.`,
      '',
      ...sim.diagnostics.map((d) => `- ${d.message}`),
      ...(sim.diagnostics.length ? [''] : []),
    );
  }
  const figures = input.curves.map((c) => powerCurveFigure(c, input.target));
  for (const fig of figures) lines.push(`- ${fig.title}: ${fig.reading}`);
  if (figures.length) lines.push('');
  lines.push('Formulas and references: docs/methods/power.md.', '');
  return { markdown: lines.join('\n'), figures };
}

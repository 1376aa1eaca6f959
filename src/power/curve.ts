/**
 * Power curves: the analytic power of a partially nested design as one input varies (number of
 * groups, group size, number of controls or effect), for figures and plans.
 */
import { ArgumentError } from '../errors/index.js';
import { checkLength, checkOneOf, checkOptions, LIMITS, optionKeys } from '../errors/checks.js';
import { powerOfDesign, resolveDesign, type AnalyticPowerOptions, type PartiallyNestedDesign, type PowerDfMethod, type SolveFor } from './analytic.js';

/** Options of {@link powerCurve}. */
export interface PowerCurveOptions extends AnalyticPowerOptions {
  /** The input that varies along the curve. */
  vary: SolveFor;
  /** Its values, at most LIMITS.gridPoints. */
  values: number[];
}

/** One point of a power curve. */
export interface PowerCurvePoint {
  value: number;
  power: number;
  se: number;
  df: number | null;
}

/** A power curve with what it varied. */
export interface PowerCurve {
  vary: SolveFor;
  points: PowerCurvePoint[];
  alpha: number;
  analysis: string;
  method: string;
}

const KEYS = optionKeys<PowerCurveOptions>()(['alpha', 'df', 'vary', 'values']);

/**
 * Analytic power along a grid of one design input; every point's design is checked as
 * {@link partiallyNestedPower} checks it (a group size below 2 is an error naming the value).
 *
 * @throws ArgumentError for an impossible design or grid value, or bad options.
 * @example
 * const c = powerCurve({ groupSize: 8, effect: 0.3, icc: 0.05, retention: 2 / 3 }, { vary: 'nGroups', values: [10, 20, 40] });
 * c.points.map((p) => p.power); // increasing
 */
export function powerCurve(design: Partial<PartiallyNestedDesign>, options: PowerCurveOptions): PowerCurve {
  const o = checkOptions('options', options, KEYS);
  if (options === undefined) throw new ArgumentError('options', options, 'options with vary and values');
  const vary = checkOneOf('options.vary', o.vary, ['nGroups', 'groupSize', 'nControls', 'effect'] as const);
  if (!Array.isArray(o.values) || o.values.length === 0) throw new ArgumentError('options.values', o.values, 'a non-empty array of values');
  checkLength('options.values', o.values, LIMITS.gridPoints, 'grid points');
  const alphaIn = o.alpha ?? 0.05;
  const df: PowerDfMethod = checkOneOf('options.df', o.df ?? 'satterthwaite', ['satterthwaite', 'normal'] as const);
  if (typeof alphaIn !== 'number' || !(alphaIn > 0 && alphaIn < 1)) throw new ArgumentError('options.alpha', alphaIn, 'a significance level strictly between 0 and 1');
  let analysis = '';
  const points = o.values.map((v, i) => {
    const d = resolveDesign({ ...(design as PartiallyNestedDesign), [vary]: v }, `design (options.values[${i}] = ${String(v)})`);
    const r = powerOfDesign(d, alphaIn, df);
    analysis = r.analysis;
    return { value: v, power: r.power, se: r.se, df: Number.isFinite(r.df) ? r.df : null };
  });
  return { vary, points, alpha: alphaIn, analysis, method: `analytic power (${analysis}), two-sided α = ${alphaIn}, ${df === 'normal' ? 'normal reference' : 'Satterthwaite-type df'}` };
}

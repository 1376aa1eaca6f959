/**
 * Jacobson–Truax cut-offs a, b and c between the dysfunctional and the functional range.
 */
import { ArgumentError } from '../errors/index.js';
import type { Direction } from '../instruments/index.js';
import type { ClinicalCutoff, CutoffType, NormUsed } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** A mean and SD, optionally with where they come from. */
export interface CutoffNorm {
  mean: number;
  sd: number;
  population?: string;
  source?: string;
  /** @defaultValue `'user'` */
  origin?: NormUsed['origin'];
}

/** Norms for {@link clinicalCutoff}: `a` needs `clinical`, `b` needs `functional`, `c` both. */
export interface CutoffNorms {
  clinical?: CutoffNorm | null;
  functional?: CutoffNorm | null;
}

const fmt = (v: number): string => String(Number(v.toPrecision(10)));

function readNorm(which: 'clinical' | 'functional', norm: CutoffNorm | null | undefined, argument: string, type: CutoffType): NormUsed {
  if (norm == null) {
    throw new ArgumentError(
      `${argument}.${which}`,
      norm,
      `the ${which} population's mean and SD for cut-off ${type}`,
      `Supply them, e.g. { ${which}: { mean, sd, source } }${which === 'clinical' ? ", or clinical: 'baseline-sample' to use the observed baselines" : ''}`,
    );
  }
  if (typeof norm.mean !== 'number' || !Number.isFinite(norm.mean)) throw new ArgumentError(`${argument}.${which}.mean`, norm.mean, 'a finite mean');
  if (typeof norm.sd !== 'number' || !Number.isFinite(norm.sd) || !(norm.sd > 0)) {
    throw new ArgumentError(`${argument}.${which}.sd`, norm.sd, 'a positive finite SD (the registry may have a mean without an SD: supply the SD)');
  }
  return {
    mean: norm.mean,
    sd: norm.sd,
    population: norm.population ?? 'supplied by the user',
    source: norm.source ?? 'supplied by the user',
    origin: norm.origin ?? 'user',
  };
}

/**
 * Jacobson–Truax cut-off between the dysfunctional and functional populations, with the direction
 * d = +1 when higher scores are better and −1 when lower are better:
 * - a = M_c + 2·d·s_c: two SDs beyond the clinical mean, toward the functional side;
 * - b = M_f − 2·d·s_f: two SDs inside the functional mean, toward the clinical side (functional SD);
 * - c = (s_f·M_c + s_c·M_f) / (s_f + s_c): where the two normal densities' standardized distances
 *   are equal; independent of direction. Recommended when both populations' norms are known.
 * A score beyond the cut-off in the better direction is in the functional range; a score at or on
 * the clinical side of it is in the dysfunctional range.
 *
 * References: Jacobson, Follette & Revenstorf (1984), Behavior Therapy 15, 336–352; Jacobson &
 * Truax (1991), J. Consulting and Clinical Psychology 59, 12–19.
 * @param argument - name used in error messages. @defaultValue `'norms'`
 * @throws ArgumentError when a norm the cut-off needs is missing, its SD is not positive, or the
 *   type or direction is unknown.
 * @example
 * // Dyadic Adjustment Scale norms of Spanier (1976): married 114.8 (SD 17.8), divorced 70.7 (SD 23.8)
 * clinicalCutoff('c', { clinical: { mean: 70.7, sd: 23.8 }, functional: { mean: 114.8, sd: 17.8 } }, 'higher-better').value;
 * // 95.93028846153847
 */
export function clinicalCutoff(type: CutoffType, norms: CutoffNorms, direction: Direction, argument = 'norms'): ClinicalCutoff {
  if (type !== 'a' && type !== 'b' && type !== 'c') throw new ArgumentError('cutoff', type, '"a", "b", "c", "none" or { value }');
  if (direction !== 'higher-better' && direction !== 'lower-better') throw new ArgumentError('direction', direction, '"higher-better" or "lower-better"');
  if (typeof norms !== 'object' || norms === null) throw new ArgumentError(argument, norms, 'an object { clinical, functional }');
  checkOptions(argument, norms, optionKeys<CutoffNorms>()(['clinical', 'functional']));
  const d = direction === 'higher-better' ? 1 : -1;
  const sign = d > 0 ? '+' : '−';
  let clinical: NormUsed | null = null;
  let functional: NormUsed | null = null;
  let value: number;
  let formula: string;
  if (type === 'a') {
    clinical = readNorm('clinical', norms.clinical, argument, type);
    value = clinical.mean + 2 * d * clinical.sd;
    formula = `a = M_c ${sign} 2·s_c = ${fmt(clinical.mean)} ${sign} 2·${fmt(clinical.sd)} = ${fmt(value)}`;
  } else if (type === 'b') {
    functional = readNorm('functional', norms.functional, argument, type);
    value = functional.mean - 2 * d * functional.sd;
    const inner = d > 0 ? '−' : '+';
    formula = `b = M_f ${inner} 2·s_f = ${fmt(functional.mean)} ${inner} 2·${fmt(functional.sd)} = ${fmt(value)}`;
  } else {
    clinical = readNorm('clinical', norms.clinical, argument, type);
    functional = readNorm('functional', norms.functional, argument, type);
    value = (functional.sd * clinical.mean + clinical.sd * functional.mean) / (functional.sd + clinical.sd);
    formula = `c = (s_f·M_c + s_c·M_f)/(s_f + s_c) = (${fmt(functional.sd)}·${fmt(clinical.mean)} + ${fmt(clinical.sd)}·${fmt(functional.mean)})/(${fmt(functional.sd)} + ${fmt(clinical.sd)}) = ${fmt(value)}`;
  }
  if (clinical && functional && d * (functional.mean - clinical.mean) <= 0) {
    throw new ArgumentError(
      `${argument}.functional.mean`,
      functional.mean,
      `a functional mean ${d > 0 ? 'above' : 'below'} the clinical mean ${clinical.mean} (${direction})`,
    );
  }
  return { type, value, formula, direction, clinical, functional, label: null };
}

/**
 * The one set of argument checks. Every public function checks its options here, so a
 * misspelt key, a confidence level or a seed gets the same words everywhere, and an
 * unknown key never falls back to a default in silence.
 */
import { ArgumentError } from './index.js';

/** Edit distance (insertions, deletions, substitutions), for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `received` (case-insensitive edit distance), or `null` when none
 * is close enough to be a plausible typo (distance more than a third of the longer name, at least 2).
 *
 * @example
 * nearestName('replicate', ['replicates', 'seed']); // 'replicates'
 */
export function nearestName(received: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const r = received.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(r, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === null) return null;
  const limit = Math.max(2, Math.ceil(Math.max(received.length, best.length) / 3));
  return bestD <= limit ? best : null;
}

/** A plain object: not null, not an array, not a class instance such as a Date or Map. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Check an options object: `undefined` is an empty object; anything but a plain object, or a
 * key not in `allowed`, is an `ArgumentError` naming the key and the nearest valid key.
 * Keys whose value is `undefined` are still checked, since a misspelt key is a mistake
 * whatever its value.
 *
 * @param argument - the path to the options in the caller's words, e.g. `"options"` or `"options.design"`.
 * @example
 * checkOptions('options', { replicate: 50 }, ['replicates', 'seed']);
 * // throws ArgumentError: Argument "options.replicate": received 50, expected no such option; did you mean "replicates"? Known options: replicates, seed
 */
export function checkOptions<T extends object>(argument: string, options: T | undefined, allowed: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (!isPlainObject(options)) throw new ArgumentError(argument, options, 'an options object { … } (or nothing)');
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const near = nearestName(key, allowed);
      throw new ArgumentError(
        `${argument}.${key}`,
        (options as Record<string, unknown>)[key],
        `no such option${near ? `; did you mean "${near}"?` : '.'} Known options: ${allowed.length ? allowed.join(', ') : '(none)'}`,
      );
    }
  }
  return options;
}

/**
 * The keys of an options type as a runtime list. The second type check fails to compile when
 * the list misses a key of `T`, so the list cannot drift from the type.
 *
 * @example
 * const KEYS = optionKeys<{ seed?: number; replicates?: number }>()(['seed', 'replicates']);
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & ([Exclude<keyof T & string, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T & string, K[number]> })): K => keys;
}

/**
 * The entries of `options` under `keys` (and not `undefined`): what a function passes on from
 * its own, wider options to a function that checks its options strictly.
 *
 * @example
 * pickOptions<{ levels?: unknown }>({ levels: {}, reml: true }, ['levels']); // { levels: {} }
 */
export function pickOptions<T extends object>(options: T, keys: readonly (keyof T & string)[]): T {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (options[k] !== undefined) out[k] = options[k];
  return out as T;
}

/** A confidence level strictly between 0 and 1. */
export function checkCiLevel(ciLevel: unknown, argument = 'ciLevel'): number {
  if (typeof ciLevel !== 'number' || !(ciLevel > 0 && ciLevel < 1)) {
    throw new ArgumentError(argument, ciLevel, 'a confidence level strictly between 0 and 1, e.g. 0.95');
  }
  return ciLevel;
}

/** `true`, `false` or nothing: a string such as "false" would otherwise count as true. */
export function checkBoolean(argument: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') throw new ArgumentError(argument, v, 'true or false');
}

/** A finite number in [min, max] (bounds optional). */
export function checkFinite(argument: string, v: unknown, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const range =
      min === -Infinity && max === Infinity
        ? 'a finite number'
        : max === Infinity
          ? `a finite number ≥ ${min}`
          : min === -Infinity
            ? `a finite number ≤ ${max}`
            : `a finite number from ${min} to ${max}`;
    throw new ArgumentError(argument, v, range);
  }
  return v;
}

/**
 * A whole number in [min, max]. Every size a user controls (replicates, grid points, imputations)
 * has a finite `max`, so a typo such as 1e12 is an error saying the limit rather than a crash or a hang.
 */
export function checkInteger(argument: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER, detail?: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ArgumentError(argument, v, max >= Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`, detail);
  }
  return v;
}

/**
 * Upper limits on the sizes a user controls. Each is far above any real analysis (the
 * reasons are in docs/methods/limits.md) and far below what exhausts memory or time, so a
 * slip such as `1e12` grid points is an `ArgumentError` saying the limit instead of a crash
 * ("invalid array length") or a process that never returns.
 */
export const LIMITS = {
  /** Bootstrap replicates (cost-effectiveness, costs by arm). */
  replicates: 1_000_000,
  /** Points of a user-supplied grid: willingness-to-pay values, dose–response grid, CE-plane points. */
  gridPoints: 100_000,
  /** Worker threads for the bootstrap. */
  threads: 256,
  /** Spline degrees of freedom and interior knots. */
  splineDf: 100,
  /** Characters in a model formula. */
  formulaLength: 20_000,
  /** Nesting depth of parentheses in a model formula. */
  formulaDepth: 100,
  /**
   * Variables and numbers written in a model formula, and its terms after expansion of `*`,
   * `:`, `/` and `^`. The term expansion recurses once per operator, so this also bounds the
   * stack it needs (about 1,500 operators overflow it).
   */
  formulaTerms: 500,
} as const;

/** An array of at most `max` elements (the array itself is checked elsewhere). */
export function checkLength(argument: string, v: unknown, max: number, what: string): void {
  if (Array.isArray(v) && v.length > max) {
    throw new ArgumentError(argument, `an array of ${v.length} elements`, `at most ${max} ${what}`, 'This limit is far above any real analysis; see docs/methods/limits.md.');
  }
}

/** One of a fixed set of string values, with a suggestion for a near miss. */
export function checkOneOf<const V extends string>(argument: string, v: unknown, values: readonly V[]): V {
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as V;
  const near = typeof v === 'string' ? nearestName(v, values) : null;
  throw new ArgumentError(argument, v, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, near ? `Did you mean "${near}"?` : undefined);
}

/** The alternative hypotheses of a test or interval, in R's words. */
export const ALTERNATIVES = ['two.sided', 'less', 'greater'] as const;

/** A seed for the random number generator: any finite number (the generator folds all its bits). */
export function checkSeed(seed: unknown, argument = 'seed'): number {
  return checkFinite(argument, seed);
}

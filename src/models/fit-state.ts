/**
 * A fit's after-fit state as data. Marginal means, contrasts, tests, predictions and
 * likelihood-ratio tests need more than a fit's printed result (its model frame, β and its
 * covariance, the optimum of a mixed model's criterion). That state travels on the fit, in its
 * `state` field, so that a fit that went through `JSON.stringify`/`JSON.parse`, a worker's
 * structured clone or a file answers the same questions with the same bits.
 *
 * What cannot be data (a mixed model's objective function, a GLM family's link functions) is
 * rebuilt from the data on first use after a round trip, deterministically, so every result
 * is bit-identical to the one from the original fit; the rebuilt state is cached per fit.
 *
 * JSON has no typed arrays, Maps, non-finite numbers or −0: `toJSON` tags them
 * (`{ $f64: [...] }`, `{ $i32: [...] }`, `{ $map: [[k, v], …] }`, `{ $num: 'NaN' }`) and
 * {@link decodeState} reads both the tagged form and the live one (a structured clone keeps
 * typed arrays and Maps as they are).
 */
import { ArgumentError } from '../errors/index.js';

/** Which fitting function made a state. */
export type FitStateKind = 'lmm' | 'ols' | 'glm' | 'glmm';

/** The format version of a state; a fit saved by another version is refused with a clear error. */
export const FIT_STATE_VERSION = 1;

/**
 * What a fit carries for the after-fit functions: opaque, but plain data. Keep it when storing a
 * fit (it is part of the fit's JSON); a fit without it can only be printed, not queried.
 */
export interface FitState {
  readonly kind: FitStateKind;
  readonly version: number;
  readonly data: unknown;
}

/** Fits and what their `state` field decodes to. */
const FITTER: Record<FitStateKind, string> = { lmm: 'fitLmm', ols: 'fitOls', glm: 'fitGlm', glmm: 'fitGlmm' };

// A class only for `toJSON` (on the prototype, so a structured clone, which keeps own data
// properties and drops the prototype, never meets a function).
class StoredState implements FitState {
  constructor(
    readonly kind: FitStateKind,
    readonly version: number,
    readonly data: unknown,
  ) {}
  toJSON(): FitState {
    return { kind: this.kind, version: this.version, data: encodeState(this.data) };
  }
}

/** Wrap the data part of a state for a fit's `state` field (shares the arrays; no copy). */
export function storeState(kind: FitStateKind, data: object): FitState {
  return new StoredState(kind, FIT_STATE_VERSION, data);
}

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

function encodeNumber(x: number): number | string {
  return Number.isFinite(x) && !Object.is(x, -0) ? x : String(Object.is(x, -0) ? '-0' : x);
}

function decodeNumber(v: unknown): number {
  return typeof v === 'string' && NON_FINITE.has(v) ? Number(v) : (v as number);
}

/** The JSON-safe form of a state's data (see the module comment for the tags). */
export function encodeState(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { $num: encodeNumber(value) };
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') throw new TypeError('internal: a fit state holds a function');
    return value;
  }
  if (value instanceof Float64Array) return { $f64: Array.from(value, encodeNumber) };
  if (value instanceof Int32Array) return { $i32: Array.from(value) };
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encodeState(k), encodeState(v)]) };
  if (Array.isArray(value)) return value.map(encodeState);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    Object.defineProperty(out, k, { value: encodeState(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function tag(value: object): string | null {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith('$') ? keys[0]! : null;
}

/** The live form of a state's data, from its JSON form, a structured clone, or itself. */
export function decodeState(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) || value instanceof Map) return value;
  if (Array.isArray(value)) return value.map(decodeState);
  const t = tag(value);
  const v = (value as Record<string, unknown>)[t ?? ''];
  if (t === '$f64' && Array.isArray(v)) return Float64Array.from(v, decodeNumber);
  if (t === '$i32' && Array.isArray(v)) return Int32Array.from(v as number[]);
  if (t === '$num') return decodeNumber(v);
  if (t === '$map' && Array.isArray(v)) return new Map((v as [unknown, unknown][]).map(([a, b]) => [decodeState(a), decodeState(b)]));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) {
    Object.defineProperty(out, k, { value: decodeState(x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The decoded data of a fit's `state` field, or `undefined` when the object carries none of
 * this kind. A state of another format version is an error that says to refit.
 */
export function readState<T>(fit: unknown, kind: FitStateKind): T | undefined {
  if (typeof fit !== 'object' || fit === null) return undefined;
  const s = (fit as { state?: unknown }).state;
  if (typeof s !== 'object' || s === null || (s as FitState).kind !== kind) return undefined;
  const { version, data } = s as FitState;
  if (version !== FIT_STATE_VERSION) {
    throw new ArgumentError('fit.state', `format version ${String(version)}`, `version ${FIT_STATE_VERSION}`, `The fit was saved by another version of rcteval; refit it with ${FITTER[kind]}.`);
  }
  return decodeState(data) as T;
}

/**
 * The live state of a fit: cached for a fit made (or already restored) in this process, else
 * rebuilt by `restore` from the fit's `state` field and cached; `undefined` for other objects.
 */
export function cachedState<F extends object, S, D>(cache: WeakMap<F, S>, fit: F, kind: FitStateKind, restore: (data: D) => S): S | undefined {
  const live = cache.get(fit);
  if (live) return live;
  const data = readState<D>(fit, kind);
  if (!data) return undefined;
  const s = restore(data);
  cache.set(fit, s);
  return s;
}

/** The state `get` finds on `fit`, or the error naming `argument` that it is no `kind` fit with its state. */
export function requireState<F, S>(fit: F, argument: string, get: (fit: F) => S | undefined, kind: FitStateKind): S {
  const s = typeof fit === 'object' && fit !== null ? get(fit) : undefined;
  if (!s) throw notAFit(argument, fit, [kind]);
  return s;
}

/**
 * The error for an object the after-fit functions cannot use: not a fit of this kind, or a
 * fit whose `state` field was dropped (e.g. by picking fields before saving it).
 */
export function notAFit(argument: string, fit: unknown, kinds: readonly FitStateKind[]): ArgumentError {
  const kind = typeof fit === 'object' && fit !== null && 'kind' in fit ? (fit as { kind: unknown }).kind : undefined;
  const fitters = kinds.map((k) => FITTER[k]).join(', ');
  if (!kinds.includes(kind as FitStateKind)) return new ArgumentError(argument, kind === undefined ? fit : `a "${String(kind)}" object`, `a fit made by ${fitters}`);
  return new ArgumentError(
    argument,
    `a "${String(kind)}" fit without its state field`,
    `a fit made by ${fitters}`,
    `Its "state" field, which marginal means, contrasts, tests and predictions read, is missing: keep the whole fit when saving or sending it (JSON and structured clone both keep it), or refit with ${FITTER[kind as FitStateKind]}.`,
  );
}

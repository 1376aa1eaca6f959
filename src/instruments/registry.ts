/**
 * The instrument registry: a read-only map from instrument id to a fully specified
 * `Instrument`. Users add their own instruments (or redefine a bundled one, e.g. the
 * EQ-5D index for another value set) with `createInstrumentRegistry`.
 */
import { z } from 'zod';
import { ArgumentError } from '../errors/index.js';
import { defaultInstrumentDefinitions } from './defaults.js';
import type { Instrument, InstrumentDefinition, ItemScoring, LevelBand } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

const referenceSchema = z.object({
  citation: z.string().min(1),
  doi: z.string().min(1).optional(),
  url: z.string().min(1).optional(),
});

const reliabilitySchema = z.object({
  value: z.number().gt(0).lt(1),
  kind: z.enum(['test-retest', 'inter-rater', 'internal-consistency']),
  statistic: z.string().min(1),
  population: z.string().min(1),
  n: z.number().int().positive().nullable(),
  source: referenceSchema,
});

const normSchema = z.object({
  mean: z.number(),
  sd: z.number().positive().nullable(),
  n: z.number().int().positive().nullable(),
  population: z.string().min(1),
  source: referenceSchema,
});

/**
 * zod schema of an instrument definition (the input of `createInstrumentRegistry`), so that
 * definitions can live in JSON files. Cross-field rules (bands inside the range, item
 * scoring that reproduces the range) are checked by `createInstrumentRegistry`.
 */
export const instrumentDefinitionSchema = z.object({
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'a letter followed by letters, digits, _ . or -'),
  name: z.string().min(1),
  range: z.object({ min: z.number(), max: z.number() }),
  direction: z.enum(['higher-better', 'lower-better']),
  construct: z.string().optional(),
  step: z.number().positive().nullable().optional(),
  levels: z.array(z.object({ label: z.string().min(1), min: z.number(), max: z.number() })).nullable().optional(),
  reliability: reliabilitySchema.nullable().optional(),
  otherReliabilities: z.array(reliabilitySchema).optional(),
  norms: z.object({ clinical: normSchema.nullable().optional(), functional: normSchema.nullable().optional() }).optional(),
  cutoffs: z
    .array(z.object({ label: z.string().min(1), value: z.number(), rule: z.enum(['at-or-below', 'at-or-above']), source: referenceSchema }))
    .optional(),
  minimalImportantDifference: z.object({ value: z.number().positive(), source: referenceSchema }).nullable().optional(),
  items: z
    .object({
      count: z.number().int().positive(),
      min: z.number(),
      max: z.number(),
      step: z.number().positive(),
      total: z.literal('sum'),
      multiplier: z.number().positive(),
    })
    .nullable()
    .optional(),
  references: z.array(referenceSchema).optional(),
  notes: z.string().nullable().optional(),
});

/** A read-only set of instruments. */
export interface InstrumentRegistry {
  /** The instrument with this id, or `undefined`. */
  get(id: string): Instrument | undefined;
  has(id: string): boolean;
  /** Ids in registration order. */
  ids(): string[];
  list(): Instrument[];
}

/** Options of {@link createInstrumentRegistry}. */
export interface InstrumentRegistryOptions {
  /**
   * Registry whose instruments are included first; a definition with the same id replaces
   * the base entry (how a bundled instrument is redefined). `null` starts empty.
   * @defaultValue `defaultInstruments`
   */
  base?: InstrumentRegistry | null;
}

const EPS = 1e-9;

function isMultiple(value: number, origin: number, step: number): boolean {
  const q = (value - origin) / step;
  return Math.abs(q - Math.round(q)) < EPS * Math.max(1, Math.abs(q));
}

function fail(id: string, path: string, value: unknown, expected: string): never {
  throw new ArgumentError(`instruments["${id}"].${path}`, value, expected);
}

function checkLevels(id: string, levels: LevelBand[], range: { min: number; max: number }): void {
  let prevMax = -Infinity;
  levels.forEach((band, i) => {
    if (!(band.min <= band.max)) fail(id, `levels[${i}]`, band, 'min ≤ max');
    if (band.min < range.min || band.max > range.max) fail(id, `levels[${i}]`, band, `a band inside the range ${range.min}–${range.max}`);
    // Inclusive ends: a shared end point would put one score in two bands.
    if (!(band.min > prevMax)) fail(id, `levels[${i}]`, band, 'bands ordered from low to high, not overlapping');
    prevMax = band.max;
  });
}

function checkItems(id: string, items: ItemScoring, range: { min: number; max: number }): void {
  if (!(items.min < items.max)) fail(id, 'items', items, 'items.min < items.max');
  if (!isMultiple(items.max, items.min, items.step)) fail(id, 'items.step', items.step, `a step that reaches items.max ${items.max} from items.min ${items.min}`);
  // The item scoring must reproduce the declared range exactly, or totals could never match.
  const lo = items.multiplier * items.count * items.min;
  const hi = items.multiplier * items.count * items.max;
  if (Math.abs(lo - range.min) > EPS || Math.abs(hi - range.max) > EPS) {
    fail(id, 'items', items, `item scoring whose totals span the range ${range.min}–${range.max} (these give ${lo}–${hi})`);
  }
}

/**
 * Check a definition and fill in its defaults.
 * @throws ArgumentError naming the first offending field.
 */
export function normaliseInstrument(definition: InstrumentDefinition): Instrument {
  const parsed = instrumentDefinitionSchema.safeParse(definition);
  const rawId = (definition as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : '?';
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const path = first.path.map(String).join('.') || '(definition)';
    let value: unknown = definition;
    for (const key of first.path) value = value == null ? undefined : (value as Record<PropertyKey, unknown>)[key as PropertyKey];
    fail(id, path, value, first.message);
  }
  const d = parsed.data;
  if (!(Number.isFinite(d.range.min) && Number.isFinite(d.range.max) && d.range.min < d.range.max)) {
    fail(id, 'range', d.range, 'finite numbers with min < max');
  }
  const step = d.step ?? null;
  if (step !== null && !isMultiple(d.range.max, d.range.min, step)) fail(id, 'step', step, `a step that reaches range.max ${d.range.max} from range.min ${d.range.min}`);
  const levels = d.levels ?? null;
  if (levels) checkLevels(id, levels, d.range);
  const items = d.items ?? null;
  if (items) checkItems(id, items, d.range);
  const instrument: Instrument = {
    id: d.id,
    name: d.name,
    construct: d.construct ?? '',
    range: { min: d.range.min, max: d.range.max },
    step,
    direction: d.direction,
    levels: levels ? levels.map((b) => ({ ...b })) : null,
    reliability: (d.reliability ?? null) as Instrument['reliability'],
    otherReliabilities: (d.otherReliabilities ?? []) as Instrument['otherReliabilities'],
    norms: {
      clinical: (d.norms?.clinical ?? null) as Instrument['norms']['clinical'],
      functional: (d.norms?.functional ?? null) as Instrument['norms']['functional'],
    },
    cutoffs: (d.cutoffs ?? []) as Instrument['cutoffs'],
    minimalImportantDifference: (d.minimalImportantDifference ?? null) as Instrument['minimalImportantDifference'],
    items: items ? { ...items } : null,
    references: (d.references ?? []) as Instrument['references'],
    notes: d.notes ?? null,
  };
  return deepFreeze(instrument);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

function registryFrom(map: Map<string, Instrument>): InstrumentRegistry {
  return Object.freeze({
    get: (id: string) => map.get(id),
    has: (id: string) => map.has(id),
    ids: () => [...map.keys()],
    list: () => [...map.values()],
  });
}

/**
 * Build an instrument registry from definitions, on top of the bundled instruments.
 *
 * A definition needs `id`, `name`, `range` and `direction`; add `step`, `levels`,
 * `reliability` (with its published `source`), `norms`, `cutoffs` and `items` where the
 * instrument defines them. A definition whose id is in `base` replaces that instrument.
 *
 * @throws ArgumentError when a definition is malformed (the message names the field), or
 *   when two definitions share an id.
 * @example
 * const registry = createInstrumentRegistry([
 *   { id: 'HONOS', name: 'Health of the Nation Outcome Scales', range: { min: 0, max: 48 }, step: 1, direction: 'lower-better' },
 * ]);
 * registry.get('HONOS')?.direction; // 'lower-better'
 * registry.has('PSP'); // true: the bundled instruments are kept
 */
export function createInstrumentRegistry(
  definitions: readonly InstrumentDefinition[] = [],
  options: InstrumentRegistryOptions = {},
): InstrumentRegistry {
  checkOptions('options', options, optionKeys<InstrumentRegistryOptions>()(['base']));
  if (!Array.isArray(definitions)) throw new ArgumentError('definitions', definitions, 'an array of instrument definitions');
  const base = options.base === undefined ? defaultInstruments : options.base;
  const map = new Map<string, Instrument>();
  if (base) for (const inst of base.list()) map.set(inst.id, inst);
  const seen = new Set<string>();
  for (const def of definitions) {
    const inst = normaliseInstrument(def);
    if (seen.has(inst.id)) throw new ArgumentError('definitions', inst.id, 'each instrument id once');
    seen.add(inst.id);
    map.set(inst.id, inst);
  }
  return registryFrom(map);
}

/** The bundled instruments: PSP, MHRM, WHO5, EQ5D_INDEX, EQ5D_VAS (see docs/instruments.md). */
export const defaultInstruments: InstrumentRegistry = registryFrom(
  new Map(defaultInstrumentDefinitions.map((d) => [d.id, normaliseInstrument(d)])),
);

/**
 * Look an instrument up, failing loudly when it is unknown.
 * @param registry - @defaultValue `defaultInstruments`
 * @throws ArgumentError when `id` is not registered (the message lists the known ids).
 * @example
 * getInstrument('WHO5').items?.multiplier; // 4
 */
export function getInstrument(id: string, registry: InstrumentRegistry = defaultInstruments): Instrument {
  const inst = registry.get(id);
  if (!inst) {
    throw new ArgumentError(
      'instrument',
      id,
      `one of the registered instruments (${registry.ids().join(', ')})`,
      'Register it with createInstrumentRegistry([{ id, name, range, direction, ... }])',
    );
  }
  return inst;
}

/**
 * The level band a score falls in, or `null` when the instrument has no bands, the score is
 * missing, or it falls outside every band.
 * @example
 * levelOf(getInstrument('PSP'), 55)?.label; // '51–60'
 */
export function levelOf(instrument: Instrument, score: number | null): LevelBand | null {
  if (score === null || !instrument.levels) return null;
  for (const band of instrument.levels) if (score >= band.min && score <= band.max) return band;
  return null;
}

/**
 * The total the instrument's item scoring gives for these items, or `null` when an item is
 * missing (no proration: a partial sum is not the instrument's total).
 * @throws ArgumentError when the instrument defines no item scoring or the item count differs.
 * @example
 * scoreFromItems(getInstrument('WHO5'), [3, 4, 2, 5, 3]); // 68
 */
export function scoreFromItems(instrument: Instrument, items: readonly (number | null)[]): number | null {
  const scoring = instrument.items;
  if (!scoring) throw new ArgumentError('instrument', instrument.id, 'an instrument that defines item scoring');
  if (items.length !== scoring.count) throw new ArgumentError('items', items.length, `${scoring.count} items for ${instrument.id}`);
  let sum = 0;
  for (const v of items) {
    if (v === null) return null;
    sum += v;
  }
  return scoring.multiplier * sum;
}

/**
 * Why a total score is not a possible score of the instrument, or `null` when it is.
 * Used by `validateTrial`; exported so that generators and importers can check values alike.
 * @example
 * scoreProblem(getInstrument('PSP'), 101); // 'a PSP score from 1 to 100'
 */
export function scoreProblem(instrument: Instrument, score: number): string | null {
  const { min, max } = instrument.range;
  const stepText =
    instrument.step === null ? '' : instrument.step === 1 ? ' in whole points' : ` in steps of ${instrument.step}`;
  const expected = `a ${instrument.id} score from ${min} to ${max}${stepText}`;
  if (!Number.isFinite(score) || score < min - EPS || score > max + EPS) return expected.replace(stepText, '');
  if (instrument.step !== null && !isMultiple(score, min, instrument.step)) return expected;
  return null;
}

/**
 * Why an item score is not possible for the instrument, or `null` when it is.
 * @example
 * itemProblem(getInstrument('WHO5'), 6); // 'a WHO5 item score from 0 to 5 in whole points'
 */
export function itemProblem(instrument: Instrument, value: number): string | null {
  const scoring = instrument.items;
  if (!scoring) return null;
  const stepText = scoring.step === 1 ? ' in whole points' : ` in steps of ${scoring.step}`;
  if (!Number.isFinite(value) || value < scoring.min - EPS || value > scoring.max + EPS || !isMultiple(value, scoring.min, scoring.step)) {
    return `a ${instrument.id} item score from ${scoring.min} to ${scoring.max}${stepText}`;
  }
  return null;
}

/**
 * Subgroup variables derived from validated trial data: main diagnosis chapter, age band,
 * baseline level band of an instrument, time since diagnosis, sex, or any participant column.
 * Each definition gives every participant a level (or none), the levels in a meaningful order,
 * the counts per arm, and notes on how the levels were formed (cut-points, merged bands).
 */
import { dict } from '../data/own.js';
import { diagnosisChapter, SFT_CHAPTERS } from '../data/inclusion.js';
import { completedYears } from '../data/dates.js';
import type { Participant, TrialData } from '../data/types.js';
import { isTrialData } from '../data/validate.js';
import { ArgumentError } from '../errors/index.js';
import { sortLevels } from '../formula/levels.js';
import { defaultInstruments, getInstrument, type InstrumentRegistry } from '../instruments/registry.js';
import type { LevelBand } from '../instruments/types.js';
import { quantileType7 } from '../splines/natural-spline.js';
import { SubgroupLevelsError } from './errors.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** An age band in whole years, both ends inclusive; no `max` for an open band such as 55+. */
export interface SubgroupAgeBand {
  min: number;
  max?: number;
  /** @defaultValue `"min–max"`, or `"min+"` for an open band */
  label?: string;
}

/** The age bands of the SFT evaluation. */
export const SUBGROUP_AGE_BANDS: readonly SubgroupAgeBand[] = Object.freeze([
  { min: 18, max: 24 },
  { min: 25, max: 34 },
  { min: 35, max: 44 },
  { min: 45, max: 54 },
  { min: 55 },
]);

interface SubgroupCommon {
  /** Name of the variable in results. @defaultValue per kind, e.g. `diagnosisChapter`, `ageBand`, or the column */
  name?: string;
  /** Label for tables and figures. @defaultValue per kind, e.g. "Main diagnosis (ICD-10 chapter)" */
  label?: string;
  /**
   * Named in the analysis plan before the data were seen; otherwise the subgroup is reported
   * as exploratory.
   * @defaultValue false
   */
  prespecified?: boolean;
}

/** How to form a subgroup variable. */
export type SubgroupSpec = SubgroupCommon &
  (
    | {
        kind: 'diagnosis-chapter';
        /** Chapter blocks kept as levels, in order; other chapters form the level "other". @defaultValue `['F2', 'F3', 'F4', 'F6']` */
        chapters?: readonly string[];
      }
    | {
        kind: 'age-band';
        /** @defaultValue 18–24, 25–34, 35–44, 45–54, 55+ */
        bands?: readonly SubgroupAgeBand[];
      }
    | {
        kind: 'baseline-level';
        /** @defaultValue the analysed instrument */
        instrument?: string;
        /** Score bands, low to high, both ends inclusive. @defaultValue the instrument registry's level bands */
        bands?: readonly LevelBand[];
        /**
         * Merge neighbouring bands (from the low end) until each merged level has at least this
         * many participants in every arm; a short remainder joins the last level.
         * @defaultValue 10
         */
        minPerArm?: number;
        /** Merge sparse bands at all. @defaultValue true */
        merge?: boolean;
      }
    | {
        kind: 'time-since-diagnosis';
        /** Cut-points in years (levels are closed on the left). @defaultValue the tertiles of the participants' values */
        cutPoints?: readonly number[];
      }
    | { kind: 'sex' }
    | {
        kind: 'column';
        /** A participant field (e.g. `site`) or an extra participant column. */
        column: string;
        /** Level order (every value must be listed). @defaultValue the values sorted as R sorts factor levels */
        levels?: readonly string[];
        /** Cut a numeric column at these points (levels closed on the left). @defaultValue none */
        cutPoints?: readonly number[];
      }
  );

/** A resolved subgroup variable. */
export interface SubgroupDefinition {
  name: string;
  label: string;
  kind: SubgroupSpec['kind'];
  prespecified: boolean;
  status: 'pre-specified' | 'exploratory';
  /** Levels in their order (a predefined level without participants stays, to be reported as such). */
  levels: string[];
  /** Level of each participant by id; `null` when the participant has no value. */
  values: Record<string, string | null>;
  /** Participants per level and arm. */
  counts: { level: string; byArm: Record<string, number> }[];
  /** Participants without a value. */
  nMissing: number;
  /** How the levels were formed, e.g. the tertile cut-points or the bands merged. */
  notes: string[];
}

/** What a definition may need beside the spec. */
export interface DefineSubgroupContext {
  /** The analysed instrument (the default of `baseline-level`). */
  instrument?: string;
  /** @defaultValue the design's first visit */
  baselineVisit?: string;
  /** Registry holding the instrument's bands. @defaultValue the bundled instruments */
  registry?: InstrumentRegistry;
}

const DAY_MS = 86_400_000;

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(+x.toFixed(2));
}

/** Days between ISO dates (to − from). */
function daysBetween(from: string, to: string): number {
  const parse = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return (parse(to) - parse(from)) / DAY_MS;
}

/** Years from diagnosis to randomisation: days / 365.25, or null when a date is missing. */
export function yearsSinceDiagnosis(p: Pick<Participant, 'diagnosisDate' | 'randomisationDate'>): number | null {
  if (!p.diagnosisDate || !p.randomisationDate) return null;
  return daysBetween(p.diagnosisDate, p.randomisationDate) / 365.25;
}

/** Age at randomisation: the recorded age, else completed years from the birth date. */
function ageOf(p: Participant): number | null {
  if (p.age !== null) return p.age;
  if (p.birthDate && p.randomisationDate) return completedYears(p.birthDate, p.randomisationDate);
  return null;
}

/** Levels from cut-points c₁ < … < c_k, closed on the left: "< c₁", "c₁–c₂", …, "≥ c_k". */
function cutLevels(cuts: number[], unit: string): { labels: string[]; index: (v: number) => number } {
  const u = unit ? ` ${unit}` : '';
  const labels = [`< ${fmt(cuts[0]!)}${u}`];
  for (let k = 1; k < cuts.length; k++) labels.push(`${fmt(cuts[k - 1]!)}–${fmt(cuts[k]!)}${u}`);
  labels.push(`≥ ${fmt(cuts[cuts.length - 1]!)}${u}`);
  return { labels, index: (v) => cuts.filter((c) => v >= c).length };
}

function checkCuts(name: string, cuts: readonly number[]): number[] {
  if (!Array.isArray(cuts) || cuts.length === 0) throw new ArgumentError(name, cuts, 'at least one cut-point');
  cuts.forEach((c, i) => {
    if (typeof c !== 'number' || !Number.isFinite(c)) throw new ArgumentError(`${name}[${i}]`, c, 'a finite number');
    if (i > 0 && !(c > cuts[i - 1]!)) throw new ArgumentError(`${name}[${i}]`, c, 'cut-points in increasing order');
  });
  return [...cuts];
}

type SpecOf<K extends SubgroupSpec['kind']> = Extract<SubgroupSpec, { kind: K }>;
const COMMON_SPEC_KEYS = ['kind', 'name', 'label', 'prespecified'] as const;
/** The keys of each kind of subgroup specification (a misspelt key would otherwise be ignored). */
const SPEC_KEYS: Record<SubgroupSpec['kind'], readonly string[]> = {
  'diagnosis-chapter': optionKeys<SpecOf<'diagnosis-chapter'>>()([...COMMON_SPEC_KEYS, 'chapters']),
  'age-band': optionKeys<SpecOf<'age-band'>>()([...COMMON_SPEC_KEYS, 'bands']),
  'baseline-level': optionKeys<SpecOf<'baseline-level'>>()([...COMMON_SPEC_KEYS, 'instrument', 'bands', 'minPerArm', 'merge']),
  'time-since-diagnosis': optionKeys<SpecOf<'time-since-diagnosis'>>()([...COMMON_SPEC_KEYS, 'cutPoints']),
  sex: optionKeys<SpecOf<'sex'>>()([...COMMON_SPEC_KEYS]),
  column: optionKeys<SpecOf<'column'>>()([...COMMON_SPEC_KEYS, 'column', 'levels', 'cutPoints']),
};

/**
 * Resolve a subgroup variable for the participants of a trial.
 *
 * Rules: diagnosis chapter = `F` + tens digit of the main diagnosis (F20.0 → F2); age = the
 * recorded age, else completed years from birth to randomisation; time since diagnosis =
 * (randomisation − diagnosis date) in days / 365.25, cut at the tertiles (R's quantile type 7
 * over all participants with a value) or at given cut-points, levels closed on the left;
 * baseline level = the band of the instrument's registry holding the baseline score, sparse
 * bands merged from the low end until every level has `minPerArm` participants in each arm.
 *
 * @param trial - validated trial data.
 * @param spec - see {@link SubgroupSpec}; every option documents its default.
 * @param context - the analysed instrument and baseline visit (for `baseline-level`).
 * @throws SubgroupLevelsError when fewer than two levels occur among the participants.
 * @throws ArgumentError for an unknown kind, column or instrument, an instrument without bands,
 *   bad bands or cut-points, or values outside the given `levels`.
 * @example
 * // the synthetic SFT sample (tests/fixtures/r/subgroups)
 * const dx = defineSubgroup(trial, { kind: 'diagnosis-chapter', prespecified: true });
 * dx.levels; // ['F2', 'F3', 'F4', 'F6']
 * dx.counts[0]; // { level: 'F2', byArm: { control: 79, SFT: 74 } }
 * defineSubgroup(trial, { kind: 'time-since-diagnosis' }).levels; // ['< 2.9 years', '2.9–8.45 years', '≥ 8.45 years']
 */
export function defineSubgroup(trial: TrialData, spec: SubgroupSpec, context: DefineSubgroupContext = {}): SubgroupDefinition {
  if (!isTrialData(trial)) throw new ArgumentError('trial', trial, 'trial data returned by validateTrial');
  if (spec === null || typeof spec !== 'object') throw new ArgumentError('spec', spec, 'a subgroup specification { kind, … }');
  checkOptions('context', context, optionKeys<DefineSubgroupContext>()(['instrument', 'baselineVisit', 'registry']));
  // An unknown kind is reported by the switch below, with the list of kinds.
  if (Object.hasOwn(SPEC_KEYS, spec.kind)) checkOptions('spec', spec, SPEC_KEYS[spec.kind]);
  const participants = trial.participants;
  const notes: string[] = [];
  let levels: string[];
  let valueOf: (p: Participant) => string | null;
  let name: string;
  let label: string;

  switch (spec.kind) {
    case 'diagnosis-chapter': {
      const chapters = [...(spec.chapters ?? SFT_CHAPTERS)];
      name = 'diagnosisChapter';
      label = 'Main diagnosis (ICD-10 chapter)';
      const ch = (p: Participant) => (p.mainDiagnosis ? diagnosisChapter(p.mainDiagnosis) : null);
      const other = participants.some((p) => {
        const c = ch(p);
        return c !== null && !chapters.includes(c);
      });
      if (other) notes.push(`main diagnoses outside ${chapters.join(', ')} form the level "other"`);
      levels = other ? [...chapters, 'other'] : chapters;
      valueOf = (p) => {
        const c = ch(p);
        return c === null ? null : chapters.includes(c) ? c : 'other';
      };
      break;
    }
    case 'age-band': {
      const bands = (spec.bands ?? SUBGROUP_AGE_BANDS).map((b, i) => {
        if (!Number.isInteger(b.min) || (b.max !== undefined && (!Number.isInteger(b.max) || b.max < b.min))) {
          throw new ArgumentError(`spec.bands[${i}]`, b, 'whole years { min, max? } with min ≤ max');
        }
        return { min: b.min, max: b.max ?? Infinity, label: b.label ?? (b.max === undefined ? `${b.min}+` : `${b.min}–${b.max}`) };
      });
      bands.forEach((b, i) => {
        if (i > 0 && b.min <= bands[i - 1]!.max) throw new ArgumentError(`spec.bands[${i}]`, b, 'bands in increasing order without overlap');
      });
      name = 'ageBand';
      label = 'Age at randomisation (years)';
      levels = bands.map((b) => b.label);
      const outside = participants.filter((p) => {
        const a = ageOf(p);
        return a !== null && !bands.some((b) => a >= b.min && a <= b.max);
      }).length;
      if (outside) notes.push(`${outside} participant(s) with an age outside every band have no level`);
      valueOf = (p) => {
        const a = ageOf(p);
        if (a === null) return null;
        return bands.find((b) => a >= b.min && a <= b.max)?.label ?? null;
      };
      break;
    }
    case 'baseline-level': {
      const id = spec.instrument ?? context.instrument;
      if (!id) throw new ArgumentError('spec.instrument', id, 'the instrument whose baseline level defines the subgroups');
      if (!trial.design.instruments.includes(id)) throw new ArgumentError('spec.instrument', id, `one of the design's instruments (${trial.design.instruments.join(', ')})`);
      const bands = spec.bands ? [...spec.bands] : getInstrument(id, context.registry ?? defaultInstruments).levels;
      if (!bands || bands.length < 2) {
        throw new ArgumentError('spec.bands', bands, `level bands for ${id}: the registry defines none, so give spec.bands (e.g. [{ label: 'low', min: 0, max: 60 }, …])`);
      }
      const baselineVisit = context.baselineVisit ?? trial.design.visits[0]!;
      const score = new Map<string, number | null>();
      for (const m of trial.measurements) if (m.instrument === id && m.visit === baselineVisit) score.set(m.id, m.score);
      const bandOf = (p: Participant): LevelBand | null => {
        const x = score.get(p.id) ?? null;
        return x === null ? null : (bands.find((b) => x >= b.min && x <= b.max) ?? null);
      };
      const minPerArm = spec.minPerArm ?? 10;
      if (!(Number.isInteger(minPerArm) && minPerArm >= 1)) throw new ArgumentError('spec.minPerArm', minPerArm, 'a whole number ≥ 1');
      const arms = trial.design.arms;
      const count = bands.map((b) => Object.fromEntries(arms.map((a) => [a, participants.filter((p) => p.arm === a && bandOf(p) === b).length])) as Record<string, number>);
      const groups: { bands: number[] }[] = [];
      if (spec.merge ?? true) {
        let cur: number[] = [];
        const enough = (idx: number[]) => arms.every((a) => idx.reduce((s, k) => s + count[k]![a]!, 0) >= minPerArm);
        bands.forEach((_, k) => {
          cur.push(k);
          if (enough(cur)) {
            groups.push({ bands: cur });
            cur = [];
          }
        });
        if (cur.length) {
          if (groups.length) groups[groups.length - 1]!.bands.push(...cur);
          else groups.push({ bands: cur });
        }
      } else {
        bands.forEach((_, k) => groups.push({ bands: [k] }));
      }
      // A level is labelled by the bands in it that hold participants; empty bands carry no label.
      const occupied = (k: number) => arms.some((a) => count[k]![a]! > 0);
      const labelled = groups
        .map((g) => ({ bands: g.bands, occ: g.bands.filter(occupied) }))
        .filter((g) => g.occ.length > 0)
        .map((g) => {
          const first = bands[g.occ[0]!]!;
          const last = bands[g.occ[g.occ.length - 1]!]!;
          return { bands: g.bands, label: g.occ.length === 1 ? first.label : `${fmt(first.min)}–${fmt(last.max)}` };
        });
      const merged = labelled.filter((g) => g.bands.filter(occupied).length > 1);
      if (merged.length) notes.push(`bands merged to reach ${minPerArm} participants per arm: ${merged.map((g) => `${g.bands.filter(occupied).map((k) => bands[k]!.label).join(' + ')} → ${g.label}`).join('; ')}`);
      const levelOfBand = new Map<LevelBand, string>();
      labelled.forEach((g) => g.bands.forEach((k) => levelOfBand.set(bands[k]!, g.label)));
      name = 'baselineLevel';
      label = `Baseline ${id} level`;
      levels = labelled.map((g) => g.label);
      valueOf = (p) => {
        const b = bandOf(p);
        return b ? (levelOfBand.get(b) ?? null) : null;
      };
      break;
    }
    case 'time-since-diagnosis': {
      const years = participants.map(yearsSinceDiagnosis).filter((v): v is number => v !== null);
      let cuts: number[];
      if (spec.cutPoints) cuts = checkCuts('spec.cutPoints', spec.cutPoints);
      else {
        if (years.length === 0) throw new SubgroupLevelsError('timeSinceDiagnosis', [], 'no participant has both a diagnosis and a randomisation date');
        const sorted = [...years].sort((a, b) => a - b);
        cuts = [...new Set([quantileType7(sorted, 1 / 3), quantileType7(sorted, 2 / 3)])];
        notes.push(`tertile cut-points ${cuts.map((c) => fmt(c)).join(' and ')} years (R's quantile type 7 over ${years.length} participants)`);
      }
      const cl = cutLevels(cuts, 'years');
      name = 'timeSinceDiagnosis';
      label = 'Time since diagnosis';
      levels = cl.labels;
      valueOf = (p) => {
        const y = yearsSinceDiagnosis(p);
        return y === null ? null : cl.labels[cl.index(y)]!;
      };
      break;
    }
    case 'sex': {
      name = 'sex';
      label = 'Sex';
      levels = (['female', 'male', 'other'] as const).filter((s) => participants.some((p) => p.sex === s));
      valueOf = (p) => p.sex;
      break;
    }
    case 'column': {
      const col = spec.column;
      if (typeof col !== 'string' || col === '') throw new ArgumentError('spec.column', col, 'a participant column');
      const fields = ['arm', 'group', 'site', 'sex', 'age', 'birthDate', 'randomisationDate', 'mainDiagnosis', 'diagnosisDate', 'sessionsAttended', 'sessionsOffered'];
      const fromField = fields.includes(col);
      if (!fromField && !participants.some((p) => col in p.extra)) {
        throw new ArgumentError('spec.column', col, `a participant field (${fields.join(', ')}) or an extra participant column (${[...new Set(participants.flatMap((p) => Object.keys(p.extra)))].slice(0, 15).join(', ') || 'none'})`);
      }
      const raw = (p: Participant): string | number | boolean | null => {
        const v = fromField ? (p as unknown as Record<string, unknown>)[col] : p.extra[col];
        return v === undefined ? null : (v as string | number | boolean | null);
      };
      name = col;
      label = col;
      if (spec.cutPoints) {
        const cuts = checkCuts('spec.cutPoints', spec.cutPoints);
        const bad = participants.find((p) => raw(p) !== null && typeof raw(p) !== 'number');
        if (bad) throw new ArgumentError(`participants["${bad.id}"].${col}`, raw(bad), 'a number, since spec.cutPoints cuts a numeric column');
        const cl = cutLevels(cuts, '');
        levels = cl.labels;
        valueOf = (p) => {
          const v = raw(p);
          return v === null ? null : cl.labels[cl.index(v as number)]!;
        };
      } else {
        const text = (v: string | number | boolean) => (typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v));
        const observed = participants.map(raw).filter((v): v is string | number | boolean => v !== null);
        if (spec.levels) {
          const given = [...spec.levels];
          const unknown = [...new Set(observed.map(text))].filter((v) => !given.includes(v));
          if (unknown.length) throw new ArgumentError('spec.levels', given, `a list containing every value of "${col}"; missing ${unknown.slice(0, 5).map((v) => JSON.stringify(v)).join(', ')}`);
          levels = given;
        } else {
          const numeric = observed.length > 0 && observed.every((v) => typeof v === 'number');
          levels = numeric ? sortLevels([...new Set(observed as number[])]) : sortLevels(new Set(observed.map(text)));
        }
        valueOf = (p) => {
          const v = raw(p);
          return v === null ? null : text(v);
        };
      }
      break;
    }
    default:
      throw new ArgumentError('spec.kind', (spec as { kind: unknown }).kind, '"diagnosis-chapter", "age-band", "baseline-level", "time-since-diagnosis", "sex" or "column"');
  }

  name = spec.name ?? name;
  label = spec.label ?? label;
  const values = dict<string | null>();
  let nMissing = 0;
  const arms = trial.design.arms;
  const counts = levels.map((level) => ({ level, byArm: Object.fromEntries(arms.map((a) => [a, 0])) as Record<string, number> }));
  const index = new Map(levels.map((l, i) => [l, i]));
  for (const p of participants) {
    const v = valueOf(p);
    values[p.id] = v;
    if (v === null) {
      nMissing++;
      continue;
    }
    const k = index.get(v)!;
    counts[k]!.byArm[p.arm] = counts[k]!.byArm[p.arm]! + 1;
  }
  if (nMissing) notes.push(`${nMissing} participant(s) without a value are left out of this subgroup analysis`);
  const present = counts.filter((c) => Object.values(c.byArm).some((n) => n > 0)).map((c) => c.level);
  if (present.length < 2) {
    throw new SubgroupLevelsError(name, present, `${participants.length - nMissing} participants have a value${nMissing ? `, ${nMissing} have none` : ''}`);
  }
  const prespecified = spec.prespecified ?? false;
  return { name, label, kind: spec.kind, prespecified, status: prespecified ? 'pre-specified' : 'exploratory', levels, values, counts, nMissing, notes };
}

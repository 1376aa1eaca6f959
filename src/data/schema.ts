/**
 * zod schemas of the input rows (participants, measurements, the trial design) and their
 * JSON Schemas. The schemas describe the row objects the loaders produce and the row
 * objects a user may pass directly: camelCase fields as in `types.ts`; costs either as a
 * `costs` object or as `cost_<category>` fields; item scores either as an `items` array or
 * as `item_1 … item_k` fields; any further field is an extra column.
 *
 * The schemas check the shape of one row. Rules across rows or against the design (known
 * arms, duplicates, instrument ranges, attendance ≤ offered) are `validateTrial`'s job, which
 * also runs the row checks by hand: per-cell zod parsing is several times slower on register
 * extracts of hundreds of thousands of rows, and hand-written checks name the row.
 */
import { z } from 'zod';

/** ISO calendar date `YYYY-MM-DD` (the pattern; the calendar check is `isCalendarDate`). */
export const ISO_DATE_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
const ISO_DATE_RE = new RegExp(ISO_DATE_PATTERN);

/** Whether `s` is an ISO `YYYY-MM-DD` string naming a real calendar day (2015-02-29 is not). */
export function isCalendarDate(s: string): boolean {
  if (!ISO_DATE_RE.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** Participant fields in their canonical (camelCase) spelling. */
export const PARTICIPANT_FIELDS = [
  'id',
  'arm',
  'group',
  'site',
  'sex',
  'age',
  'birthDate',
  'randomisationDate',
  'diagnoses',
  'mainDiagnosis',
  'diagnosisDate',
  'sessionsAttended',
  'sessionsOffered',
  'costs',
  'extra',
] as const;

/** Measurement fields in their canonical spelling (`item_<k>` fields come on top). */
export const MEASUREMENT_FIELDS = ['id', 'visit', 'instrument', 'score', 'items', 'date', 'extra'] as const;

/** Fields a table must have as columns. */
export const REQUIRED_FIELDS = {
  participants: ['id', 'arm'],
  measurements: ['id', 'visit', 'instrument', 'score'],
} as const;

/**
 * Register table fields as written in a file (snake_case, as data-samples/sft-register.csv);
 * row objects may also spell the last two `bedDays` and `daysAtRisk`.
 */
export const REGISTER_FIELDS = ['id', 'week', 'status', 'admissions', 'bed_days', 'days_at_risk'] as const;
/** Register fields read as numbers when a file is parsed (both spellings). */
export const REGISTER_NUMERIC_FIELDS: ReadonlySet<string> = new Set(['admissions', 'bed_days', 'days_at_risk', 'bedDays', 'daysAtRisk']);
/**
 * Labour-market status categories of the register table by default (the synthetic trial's,
 * src/simulate/register.ts): passive benefits; rehabilitation / job clarification / resource
 * course; disability pension; work or education. The first is the reference category.
 */
export const DEFAULT_REGISTER_STATUSES: readonly string[] = Object.freeze(['passive_benefits', 'rehabilitation', 'disability_pension', 'work_education']);
/** Register snapshot weeks by default: randomisation, end of course (9 months), follow-up (15 months). */
export const DEFAULT_REGISTER_WEEKS: readonly string[] = Object.freeze(['baseline', '9m', '15m']);

/** Prefix of cost columns: `cost_<category>`. */
export const COST_PREFIX = 'cost_';
/** Item columns: `item_1`, `item_2`, … (1-based, no leading zeros). */
export const ITEM_FIELD_RE = /^item_([1-9]\d*)$/;

const label = z.union([z.string().min(1), z.number().int()]);
const optionalLabel = label.nullable().optional();
const isoDate = z
  .string()
  .regex(ISO_DATE_RE, 'an ISO date YYYY-MM-DD')
  .refine(isCalendarDate, 'a real calendar date')
  .nullable()
  .optional();
const extraValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const costValue = z.number().min(0).nullable();

/**
 * One participant row. `id`, `arm`, `group` and `site` may be strings or integers (integers
 * are read as their decimal string); `diagnoses` is an array of ICD-10 codes or one string of
 * codes separated by `;`.
 */
export const participantRowSchema = z
  .object({
    id: label,
    arm: label,
    group: optionalLabel,
    site: optionalLabel,
    sex: z.union([z.string(), z.number().int()]).nullable().optional(),
    age: z.number().min(0).nullable().optional(),
    birthDate: isoDate,
    randomisationDate: isoDate,
    diagnoses: z.union([z.array(z.string().min(1)), z.string()]).nullable().optional(),
    mainDiagnosis: z.string().min(1).nullable().optional(),
    diagnosisDate: isoDate,
    sessionsAttended: z.number().int().min(0).nullable().optional(),
    sessionsOffered: z.number().int().min(0).nullable().optional(),
    costs: z.record(z.string().min(1), costValue).optional(),
    extra: z.record(z.string(), extraValue).optional(),
  })
  .catchall(extraValue)
  .superRefine((row, ctx) => {
    for (const [key, value] of Object.entries(row)) {
      if (key.startsWith(COST_PREFIX) && !(value === null || (typeof value === 'number' && value >= 0))) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'a cost: a number ≥ 0 or null' });
      }
    }
  })
  .meta({
    title: 'rcteval participant row',
    description:
      'One randomised participant. Costs come as a `costs` object or as `cost_<category>` fields; other unknown fields are extra columns.',
  });

/**
 * One measurement row: one instrument at one visit for one participant. `score` is required
 * as a field but may be `null` (missing; allowed and counted).
 */
export const measurementRowSchema = z
  .object({
    id: label,
    visit: label,
    instrument: z.string().min(1),
    score: z.number().nullable(),
    items: z.array(z.number().nullable()).nullable().optional(),
    date: isoDate,
    extra: z.record(z.string(), extraValue).optional(),
  })
  .catchall(extraValue)
  .superRefine((row, ctx) => {
    for (const [key, value] of Object.entries(row)) {
      if (ITEM_FIELD_RE.test(key) && !(value === null || typeof value === 'number')) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'an item score: a number or null' });
      }
    }
  })
  .meta({
    title: 'rcteval measurement row',
    description:
      'One instrument at one visit for one participant. Item scores come as an `items` array or as `item_1 … item_k` fields.',
  });

/** The trial design: what the data are declared to contain. */
export const trialDesignSchema = z
  .object({
    arms: z.array(z.string().min(1)).min(1),
    visits: z.array(z.string().min(1)).min(1),
    instruments: z.array(z.string().min(1)),
    visitMonths: z.record(z.string(), z.number()).optional(),
    ungroupedArms: z.array(z.string().min(1)).optional(),
  })
  .meta({ title: 'rcteval trial design' });

const count = z.number().int().min(0).nullable().optional();

/**
 * One register row: a participant in a snapshot week. `status` is the labour-market status that
 * week (empty after the participant left the register); `admissions`, `bed_days` and
 * `days_at_risk` are the participant's totals over the register window, repeated on each of its
 * rows. Which statuses and weeks are known is `validateTrial`'s `register` option.
 */
export const registerRowSchema = z
  .strictObject({
    id: label,
    week: label,
    status: z.string().min(1).nullable().optional(),
    admissions: count,
    bed_days: count,
    days_at_risk: z.number().int().positive().nullable().optional(),
  })
  .meta({
    title: 'rcteval register row',
    description: 'A participant in a register snapshot week: labour-market status, and the participant’s admissions, bed-days and days at risk over the window (repeated on each row).',
  });

/** Input type accepted for one register row. */
export type RegisterRowInput = z.input<typeof registerRowSchema>;

/** Input type accepted for one participant row. */
export type ParticipantRowInput = z.input<typeof participantRowSchema>;
/** Input type accepted for one measurement row. */
export type MeasurementRowInput = z.input<typeof measurementRowSchema>;

type JsonSchema = Record<string, unknown>;

function withPatternProperties(schema: JsonSchema, patterns: Record<string, JsonSchema>): JsonSchema {
  // zod has no per-key-pattern catchall; JSON Schema does. Fields matched by a pattern are
  // then exempt from `additionalProperties` (the extra-column rule).
  return { ...schema, patternProperties: patterns };
}

const nullableNumber = (extra: JsonSchema = {}): JsonSchema => ({ anyOf: [{ type: 'number', ...extra }, { type: 'null' }] });

/** JSON Schema (draft 2020-12) of a participant row as the loaders produce it. */
export const participantRowJsonSchema: JsonSchema = withPatternProperties(
  z.toJSONSchema(participantRowSchema, { io: 'input' }) as JsonSchema,
  { '^cost_.+$': nullableNumber({ minimum: 0 }) },
);

/** JSON Schema (draft 2020-12) of a measurement row as the loaders produce it. */
export const measurementRowJsonSchema: JsonSchema = withPatternProperties(
  z.toJSONSchema(measurementRowSchema, { io: 'input' }) as JsonSchema,
  { '^item_[1-9][0-9]*$': nullableNumber() },
);

/** JSON Schema (draft 2020-12) of a register row. */
export const registerRowJsonSchema: JsonSchema = z.toJSONSchema(registerRowSchema, { io: 'input' }) as JsonSchema;

/** JSON Schema (draft 2020-12) of a trial design. */
export const trialDesignJsonSchema: JsonSchema = z.toJSONSchema(trialDesignSchema, { io: 'input' }) as JsonSchema;

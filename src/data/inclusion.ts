/**
 * Inclusion criteria as a reusable check. The result is a report of who fails which rule,
 * never a filtered list: excluding people is the analyst's decision, made visibly.
 *
 * The defaults are the SFT protocol's: adults; at least one ICD-10 diagnosis in F20–F29,
 * F30, F31, F33.2, F33.3, F34, F40–F45 (except F43.0 and F43.2) or F60–F69; and a main
 * diagnosis whose chapter is F2, F3, F4 or F6.
 */
import { ArgumentError } from '../errors/index.js';
import { completedYears } from './dates.js';
import { normaliseIcd10 } from './icd10.js';
import { isCalendarDate } from './schema.js';
import type { Participant } from './types.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** Which rule a participant fails. */
export type InclusionRule = 'age' | 'diagnosis' | 'main-diagnosis';

/** A diagnosis rule: codes or ranges included, codes excluded (see {@link codeMatches}). */
export interface DiagnosisRule {
  /** Patterns such as `F20-F29`, `F30`, `F33.2`. */
  include: readonly string[];
  /** Patterns carved out of `include`, such as `F43.0`. */
  exclude: readonly string[];
}

/** The SFT protocol's diagnosis rule. */
export const SFT_DIAGNOSIS_RULE: DiagnosisRule = Object.freeze({
  include: Object.freeze(['F20-F29', 'F30', 'F31', 'F33.2', 'F33.3', 'F34', 'F40-F45', 'F60-F69']),
  exclude: Object.freeze(['F43.0', 'F43.2']),
});

/** The SFT protocol's main-diagnosis chapters. */
export const SFT_CHAPTERS: readonly string[] = Object.freeze(['F2', 'F3', 'F4', 'F6']);

/** Options of {@link checkInclusion}. */
export interface InclusionOptions {
  /**
   * The age limit in years.
   * @defaultValue `18`
   */
  minAge?: number;
  /**
   * `'>='`: at least `minAge`; `'>'`: older than `minAge`. The protocol's "over 18" is read as
   * adult (18 or older), the Danish legal sense of "over 18 år"; pass `'>'` for the literal one.
   * @defaultValue `'>='`
   */
  ageRule?: '>=' | '>';
  /**
   * Date at which age is computed from `birthDate` when `age` is missing.
   * @defaultValue each participant's `randomisationDate`
   */
  referenceDate?: string;
  /**
   * Which diagnoses qualify.
   * @defaultValue `SFT_DIAGNOSIS_RULE`
   */
  diagnosisRule?: DiagnosisRule;
  /**
   * Chapters (`diagnosisChapter` of the main diagnosis) that qualify.
   * @defaultValue `SFT_CHAPTERS` (F2, F3, F4, F6)
   */
  chapters?: readonly string[];
}

/** One failed rule. */
export interface InclusionFailure {
  id: string;
  rule: InclusionRule;
  /** The value the rule looked at (age, the codes, the main diagnosis). */
  value: unknown;
  expected: string;
  message: string;
}

/** The verdict for one participant. */
export interface InclusionResult {
  id: string;
  eligible: boolean;
  /** Chapter of the main diagnosis (`F2`, …), or `null` when there is none or it is not valid. */
  mainChapter: string | null;
  failed: InclusionRule[];
}

/** The report of {@link checkInclusion}. */
export interface InclusionReport {
  nChecked: number;
  nEligible: number;
  results: InclusionResult[];
  failures: InclusionFailure[];
  /** Participants failing each rule. */
  byRule: Record<InclusionRule, number>;
}

/** The participant fields the check reads (validated participants have them all). */
export type InclusionInput = Pick<Participant, 'id' | 'diagnoses' | 'mainDiagnosis'> &
  Partial<Pick<Participant, 'age' | 'birthDate' | 'randomisationDate'>>;

function parseCode(code: string, argument: string): string {
  const c = normaliseIcd10(code);
  if (c === null) throw new ArgumentError(argument, code, 'an ICD-10 code such as F20.0');
  return c;
}

/**
 * The chapter block of an ICD-10 code in chapter V (mental disorders): `F` and the tens digit,
 * e.g. `F2` for F20–F29. Codes outside chapter V (not starting with F) give `null`.
 * Accepts codes with or without the dot, in any letter case.
 * @throws ArgumentError when `code` is not an ICD-10 code.
 * @example
 * diagnosisChapter('f332'); // 'F3'
 * diagnosisChapter('F60.3'); // 'F6'
 * diagnosisChapter('G40'); // null
 */
export function diagnosisChapter(code: string): string | null {
  const c = parseCode(code, 'code');
  return c[0] === 'F' ? c.slice(0, 2) : null;
}

/**
 * Whether a code falls under a pattern: `F30` covers F30 and every F30.x; `F33.2` covers F33.2
 * and its extensions (F33.21); `F20-F29` covers the three-character categories F20 … F29.
 * @throws ArgumentError when the code or pattern is malformed.
 * @example
 * codeMatches('F45.9', 'F40-F45'); // true
 * codeMatches('F33.1', 'F33.2'); // false
 */
export function codeMatches(code: string, pattern: string): boolean {
  const c = parseCode(code, 'code');
  const dash = pattern.indexOf('-');
  if (dash >= 0) {
    const lo = parseCode(pattern.slice(0, dash), 'pattern');
    const hi = parseCode(pattern.slice(dash + 1), 'pattern');
    if (lo.length !== 3 || hi.length !== 3 || lo[0] !== hi[0]) throw new ArgumentError('pattern', pattern, 'a range of three-character categories with one letter, e.g. F20-F29');
    const category = c.slice(0, 3);
    return category[0] === lo[0] && category >= lo && category <= hi;
  }
  const p = parseCode(pattern, 'pattern');
  return c === p || c.startsWith(p.length === 3 ? `${p}.` : p);
}

/**
 * Whether a code qualifies under a diagnosis rule: `'yes'`, `'no'`, or `'ambiguous'` when the
 * code is less specific than an exclusion (F43 could be the excluded F43.0).
 * @example
 * diagnosisQualifies('F43.1'); // 'yes'
 * diagnosisQualifies('F43'); // 'ambiguous'
 */
export function diagnosisQualifies(code: string, rule: DiagnosisRule = SFT_DIAGNOSIS_RULE): 'yes' | 'no' | 'ambiguous' {
  const c = parseCode(code, 'code');
  if (!rule.include.some((p) => codeMatches(c, p))) return 'no';
  if (rule.exclude.some((p) => codeMatches(c, p))) return 'no';
  // A three-character code cannot be told apart from an excluded subdivision of itself.
  if (rule.exclude.some((p) => normaliseIcd10(p)?.startsWith(`${c}.`))) return 'ambiguous';
  return 'yes';
}

function describeRule(rule: DiagnosisRule): string {
  const inc = rule.include.join(', ');
  return rule.exclude.length ? `${inc} (except ${rule.exclude.join(', ')})` : inc;
}

/**
 * Check inclusion criteria for each participant and report who fails which rule.
 *
 * Rules: `age` (age, or completed years from `birthDate` to the reference date, against
 * `minAge`), `diagnosis` (at least one code qualifying under `diagnosisRule`) and
 * `main-diagnosis` (a main diagnosis among the codes whose chapter is one of `chapters`).
 * Nothing is filtered: the caller decides what to do with the report.
 *
 * @throws ArgumentError when `participants` is not an array or an option is malformed.
 * @example
 * const report = checkInclusion([
 *   { id: 'a', age: 18, diagnoses: ['F33.2'], mainDiagnosis: 'F33.2' },
 *   { id: 'b', age: 30, diagnoses: ['F33.1'], mainDiagnosis: 'F33.1' },
 * ]);
 * report.nEligible; // 1
 * report.failures.map((f) => [f.id, f.rule]); // [['b', 'diagnosis']]
 */
export function checkInclusion(participants: readonly InclusionInput[], options: InclusionOptions = {}): InclusionReport {
  checkOptions('options', options, optionKeys<InclusionOptions>()(['minAge', 'ageRule', 'referenceDate', 'diagnosisRule', 'chapters']));
  checkOptions('options.diagnosisRule', options.diagnosisRule, optionKeys<DiagnosisRule>()(['include', 'exclude']));
  if (!Array.isArray(participants)) throw new ArgumentError('participants', participants, 'an array of participants (e.g. trial.participants)');
  const minAge = options.minAge ?? 18;
  if (typeof minAge !== 'number' || !Number.isFinite(minAge)) throw new ArgumentError('minAge', minAge, 'a finite number of years');
  const ageRule = options.ageRule ?? '>=';
  if (ageRule !== '>=' && ageRule !== '>') throw new ArgumentError('ageRule', ageRule, "'>=' or '>'");
  if (options.referenceDate !== undefined && !isCalendarDate(options.referenceDate)) {
    throw new ArgumentError('referenceDate', options.referenceDate, 'an ISO date YYYY-MM-DD');
  }
  const rule = options.diagnosisRule ?? SFT_DIAGNOSIS_RULE;
  // Malformed patterns should fail now, not on the first participant that reaches them.
  for (const p of [...rule.include, ...rule.exclude]) codeMatches('F00', p);
  const chapters = options.chapters ?? SFT_CHAPTERS;
  const ageExpected = `${ageRule === '>=' ? 'at least' : 'older than'} ${minAge} years`;
  const ruleText = describeRule(rule);

  const results: InclusionResult[] = [];
  const failures: InclusionFailure[] = [];
  const byRule: Record<InclusionRule, number> = { age: 0, diagnosis: 0, 'main-diagnosis': 0 };
  const fail = (id: string, r: InclusionRule, value: unknown, expected: string, failed: InclusionRule[]): void => {
    failed.push(r);
    byRule[r]++;
    failures.push({ id, rule: r, value, expected, message: `participant ${id}: rule ${r}: has ${JSON.stringify(value)}, expected ${expected}` });
  };

  for (const p of participants) {
    const failed: InclusionRule[] = [];
    const id = String(p.id);

    let age: number | null = typeof p.age === 'number' ? p.age : null;
    if (age === null && p.birthDate) {
      const at = options.referenceDate ?? p.randomisationDate ?? null;
      if (at && isCalendarDate(at) && isCalendarDate(p.birthDate)) age = completedYears(p.birthDate, at);
    }
    if (age === null) fail(id, 'age', null, `${ageExpected}: an age, or a birth date and a randomisation (or reference) date`, failed);
    else if (ageRule === '>=' ? age < minAge : age <= minAge) fail(id, 'age', age, ageExpected, failed);

    const codes: string[] = [];
    const invalid: string[] = [];
    for (const raw of p.diagnoses ?? []) {
      const c = normaliseIcd10(raw);
      if (c === null) invalid.push(raw);
      else codes.push(c);
    }
    const verdicts = codes.map((c) => diagnosisQualifies(c, rule));
    if (!verdicts.includes('yes')) {
      const why = verdicts.includes('ambiguous') ? ' (a code without its 4th character cannot be told apart from an excluded one)' : '';
      const got = invalid.length ? [...codes, ...invalid] : codes;
      fail(id, 'diagnosis', got, `at least one ICD-10 code in ${ruleText}${why}`, failed);
    }

    let mainChapter: string | null = null;
    const main = p.mainDiagnosis ? normaliseIcd10(p.mainDiagnosis) : null;
    if (main === null) {
      fail(id, 'main-diagnosis', p.mainDiagnosis ?? null, `a main diagnosis (an ICD-10 code) in chapter ${chapters.join(', ')}`, failed);
    } else {
      mainChapter = main[0] === 'F' ? main.slice(0, 2) : null;
      if (!codes.includes(main)) fail(id, 'main-diagnosis', main, `one of the participant's diagnoses (${codes.join(', ') || 'none'})`, failed);
      else if (mainChapter === null || !chapters.includes(mainChapter)) {
        fail(id, 'main-diagnosis', main, `a main diagnosis in chapter ${chapters.join(', ')} (this is ${mainChapter ?? 'outside chapter V'})`, failed);
      }
    }
    results.push({ id, eligible: failed.length === 0, mainChapter, failed });
  }
  return {
    nChecked: results.length,
    nEligible: results.filter((r) => r.eligible).length,
    results,
    failures,
    byRule,
  };
}

/**
 * Between-arm comparison of clinical-significance categories: counts and proportions per arm ×
 * visit, risk difference / ratio / odds ratio / NNT and a test for "reliably improved" and
 * "recovered", and an ordinal comparison across the five categories.
 */
import { ArgumentError, type Diagnostic } from '../errors/index.js';
import { emptyArmAtVisit, perArmSdCompared, unclassifiedRowsLeftOut } from '../errors/diagnostics.js';
import { chiSquareTest } from '../inference/chi-square-test.js';
import { fisherExactTest } from '../inference/fisher-exact.js';
import { proportionInterval } from '../inference/proportion-interval.js';
import { riskDifference, type RiskDifferenceResult } from '../inference/risk-difference.js';
import { oddsRatio, riskRatio, type OddsRatioMethod, type RatioResult } from '../inference/risk-ratio.js';
import { numberNeededToTreat, type NntResult } from './nnt.js';
import { probabilityOfSuperiority, proportionalOddsComparison, type ProportionalOddsResult, type SuperiorityResult } from './ordinal.js';
import type { CategoryCountRow, ChangeCategory, ClinicalSignificanceClassification, MissingRow } from './types.js';
import { checkCiLevel, checkOptions, optionKeys } from '../errors/checks.js';
import type { CountsBy, Estimate } from '../results/types.js';

/** The categories from worst to best: the order of the ordinal comparison. */
export const CHANGE_CATEGORIES: readonly ChangeCategory[] = Object.freeze(['harmed', 'deteriorated', 'unchanged', 'improved', 'recovered'] as const);

/** Which test a binary comparison uses. */
export type BinaryTestChoice = 'auto' | 'chi-square' | 'fisher';

/** Options of {@link compareClinicalSignificance}. */
export interface CompareClinicalSignificanceOptions {
  /** Two-sided confidence level of every interval. @defaultValue 0.95 */
  ciLevel?: number;
  /**
   * The reference (control) arm, by name. Needed when the classification's arms came only from
   * the data (their order is the rows' order, so no arm is the reference by position).
   * @defaultValue the result's named `reference` (`design.arms[0]` for trial data, else the first of `options.arms`)
   */
  reference?: string;
  /**
   * `auto`: Fisher's exact test when an expected count of the 2 × 2 table is below 5 (Cochran's
   * rule), otherwise Pearson's χ² without continuity correction; or always one of them.
   * @defaultValue `'auto'`
   */
  test?: BinaryTestChoice;
  /** Odds-ratio method, as `oddsRatio`. @defaultValue `'woolf'` */
  oddsRatioMethod?: OddsRatioMethod;
}

/** One category's count and share in one arm at one visit. */
export interface CategoryProportionRow extends Estimate {
  arm: string;
  visit: string;
  category: ChangeCategory;
  count: number;
  /** Classified participants of the arm at the visit (the denominator; missing excluded). */
  n: number;
  /** count / n; `NaN` when n = 0. */
  estimate: number;
  /** Wilson score interval. */
  ci: [number, number];
  method: string;
}

export type { MissingRow };

/** The test of a 2 × 2 table, with the rule that chose it. */
export interface BinaryTest {
  method: string;
  statistic: number | null;
  df: number | null;
  pValue: number;
  /** Smallest expected count under independence. */
  smallestExpected: number;
  rule: string;
}

/** The binary outcomes compared: `reliable-improvement` = improved or recovered. */
export type BinaryOutcome = 'reliable-improvement' | 'recovered';

/** Treatment vs reference on one binary outcome at one visit. */
export interface BinaryComparisonRow {
  visit: string;
  outcome: BinaryOutcome;
  treatment: string;
  reference: string;
  /** Events and classified participants: treatment first. */
  events: { treatment: number; reference: number };
  n: CountsBy<'treatment' | 'reference'>;
  proportions: { treatment: number; reference: number };
  /** p_treatment − p_reference, Newcombe hybrid score (Wilson) interval. */
  riskDifference: RiskDifferenceResult;
  /** p_treatment / p_reference, log (Katz) interval. */
  riskRatio: RatioResult;
  oddsRatio: RatioResult;
  /** Number needed to treat for one extra participant with the (beneficial) outcome (Altman 1998). */
  nnt: NntResult;
  test: BinaryTest;
}

/** Treatment vs reference across the ordered categories at one visit. */
export interface OrdinalComparisonRow {
  visit: string;
  treatment: string;
  reference: string;
  /** Counts per category, worst first (`categories`). */
  categories: ChangeCategory[];
  counts: { treatment: number[]; reference: number[] };
  proportionalOdds: ProportionalOddsResult;
  superiority: SuperiorityResult;
}

/** Result of {@link compareClinicalSignificance}. */
export interface ClinicalSignificanceComparison {
  reference: string;
  treatments: string[];
  ciLevel: number;
  proportions: CategoryProportionRow[];
  missing: MissingRow[];
  binary: BinaryComparisonRow[];
  ordinal: OrdinalComparisonRow[];
  /** Participants behind the result (classified or not). */
  n: number;
  method: string;
  diagnostics: Diagnostic[];
}

function chooseTest(events: readonly [number, number], sizes: readonly [number, number], choice: BinaryTestChoice, ciLevel: number): BinaryTest {
  const table: [[number, number], [number, number]] = [
    [events[0], sizes[0] - events[0]],
    [events[1], sizes[1] - events[1]],
  ];
  const N = sizes[0] + sizes[1];
  const cols = [events[0] + events[1], N - events[0] - events[1]];
  let smallest = Number.POSITIVE_INFINITY;
  for (const rTot of sizes) for (const c of cols) smallest = Math.min(smallest, (rTot * c) / N);
  const degenerate = cols[0] === 0 || cols[1] === 0;
  const useFisher = choice === 'fisher' || degenerate || (choice === 'auto' && smallest < 5);
  const rule =
    choice === 'auto'
      ? degenerate
        ? 'Fisher’s exact test: no events, or only events, in both arms (χ² undefined)'
        : smallest < 5
          ? `Fisher’s exact test: the smallest expected count ${Number(smallest.toPrecision(3))} is below 5 (Cochran)`
          : `Pearson’s χ²: every expected count is at least 5 (smallest ${Number(smallest.toPrecision(3))})`
      : degenerate && choice === 'chi-square'
        ? 'Fisher’s exact test: χ² was requested but is undefined with no events, or only events, in both arms'
        : `${choice === 'fisher' ? 'Fisher’s exact test' : 'Pearson’s χ²'} as requested`;
  if (useFisher) {
    const f = fisherExactTest(table, { ciLevel });
    return { method: f.method, statistic: null, df: null, pValue: f.pValue, smallestExpected: smallest, rule };
  }
  const c = chiSquareTest(table, { correct: false });
  return { method: c.method, statistic: c.statistic, df: c.df, pValue: c.pValue, smallestExpected: smallest, rule };
}

/**
 * Compare the arms' clinical-significance categories from {@link clinicalSignificance}.
 *
 * - `proportions`: every category's count and share of the classified participants per arm ×
 *   visit, with a Wilson interval; `missing` says how many had no follow-up (or baseline) and were
 *   left out of every denominator: they are missing, not unchanged.
 * - `binary`, for "reliably improved" (improved or recovered) and, when a cut-off was used,
 *   "recovered", each treatment arm against the reference: risk difference with Newcombe's hybrid
 *   score (Wilson) interval, risk ratio (log interval), odds ratio (Woolf by default; zero cells get
 *   ½), NNT with Altman's (1998) interval that passes through ∞ when the RD interval includes 0,
 *   and Pearson's χ² (no continuity correction) or Fisher's exact test when an expected count is
 *   below 5.
 * - `ordinal`: the proportional-odds model across the ordered categories (common cumulative odds
 *   ratio of a better category) and the probability of superiority with the Brunner–Munzel
 *   interval; categories empty in both arms are dropped from the model.
 *
 * References: Newcombe (1998) Stat Med 17, 873–890; Altman (1998) BMJ 317, 1309–1312; Cochran
 * (1954) Biometrics 10, 417–451; McCullagh (1980) JRSS B 42, 109–142; Brunner & Munzel (2000).
 * @throws ArgumentError when `result` is not a clinicalSignificance result, it has fewer than two
 *   arms, `reference` is not one of its arms, or an option is invalid.
 * @example
 * const cs = clinicalSignificance(
 *   { baseline: [10, 12, 14, 16, 18, 11, 13, 15, 17, 19], followUp: [20, 12, 9, 25, 17, 11, 14, 12, 18, null],
 *     arm: ['SFT', 'SFT', 'SFT', 'SFT', 'SFT', 'control', 'control', 'control', 'control', 'control'] },
 *   { reliability: 0.8, direction: 'higher-better', cutoff: 'none', arms: ['control', 'SFT'] },
 * );
 * const cmp = compareClinicalSignificance(cs);
 * cmp.binary[0]!.riskDifference.estimate; // 0.4 (2/5 reliably improved with SFT, 0/4 in control)
 * cmp.missing[0]!.missingFollowUp; // 1 (control participant 10 has no follow-up)
 */
export function compareClinicalSignificance(result: ClinicalSignificanceClassification, options?: CompareClinicalSignificanceOptions): ClinicalSignificanceComparison {
  checkOptions('options', options, optionKeys<CompareClinicalSignificanceOptions>()(['ciLevel', 'reference', 'test', 'oddsRatioMethod']));
  if (typeof result !== 'object' || result === null || !Array.isArray(result.rows) || !Array.isArray(result.counts) || !Array.isArray(result.arms)) {
    throw new ArgumentError('result', result, 'the result of clinicalSignificance()');
  }
  const ciLevel = options?.ciLevel ?? 0.95;
  checkCiLevel(ciLevel, 'options.ciLevel');
  const testChoice = options?.test ?? 'auto';
  if (testChoice !== 'auto' && testChoice !== 'chi-square' && testChoice !== 'fisher') throw new ArgumentError('options.test', testChoice, '"auto", "chi-square" or "fisher"');
  const orMethod = options?.oddsRatioMethod ?? 'woolf';
  if (result.arms.length < 2) throw new ArgumentError('result', `arms ${JSON.stringify(result.arms)}`, 'a result with at least two arms', 'Give the arm of each participant to clinicalSignificance');
  const reference = options?.reference ?? result.reference;
  if (reference === null || reference === undefined) {
    throw new ArgumentError('options.reference', undefined, `the name of the reference arm, one of ${result.arms.map((a) => JSON.stringify(a)).join(', ')}`, 'The arms came from the data in the order their rows appear, so none is the reference by position: name it (or give options.arms to clinicalSignificance, reference first)');
  }
  if (!result.arms.includes(reference)) throw new ArgumentError('options.reference', reference, `one of the arms (${result.arms.join(', ')})`);
  const treatments = result.arms.filter((a) => a !== reference);
  const diagnostics: Diagnostic[] = [];

  const proportions: CategoryProportionRow[] = [];
  const missing: MissingRow[] = [];
  const countOf = new Map<string, CategoryCountRow>();
  const key = (arm: string, visit: string) => `${arm}\u0000${visit}`;
  const categories: ChangeCategory[] = result.cutoff ? [...CHANGE_CATEGORIES] : ['deteriorated', 'unchanged', 'improved'];
  for (const c of result.counts) {
    countOf.set(key(c.arm, c.visit), c);
    missing.push({
      arm: c.arm,
      visit: c.visit,
      nParticipants: c.nParticipants,
      classified: c.classified,
      missingFollowUp: c.missingFollowUp,
      missingBaseline: c.missingBaseline,
      missingBoth: c.missingBoth,
      notClassifiable: c.notClassifiable,
    });
    for (const cat of categories) {
      const count = c[cat];
      const ci: [number, number] = c.classified > 0 ? proportionInterval(count, c.classified, { method: 'wilson', ciLevel }).ci : [Number.NaN, Number.NaN];
      proportions.push({
        arm: c.arm,
        visit: c.visit,
        category: cat,
        count,
        n: c.classified,
        estimate: c.classified > 0 ? count / c.classified : Number.NaN,
        ci,
        ciLevel,
        method: 'Wilson score interval',
      });
    }
  }
  const totalMissing = missing.reduce((s, m) => s + m.missingFollowUp + m.missingBaseline + m.missingBoth + m.notClassifiable, 0);
  if (totalMissing > 0) {
    diagnostics.push(unclassifiedRowsLeftOut(totalMissing));
  }
  if (result.baselineSdSource === 'per-arm') {
    diagnostics.push(perArmSdCompared());
  }

  const outcomes: BinaryOutcome[] = result.cutoff ? ['reliable-improvement', 'recovered'] : ['reliable-improvement'];
  const events = (c: CategoryCountRow, outcome: BinaryOutcome) => (outcome === 'recovered' ? c.recovered : c.improved + c.recovered);
  const binary: BinaryComparisonRow[] = [];
  const ordinal: OrdinalComparisonRow[] = [];
  for (const visit of result.visits) {
    const ref = countOf.get(key(reference, visit))!;
    for (const arm of treatments) {
      const trt = countOf.get(key(arm, visit))!;
      if (trt.classified === 0 || ref.classified === 0) {
        diagnostics.push(emptyArmAtVisit(visit, trt.classified === 0 ? arm : reference, trt.classified !== 0));
        continue;
      }
      for (const outcome of outcomes) {
        const x1 = events(trt, outcome);
        const x2 = events(ref, outcome);
        const counts = { x1, n1: trt.classified, x2, n2: ref.classified };
        const rd = riskDifference(counts, { ciLevel });
        binary.push({
          visit,
          outcome,
          treatment: arm,
          reference,
          events: { treatment: x1, reference: x2 },
          n: { treatment: trt.classified, reference: ref.classified },
          proportions: { treatment: x1 / trt.classified, reference: x2 / ref.classified },
          riskDifference: rd,
          riskRatio: riskRatio(counts, { ciLevel }),
          oddsRatio: oddsRatio(counts, { ciLevel, method: orMethod }),
          nnt: numberNeededToTreat(rd, { event: 'benefit' }),
          test: chooseTest([x1, x2], [trt.classified, ref.classified], testChoice, ciLevel),
        });
      }
      const tCounts = categories.map((c) => trt[c]);
      const rCounts = categories.map((c) => ref[c]);
      ordinal.push({
        visit,
        treatment: arm,
        reference,
        categories: [...categories],
        counts: { treatment: tCounts, reference: rCounts },
        proportionalOdds: proportionalOddsComparison(rCounts, tCounts, { ciLevel }),
        superiority: probabilityOfSuperiority(rCounts, tCounts, { ciLevel }),
      });
    }
  }
  return {
    reference,
    treatments,
    ciLevel,
    proportions,
    missing,
    binary,
    ordinal,
    n: result.n,
    method:
      'Per arm × visit category proportions (Wilson); reliably improved and recovered: risk difference (Newcombe hybrid score), risk ratio (Katz log), odds ratio, NNT (Altman 1998), χ² or Fisher (expected < 5); ordinal: proportional-odds model and probability of superiority (Brunner–Munzel)',
    diagnostics,
  };
}

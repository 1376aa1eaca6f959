/**
 * Verbal labels for standardized mean differences under named rule sets, as R's
 * effectsize::interpret_cohens_d.
 */
import { ArgumentError } from '../errors/index.js';
import { checkOptions, optionKeys } from '../errors/checks.js';

/** A rule set: ascending thresholds and one more label than thresholds. */
export interface InterpretationRules {
  /** Name reported with every label, e.g. "cohen1988". */
  name: string;
  /** Ascending thresholds on |d|. */
  thresholds: readonly number[];
  /** labels[i] applies below thresholds[i]; the last label at or above the last threshold. */
  labels: readonly string[];
  /**
   * Scale on which the thresholds are stated: `d` directly, or `r` (point-biserial
   * r = d/√(d² + 4), used by Gignac & Szodorai's correlation benchmarks).
   * @defaultValue 'd'
   */
  scale?: 'd' | 'r';
  /** Full reference. */
  reference?: string;
}

/** The built-in rule sets (names as in R's effectsize). */
export const EFFECT_SIZE_RULES = {
  cohen1988: {
    name: 'cohen1988',
    thresholds: [0.2, 0.5, 0.8],
    labels: ['very small', 'small', 'medium', 'large'],
    reference: 'Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.). Erlbaum.',
  },
  sawilowsky2009: {
    name: 'sawilowsky2009',
    thresholds: [0.1, 0.2, 0.5, 0.8, 1.2, 2],
    labels: ['tiny', 'very small', 'small', 'medium', 'large', 'very large', 'huge'],
    reference: 'Sawilowsky, S. S. (2009). New effect size rules of thumb. Journal of Modern Applied Statistical Methods 8(2), 597–599.',
  },
  gignac2016: {
    name: 'gignac2016',
    thresholds: [0.1, 0.2, 0.3],
    labels: ['very small', 'small', 'moderate', 'large'],
    scale: 'r',
    reference:
      'Gignac, G. E., & Szodorai, E. T. (2016). Effect size guidelines for individual differences researchers. Personality and Individual Differences 102, 74–78.',
  },
  lovakov2021: {
    name: 'lovakov2021',
    thresholds: [0.15, 0.36, 0.65],
    labels: ['very small', 'small', 'medium', 'large'],
    reference: 'Lovakov, A., & Agadullina, E. R. (2021). Empirically derived guidelines for effect size interpretation in social psychology. European Journal of Social Psychology 51, 485–504.',
  },
} as const satisfies Record<string, InterpretationRules>;

/** Name of a built-in rule set. */
export type RuleSetName = keyof typeof EFFECT_SIZE_RULES;

/** Options of {@link interpretEffectSize}. */
export interface InterpretOptions {
  /** A built-in rule set name or a custom rule set. @defaultValue 'cohen1988' */
  rules?: RuleSetName | InterpretationRules;
}

/** A label with the rule set that produced it. */
export interface EffectSizeInterpretation {
  /** The effect size interpreted (signed, as given). */
  value: number;
  label: string;
  /** Name of the rule set. */
  rules: string;
  /** The value the thresholds were compared with (|d|, or |r| for r-scale rules). */
  comparedValue: number;
  reference: string | null;
}

function checkRules(rules: InterpretationRules): void {
  const ok =
    typeof rules === 'object' &&
    rules !== null &&
    typeof rules.name === 'string' &&
    Array.isArray(rules.thresholds) &&
    Array.isArray(rules.labels) &&
    rules.labels.length === rules.thresholds.length + 1 &&
    rules.thresholds.every((t, i) => typeof t === 'number' && Number.isFinite(t) && (i === 0 || t > (rules.thresholds[i - 1] as number)));
  if (!ok) throw new ArgumentError('rules', rules, 'a rule set { name, thresholds (ascending), labels (one more than thresholds) }');
}

/**
 * Label the size of a standardized mean difference (d, g, Δ, d_z, …) by a named rule set. The
 * sign is ignored; a value equal to a threshold takes the label above it (R's `right = FALSE`).
 *
 * - `cohen1988`: < 0.2 very small, < 0.5 small, < 0.8 medium, else large.
 * - `sawilowsky2009`: < 0.1 tiny, < 0.2 very small, < 0.5 small, < 0.8 medium, < 1.2 large,
 *   < 2 very large, else huge.
 * - `gignac2016`: Gignac & Szodorai's correlation benchmarks 0.1 / 0.2 / 0.3 applied to
 *   r = d/√(d² + 4) (equal groups), i.e. |d| < 0.201 very small, < 0.408 small, < 0.629
 *   moderate, else large, as `interpret_cohens_d(d, "gignac2016")`.
 * - `lovakov2021`: < 0.15 very small, < 0.36 small, < 0.65 medium, else large.
 *
 * @param d - the effect size (finite).
 * @throws ArgumentError when `d` is not finite or `rules` is unknown or malformed.
 * @example
 * interpretEffectSize(0.45).label; // "small"
 * interpretEffectSize(0.45, { rules: 'gignac2016' }).label; // "moderate"
 */
export function interpretEffectSize(d: number, options?: InterpretOptions): EffectSizeInterpretation {
  checkOptions('options', options, optionKeys<InterpretOptions>()(['rules']));
  if (typeof d !== 'number' || !Number.isFinite(d)) throw new ArgumentError('d', d, 'a finite effect size');
  const r = options?.rules ?? 'cohen1988';
  let rules: InterpretationRules;
  if (typeof r === 'string') {
    if (!Object.hasOwn(EFFECT_SIZE_RULES, r)) throw new ArgumentError('rules', r, `one of ${Object.keys(EFFECT_SIZE_RULES).map((k) => `"${k}"`).join(', ')} or a custom rule set`);
    rules = EFFECT_SIZE_RULES[r as RuleSetName];
  } else {
    checkRules(r);
    rules = r;
  }
  const compared = rules.scale === 'r' ? Math.abs(d) / Math.sqrt(d * d + 4) : Math.abs(d);
  let index = rules.thresholds.findIndex((t) => compared < t);
  if (index === -1) index = rules.thresholds.length;
  return { value: d, label: rules.labels[index] as string, rules: rules.name, comparedValue: compared, reference: rules.reference ?? null };
}

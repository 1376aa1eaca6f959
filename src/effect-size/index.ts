/**
 * Effect sizes: standardized mean differences with confidence intervals, their interpretation,
 * and model-based standardized differences. Methods: docs/methods/effect-sizes.md.
 */
export type {
  Alternative,
  Sample,
  EffectSizeOptions,
  TwoSampleOptions,
  HedgesOptions,
  SmallSampleCorrection,
  CiMethod,
  GroupSummary,
  EffectSizeResult,
} from './types.js';
export { cohensD, hedgesG, glassDelta } from './two-sample.js';
export { pairedD, pairedG, type PairedOptions, type PairedType } from './paired.js';
export { hedgesCorrectionFactor } from './internal.js';
export {
  interpretEffectSize,
  EFFECT_SIZE_RULES,
  type InterpretationRules,
  type RuleSetName,
  type InterpretOptions,
  type EffectSizeInterpretation,
} from './interpret.js';
export {
  standardizedModelEffect,
  type ModelDifference,
  type StandardizerInput,
  type ModelEffectOptions,
  type ModelEffectResult,
} from './model-effect.js';

/**
 * The shared result vocabulary (src/results/types.ts), checked by the compiler: every main row
 * type must be assignable to `Estimate` (estimate, ci, ciLevel; se, df, statistic, pValue with
 * the shared meaning where present), and the rows that can be not estimable to `Estimability`.
 * A row that renames a field or gives it another shape (e.g. `ci` as an object, `pValue` as a
 * string) fails `npx tsc`; the runtime checks below keep the rows' JSON in that vocabulary.
 */
import { describe, expect, it } from 'vitest';
import type { ArmVisitMean, BootstrapSummary, EstimateRow, MaybeEstimateRow, StandardizedEffect } from '../../src/analysis/types.js';
import type { CategoryProportionRow } from '../../src/clinical-significance/compare.js';
import type { ProportionalOddsResult, SuperiorityResult } from '../../src/clinical-significance/ordinal.js';
import type { AttendanceEffect } from '../../src/dose-response/attendance-effects.js';
import type { DoseEstimate, DosePredictionRow } from '../../src/dose-response/dose-response.js';
import type { NetBenefitRegressionRow } from '../../src/economics/net-benefit-regression.js';
import type { ArmQaly } from '../../src/economics/qaly/qaly.js';
import type { TwoPartBootstrap } from '../../src/economics/skewed-costs.js';
import type { BootstrapEstimate } from '../../src/economics/types.js';
import type { ModelEffectResult } from '../../src/effect-size/model-effect.js';
import type { EffectSizeResult } from '../../src/effect-size/types.js';
import type { FisherExactResult } from '../../src/inference/fisher-exact.js';
import type { IntervalResult } from '../../src/inference/types.js';
import type { PooledRow } from '../../src/missing-data/pool.js';
import type { ContrastRow } from '../../src/models/emmeans/contrast.js';
import type { MarginalMeanRow } from '../../src/models/emmeans/marginal-means.js';
import type { GlmCoefficientRow } from '../../src/models/glm/types.js';
import type { GlmmFixedEffectRow } from '../../src/models/glmm/types.js';
import type { FixedEffectRow } from '../../src/models/lmm/types.js';
import type { OlsCoefficientRow } from '../../src/models/ols/types.js';
import type { BootstrapStatisticRow } from '../../src/power/bootstrap.js';
import type { RejectionRate } from '../../src/power/simulation.js';
import type { SubgroupEffect, SubgroupForestRow } from '../../src/subgroups/analysis.js';
import { waldRow } from '../../src/results/not-estimable.js';
import type { Estimability, Estimate, Interval, TestedEstimate, WaldEstimate, WaldRow } from '../../src/results/types.js';

/** Compiles only when every member of `T` is assignable to `Base`. */
type AllAssignable<Base, T extends Base> = T;

// Every row with an estimate speaks the shared vocabulary.
export type RowsAreEstimates = AllAssignable<
  Estimate,
  | FixedEffectRow
  | OlsCoefficientRow
  | GlmCoefficientRow
  | GlmmFixedEffectRow
  | MarginalMeanRow
  | ContrastRow
  | PooledRow
  | SubgroupEffect
  | SubgroupForestRow
  | EffectSizeResult
  | ModelEffectResult
  | IntervalResult
  | FisherExactResult
  | CategoryProportionRow
  | ProportionalOddsResult
  | SuperiorityResult
  | AttendanceEffect
  | DoseEstimate
  | DosePredictionRow
  | BootstrapEstimate
  | TwoPartBootstrap
  | NetBenefitRegressionRow
  | ArmQaly
  | BootstrapStatisticRow
  | RejectionRate
  | EstimateRow
  | MaybeEstimateRow
  | ArmVisitMean
  | StandardizedEffect
  | BootstrapSummary
>;

// Rows that can be not estimable carry the flag and the reason.
export type RowsHaveEstimability = AllAssignable<
  Estimability,
  FixedEffectRow | GlmmFixedEffectRow | MarginalMeanRow | ContrastRow | PooledRow | SubgroupEffect | DosePredictionRow | MaybeEstimateRow | ArmVisitMean
>;

// Tested rows have the whole Wald vocabulary, and what waldRow returns is one of them once a ciLevel is added.
export type RowsAreWald = AllAssignable<WaldEstimate, FixedEffectRow | ContrastRow | PooledRow | SubgroupEffect | MaybeEstimateRow>;
export type WaldEstimatesAreWaldRows = AllAssignable<WaldRow, WaldEstimate>;
export type RowsAreTested = AllAssignable<TestedEstimate, AttendanceEffect | DoseEstimate | EstimateRow>;

describe('the shared result vocabulary', () => {
  it('waldRow plus a ciLevel is a WaldEstimate, and its interval an Interval', () => {
    const row: WaldEstimate = { ...waldRow(1, 0.5, 10, 0.95), ciLevel: 0.95 };
    const ci: Interval | null = row.ci;
    expect(ci).toHaveLength(2);
    expect(Object.keys(row).sort()).toEqual(['ci', 'ciLevel', 'df', 'estimable', 'estimate', 'pValue', 'reason', 'se', 'statistic']);
  });
});

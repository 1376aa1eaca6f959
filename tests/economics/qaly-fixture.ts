/** The committed R fixture of the cost-utility functions (tests/fixtures/r/economics/qaly.R). */
import { cachedFixture } from '../distributions/fixture.js';
import type { CostParticipant, UtilityMeasurement } from '../../src/economics/index.js';

export interface CoefRow {
  estimate: number;
  se: number;
  statistic?: number;
  p: number;
  df: number;
  ci: [number, number];
}

export interface LargestRef {
  share: number;
  k: number;
  largest_ids: string[];
  share_of_total: number;
  share_control: number;
  share_treated: number;
  diff_all: number;
  diff_without: number;
}

export interface QalyFixture {
  participants: { id: string; arm: string; group: string | null; healthcare: number; healthcarePre: number; operation: number }[];
  measurements: { id: string; visit: string; score: number | null; date: string }[];
  qaly: { horizon: string; visits: string[]; rate: number; time: 'dates' | 'nominal'; qaly: (number | null)[] }[];
  manca: Record<string, { n_control: number; n_treated: number; adjusted: CoefRow; unadjusted: CoefRow; slope: CoefRow; adjusted_cr2: CoefRow; unadjusted_cr2: CoefRow }>;
  cost_adjusted: { adjusted: CoefRow; unadjusted: CoefRow; slope: CoefRow };
  largest: Record<'healthcare' | 'total' | 'healthcare10', LargestRef>;
  evpi: { replicates: { C0: number[]; E0: number[]; C1: number[]; E1: number[] }; wtp: number[]; evpi: number[]; ceac: number[] };
}

/** The committed R fixture (tests/fixtures/r/economics/qaly.json). */
export const qalyFixture = cachedFixture<QalyFixture>('economics/qaly.json');

/** The fixture as library input: participants with costs, EQ-5D index measurements. */
export function qalyInput(): { participants: CostParticipant[]; measurements: UtilityMeasurement[] } {
  const f = qalyFixture();
  return {
    participants: f.participants.map((p) => ({ id: p.id, arm: p.arm, group: p.group, costs: { healthcare: p.healthcare, healthcarePre: p.healthcarePre, operation: p.operation } })),
    measurements: f.measurements.map((m) => ({ id: m.id, visit: m.visit, instrument: 'EQ5D_INDEX', score: m.score, date: m.date })),
  };
}

export const HORIZONS = [
  { label: '9 months', visits: ['baseline', '9m'] },
  { label: '15 months', visits: ['baseline', '9m', '15m'] },
];
export const VISIT_MONTHS = { baseline: 0, '9m': 9, '15m': 15 };

/** Largest relative error |a − b| / max(|b|, floor). */
export function relErr(a: number, b: number, floor = 1e-12): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

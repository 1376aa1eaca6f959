/**
 * The draws of the GLMM coverage simulation (tests/models/glmm/coverage.test.ts, the R fixture
 * tests/fixtures/r/glmm/coverage.R and bench/glmm-coverage.ts): SFT-shaped binary trials whose
 * design (participants, arms, therapy groups of 7–9 in the treated arm, dropout over baseline /
 * 9 / 15 months) comes from the trial simulator `simulateLongColumns`, and whose 0/1 outcome is
 * drawn from a logistic GLMM with known truth:
 *
 *   logit P(y = 1) = −0.8 + week effect (0, 0.2, 0.3) + arm × week (0, 0.4, 0.6)
 *                    + participant intercept (SD 1) + therapy-group intercept in SFT (SD 0.4).
 *
 * The arm main effect is 0 (randomisation), so the true arm × week log odds ratios are the
 * interaction coefficients `arm1:week1` = 0.4 and `arm1:week2` = 0.6. Replicate r uses seed
 * COVERAGE_SEED + r for both the design and the outcome, so any replicate can be redrawn alone.
 */
import { createRng, type Rng } from '../../../src/random/rng.js';
import { simulateLongColumns, type LongColumns } from '../../../src/simulate/columns.js';

export const COVERAGE_SEED = 20261202;
/** Participants per trial (about 370 rows after dropout). */
export const COVERAGE_PARTICIPANTS = 150;
/** Replicates in the R fixture and the bench script. */
export const COVERAGE_REPLICATES = 200;
export const COVERAGE_FORMULA = 'y ~ arm * week + (1 | id)';
export const COVERAGE_TRUTH = { intercept: -0.8, week: [0, 0.2, 0.3], armWeek: [0, 0.4, 0.6], idSd: 1, groupSd: 0.4 } as const;
/** The coefficients whose coverage is checked, with their true values. */
export const COVERAGE_TERMS = [
  { term: 'arm1:week1', truth: 0.4 },
  { term: 'arm1:week2', truth: 0.6 },
] as const;

/** One replicate's data as columns (ids and groups as text; controls have group ''). */
export interface CoverageDraw {
  y: Uint8Array;
  arm: Uint8Array;
  week: Uint8Array;
  id: Int32Array;
  group: string[];
  nRows: number;
}

/**
 * The 0/1 outcome of the logistic GLMM with `COVERAGE_TRUTH` on a simulated design: first the
 * participant intercepts, then the therapy-group intercepts, then one uniform per row, from `rng`
 * (also the GLMM benchmark's outcome, bench/glmm-worker.ts).
 */
export function drawBinaryOutcome(sim: LongColumns, rng: Rng): Uint8Array {
  const T = COVERAGE_TRUTH;
  const u = Float64Array.from({ length: sim.nParticipants }, () => T.idSd * rng.normal());
  const v = Float64Array.from({ length: sim.nGroups }, () => T.groupSd * rng.normal());
  const y = new Uint8Array(sim.nRows);
  for (let i = 0; i < sim.nRows; i++) {
    const w = sim.visit[i]!;
    const g = sim.group[i]!;
    const eta = T.intercept + T.week[w]! + sim.arm[i]! * T.armWeek[w]! + u[sim.id[i]!]! + (g >= 0 ? v[g]! : 0);
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return y;
}

export function coverageDraw(r: number): CoverageDraw {
  const seed = COVERAGE_SEED + r;
  const sim = simulateLongColumns({ nParticipants: COVERAGE_PARTICIPANTS, seed });
  const y = drawBinaryOutcome(sim, createRng(seed));
  const group = Array.from(sim.group, (g) => (g >= 0 ? `g${g}` : ''));
  return { y, arm: sim.arm, week: sim.visit, id: sim.id, group, nRows: sim.nRows };
}

/** fitGlmm options of the coverage model (partially nested, as glmer's `(0 + sft | group)`). */
export const COVERAGE_OPTIONS = {
  family: 'binomial' as const,
  factors: ['arm', 'week'],
  levels: { arm: ['0', '1'], week: ['0', '1', '2'] },
  partialNesting: { cluster: 'group', arm: 'arm', treated: '1' },
};

/** The replicate as CSV for R: y, arm, week, id, group, sft (glmer's indicator of the treated arm). */
export function coverageCsv(d: CoverageDraw): string {
  const lines = ['y,arm,week,id,group,sft'];
  for (let i = 0; i < d.nRows; i++) lines.push(`${d.y[i]},${d.arm[i]},${d.week[i]},${d.id[i]},${d.group[i] === '' ? 'none' : d.group[i]},${d.arm[i]}`);
  return lines.join('\n') + '\n';
}

/** The columns fitGlmm reads. */
export function coverageColumns(d: CoverageDraw): Record<string, ArrayLike<unknown>> {
  return { y: d.y, arm: d.arm, week: d.week, id: d.id, group: d.group };
}

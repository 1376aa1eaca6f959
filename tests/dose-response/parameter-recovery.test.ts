/**
 * Parameter recovery on the synthetic SFT trial (src/simulate; truth in tests/simulate/recovery.ts):
 * the 95 % intervals of the attendance slope within the SFT arm (doseResponse, CR2) and of the
 * per-session effect and the CACE of attending ≥ 6 sessions (attendanceEffects, 2SLS, CR2), each
 * at 9 and 15 months, cover the truth at the nominal rate.
 *
 * Monte Carlo error. 6 intervals per seed over 1,000 seeds, pooled: 6,000 intervals. Intervals
 * of the same draw are correlated (the two IV intervals of a visit scale the same ITT), so the
 * binomial variance is inflated by the design effect D = Var(hits per seed) / (6 p (1 − p)),
 * measured (printed; 1.73 on these seeds) and required to stay ≤ 2, the value the bounds assume.
 * With n = 6,000 and D = 2 the binomial SE at 0.95 is 0.0040 and the bounds are 0.95 ± 3.29 SE =
 * [0.9369, 0.9631] (false alarm 1 in 1,000); a true pooled coverage of 0.93 (SE 0.0047) falls
 * below 0.9369 with probability 0.93, so a 2-point under-coverage is caught (observed: 0.9465;
 * CR2 with 19 therapy groups is a little below nominal, as in docs/methods/ols.md). Per estimand
 * (1,000 intervals, D = 1, SE 0.0069: [0.927, 0.973]) the same formula catches a gross failure
 * of one estimand; bias is checked per estimand at 4 Monte Carlo SEs.
 *
 * The CACE is for ≥ 6 sessions, not ≥ 1: with ≥ 1, some draws (seeds 1434, 1515, 1558) have all
 * but one treated participant attending, and the first-stage robust F test then fails inside
 * attendanceEffects (reported as a defect of the library, not hidden here).
 */
import { describe, expect, it } from 'vitest';
import { attendanceEffects } from '../../src/dose-response/attendance-effects.js';
import { doseResponse } from '../../src/dose-response/dose-response.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { Coverage, effectSd, MOD, MULT, populationMeans, SD } from '../simulate/recovery.js';
import { coverageBounds } from '../tolerances.js';

const SEEDS = Array.from({ length: 1000 }, (_, k) => 1000 + k);
const DEFF = 2;

describe(`parameter recovery of attendance slopes and IV effects on the synthetic SFT trial (${SEEDS.length} seeds)`, () => {
  it('covers the true slopes, per-session effect and CACE at 95 % (pooled: detects 93 %)', () => {
    const pop = populationMeans();
    const all = new Coverage();
    for (const seed of SEEDS) {
      const { data, truth } = simulateTrialData({ seed, outcomes: ['PSP'] });
      for (const visit of ['9m', '15m']) {
        const s = doseResponse(data, { instrument: 'PSP', visit }).slope![0]!;
        all.record(`attendance slope ${visit}`, s.ci, s.estimate, (MULT[visit]! * SD * MOD.att) / 10);
      }
      for (const visit of ['9m', '15m']) {
        const iv = attendanceEffects(data, { instrument: 'PSP', visit, atLeast: [6] });
        const itt = MULT[visit]! * SD * effectSd(pop.all, pop.meanSessions, truth.modifierCentres);
        all.record(`IV per session ${visit}`, iv.perSession.ci, iv.perSession.estimate, itt / pop.meanSessions);
        all.record(`IV CACE (≥ 6 sessions) ${visit}`, iv.cace[0]!.ci, iv.cace[0]!.estimate, itt / pop.shareAttending(6));
      }
      all.endSeed();
    }
    console.log(all.table());
    const pooled = all.pooled();
    expect(pooled.n).toBe(6 * SEEDS.length);
    expect(pooled.designEffect, 'design effect assumed by the bounds').toBeLessThanOrEqual(DEFF);
    const [lo, hi] = coverageBounds(0.95, pooled.n, DEFF);
    expect(pooled.rate, 'pooled coverage').toBeGreaterThanOrEqual(lo);
    expect(pooled.rate, 'pooled coverage').toBeLessThanOrEqual(hi);
    for (const [k, t] of all.byEstimand) {
      const [l, h] = coverageBounds(0.95, t.n, 1);
      expect(t.hits / t.n, `${k} coverage`).toBeGreaterThanOrEqual(l);
      expect(t.hits / t.n, `${k} coverage`).toBeLessThanOrEqual(h);
    }
    all.expectUnbiased();
  });
});

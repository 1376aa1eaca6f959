/**
 * When every treated participant attends at least once, "attended ≥ 1" equals the arm, the
 * first stage of the CACE fit is exact (residuals 0: the shifted least squares now find them
 * exactly, where rounding used to leave ~1e-15) and its F statistic is infinite. That is said in a
 * diagnostic instead of surfacing as NaN from 0/0.
 */
import { expect, it } from 'vitest';
import { attendanceEffects } from '../../src/dose-response/attendance-effects.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';

it('an exact first stage gives an infinite F with a diagnostic, and a finite CACE', () => {
  const { data } = simulateTrialData({ seed: 1008, outcomes: ['PSP'] });
  const res = attendanceEffects(data, { instrument: 'PSP', visit: '9m', atLeast: [1] });
  const cace = res.cace[0]!;
  expect(cace.complierShare).toBe(1);
  expect(cace.firstStage.statistic).toBe(Infinity);
  expect(cace.firstStage.pValue).toBe(0);
  expect(res.diagnostics.map((d) => d.code)).toContain('exact-first-stage');
  expect(Number.isFinite(cace.estimate) && Number.isFinite(cace.se)).toBe(true);
  // With everyone complying, the CACE is the ITT effect itself.
  expect(cace.estimate).toBeCloseTo(res.itt.estimate, 10);
});

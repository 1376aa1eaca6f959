import { describe, expect, it } from 'vitest';
import { simulateTrial, type SimulatedTrial } from '../../src/simulate/trial.js';
import { REGISTER_STATUSES, REGISTER_WEEKS, REGISTER_WEEK_DAYS, expectedRoundedLognormal } from '../../src/simulate/register.js';
import { createRng } from '../../src/random/rng.js';

// Draws are checked against the truth ± Z standard errors (a false alarm about once in
// 2,000 checks; the seeds are fixed, so the tests are deterministic).
const Z = 3.5;

function armOf(t: SimulatedTrial): Map<string, string> {
  return new Map(t.participants.map((p) => [p.id, p.arm]));
}
function perParticipant(t: SimulatedTrial, arm: string): SimulatedTrial['register'] {
  const a = armOf(t);
  return t.register.filter((r) => r.week === 'baseline' && a.get(r.id) === arm);
}
const meanSd = (x: number[]): { mean: number; sd: number } => {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return { mean: m, sd: Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1)) };
};

describe('simulateTrial register: a large draw recovers the truth', () => {
  const big = simulateTrial({ seed: 5, nParticipants: 20_000 });
  const arm = armOf(big);
  const truth = big.truth.register;

  it('has status shares per arm × week within binomial error of the model probabilities', () => {
    for (const a of ['control', 'SFT']) {
      for (const w of REGISTER_WEEKS) {
        const rows = big.register.filter((r) => r.week === w && arm.get(r.id) === a && r.status !== null);
        for (const s of REGISTER_STATUSES) {
          const p = truth.statusProbabilities[a]![w][s];
          const share = rows.filter((r) => r.status === s).length / rows.length;
          expect(Math.abs(share - p), `${a} ${w} ${s}`).toBeLessThanOrEqual(Z * Math.sqrt((p * (1 - p)) / rows.length));
        }
      }
    }
  });

  it('recovers the SFT log odds ratio against passive benefits by the crude estimator within its SE, none at baseline', () => {
    const count = (a: string, w: string, s: string): number =>
      big.register.filter((r) => r.week === w && arm.get(r.id) === a && r.status === s).length;
    const keys = { rehabilitation: 'rehabilitation', disabilityPension: 'disability_pension', workOrEducation: 'work_education' } as const;
    for (const w of REGISTER_WEEKS) {
      for (const [key, s] of Object.entries(keys) as [keyof typeof keys, string][]) {
        const t1 = count('SFT', w, s);
        const t0 = count('SFT', w, 'passive_benefits');
        const c1 = count('control', w, s);
        const c0 = count('control', w, 'passive_benefits');
        const est = Math.log(t1 / t0) - Math.log(c1 / c0);
        const se = Math.sqrt(1 / t1 + 1 / t0 + 1 / c1 + 1 / c0);
        expect(Math.abs(est - truth.marginalLogOddsRatio[w][key]), `${w} ${key}`).toBeLessThanOrEqual(Z * se);
      }
    }
    // The documented shift: rehabilitation up at 9 months, less at 15; nothing at baseline.
    expect(truth.treatedShift.baseline).toEqual({ rehabilitation: 0, disabilityPension: 0, workOrEducation: 0 });
    expect(truth.treatedShift['9m'].rehabilitation).toBe(0.4);
    expect(Math.abs(truth.marginalLogOddsRatio.baseline.rehabilitation)).toBeLessThan(0.05);
    // Averaging over the random effects attenuates the conditional shift but keeps its sign.
    expect(truth.marginalLogOddsRatio['9m'].rehabilitation).toBeGreaterThan(0.2);
    expect(truth.marginalLogOddsRatio['9m'].rehabilitation).toBeLessThan(0.4);
  });

  it('keeps statuses over weeks (participant random effect): agreement far above that of independent draws', () => {
    const agreement = (t: SimulatedTrial): number => {
      const byId = new Map<string, (string | null)[]>();
      for (const r of t.register) byId.set(r.id, [...(byId.get(r.id) ?? []), r.status]);
      let same = 0;
      let n = 0;
      for (const s of byId.values()) {
        if (s[0] === null || s[1] === null) continue;
        n++;
        if (s[0] === s[1]) same++;
      }
      return same / n;
    };
    const p = truth.statusProbabilities['control']!.baseline;
    const independent = REGISTER_STATUSES.reduce((acc, s) => acc + p[s] ** 2, 0);
    const withEffect = agreement(big);
    expect(withEffect).toBeGreaterThan(independent + 0.1);
    // Without the random effect only age and diagnosis tie the weeks together.
    const flat = simulateTrial({
      seed: 6,
      nParticipants: 4000,
      register: { status: { participantSd: { rehabilitation: 0, disabilityPension: 0, workOrEducation: 0 } } },
    });
    expect(agreement(flat)).toBeLessThan(withEffect - 0.08);
  });

  it('has admissions with the negative-binomial mean and variance, and bed-days with the stated mean and tail', () => {
    const theta = big.truth.options.register.admissions.theta;
    for (const a of ['control', 'SFT']) {
      const rows = perParticipant(big, a);
      const adm = meanSd(rows.map((r) => r.admissions));
      const mu = truth.expectedAdmissions[a]!;
      expect(Math.abs(adm.mean - mu)).toBeLessThanOrEqual((Z * adm.sd) / Math.sqrt(rows.length));
      // NB2 variance μ + μ²/θ (exposure varies a little: a 3 % share leave early).
      expect(adm.sd ** 2 / (mu + (mu * mu) / theta)).toBeGreaterThan(0.85);
      expect(adm.sd ** 2 / (mu + (mu * mu) / theta)).toBeLessThan(1.15);
      const bd = meanSd(rows.map((r) => r.bedDays));
      expect(Math.abs(bd.mean - truth.expectedBedDays[a]!)).toBeLessThanOrEqual((Z * bd.sd) / Math.sqrt(rows.length));
      expect(truth.bedDays[a]!.mean).toBeCloseTo(bd.mean, 10);
      expect(truth.bedDays[a]!.median).toBe(0);
      // The documented range of the top-5 % share (docs/synthetic-trial.md): 0.5–0.7.
      expect(truth.bedDays[a]!.top5Share).toBeGreaterThan(0.5);
      expect(truth.bedDays[a]!.top5Share).toBeLessThan(0.7);
    }
    // More bed-days in SFT, mostly through long stays rather than more admissions.
    const ratioDays = truth.expectedBedDays['SFT']! / truth.expectedBedDays['control']!;
    const ratioAdm = truth.expectedAdmissions['SFT']! / truth.expectedAdmissions['control']!;
    expect(ratioDays).toBeGreaterThan(1.5);
    expect(ratioAdm).toBeLessThan(1.2);
  });

  it('computes the rounded log-normal mean exactly (against a seeded Monte Carlo of 400,000 stays)', () => {
    const rng = createRng(9);
    for (const [mu, sigma] of [
      [2.2, 0.8],
      [4.7, 0.45],
      [0.1, 1.2],
    ] as const) {
      const n = 400_000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.max(1, Math.round(Math.exp(mu + sigma * rng.normal())));
        s += d;
        s2 += d * d;
      }
      const m = s / n;
      const se = Math.sqrt((s2 / n - m * m) / n);
      expect(Math.abs(expectedRoundedLognormal(mu, sigma) - m)).toBeLessThanOrEqual(Z * se);
    }
    expect(expectedRoundedLognormal(Math.log(7), 0)).toBe(7);
  });
});

describe('simulateTrial register: rows', () => {
  const t = simulateTrial({ seed: 11 });

  it('has three rows per randomised participant, statuses only while in the register, totals repeated', () => {
    expect(t.register).toHaveLength(3 * t.participants.length);
    const ids = t.participants.map((p) => p.id);
    expect(t.register.filter((r) => r.week === 'baseline').map((r) => r.id)).toEqual(ids);
    for (let i = 0; i < t.register.length; i += 3) {
      const rows = t.register.slice(i, i + 3);
      expect(rows.map((r) => r.week)).toEqual(['baseline', '9m', '15m']);
      for (const r of rows) {
        expect(r.status === null).toBe(r.daysAtRisk < REGISTER_WEEK_DAYS[r.week]);
        expect([r.admissions, r.bedDays, r.daysAtRisk]).toEqual([rows[0]!.admissions, rows[0]!.bedDays, rows[0]!.daysAtRisk]);
        expect(r.bedDays).toBeGreaterThanOrEqual(r.admissions);
        expect(r.bedDays === 0).toBe(r.admissions === 0);
        expect(r.daysAtRisk).toBeGreaterThanOrEqual(1);
        expect(r.daysAtRisk).toBeLessThanOrEqual(457);
      }
      expect(rows[0]!.status).not.toBeNull();
    }
  });

  it('is bit-identical for the same seed and differs for another', () => {
    expect(simulateTrial({ seed: 11 }).register).toEqual(t.register);
    expect(simulateTrial({ seed: 12 }).register).not.toEqual(t.register);
  });

  it('leaves every older draw alone: register options change neither participants nor measurements', () => {
    const other = simulateTrial({
      seed: 11,
      register: { status: { treatedShift: { '9m': { rehabilitation: 2 } } }, admissions: { rate: { treated: 3 } }, bedDays: { longShare: { treated: 0.5 } } },
    });
    expect(other.participants).toEqual(t.participants);
    expect(other.measurements).toEqual(t.measurements);
    expect(other.register).not.toEqual(t.register);
    // Statuses and admissions come from separate streams.
    const onlyAdmissions = simulateTrial({ seed: 11, register: { admissions: { rate: { treated: 3 } } } });
    expect(onlyAdmissions.register.map((r) => r.status)).toEqual(t.register.map((r) => r.status));
    expect(onlyAdmissions.register.map((r) => r.admissions)).not.toEqual(t.register.map((r) => r.admissions));
  });
});

describe('simulateTrial register: costs from the register', () => {
  it('takes bed_days and the psychiatric-admission cost from the register, leaving everything else as it was', () => {
    const base = simulateTrial({ seed: 11 });
    const t = simulateTrial({ seed: 11, register: { costsFromRegister: true } });
    expect(t.register).toEqual(base.register);
    expect(t.measurements).toEqual(base.measurements);
    const bedDayCost = t.truth.options.costs.bedDayCost;
    let differ = 0;
    t.participants.forEach((p, i) => {
      const b = base.participants[i]!;
      const days = t.register[3 * i]!.bedDays;
      expect(p.extra['bed_days']).toBe(days);
      expect(p.costs['psychiatric_admission']).toBe(days * bedDayCost);
      if (days !== b.extra['bed_days']) differ++;
      const strip = (x: typeof p) => ({ ...x, costs: { ...x.costs, psychiatric_admission: 0 }, extra: { ...x.extra, bed_days: 0 } });
      expect(strip(p)).toEqual(strip(b));
    });
    expect(differ).toBeGreaterThan(0);
    // The resolved options reproduce the draw (the unused cost-model defaults are accepted).
    expect(simulateTrial(t.truth.options).participants).toEqual(t.participants);
  });
});

describe('simulateTrial register: edge cases', () => {
  it('gives finite truth when everyone leaves the register and when nobody is admitted', () => {
    const t = simulateTrial({ seed: 4, nParticipants: 60, nGroups: 3, register: { admissions: { leftRegisterShare: 1, rate: { control: 0, treated: 0 } } } });
    expect(t.register.filter((r) => r.week === '15m').every((r) => r.status === null)).toBe(true);
    expect(t.register.every((r) => r.admissions === 0 && r.bedDays === 0 && r.daysAtRisk < 457)).toBe(true);
    const tr = t.truth.register;
    for (const a of ['control', 'SFT']) {
      const p = tr.statusProbabilities[a]!['15m'];
      expect(REGISTER_STATUSES.reduce((s, k) => s + p[k], 0)).toBeCloseTo(1, 12);
      expect(tr.bedDays[a]).toMatchObject({ mean: 0, median: 0, top5Share: 0 });
      expect(tr.expectedBedDays[a]).toBe(0);
    }
    expect(Object.values(tr.marginalLogOddsRatio['15m']).every(Number.isFinite)).toBe(true);
  });
});

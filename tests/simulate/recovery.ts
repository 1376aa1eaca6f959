/**
 * Shared pieces of the parameter-recovery tests on the synthetic SFT trial (src/simulate):
 * the generator's truth for the subgroup effects, attendance slopes and IV effects, and a
 * coverage tally whose bounds come from the binomial SE.
 *
 * The truth. The generator's individual effect is
 *   δ_i = effect + c_F2 (F2_i − C_F2) + c_age (A_i − C_age) + c_rec (R_i − C_rec) + c_att (S_i − C_S)/10 + u_g,
 * in SD units, times the visit's multiplier (1 at 9 m, 0.4 at 15 m) and the SD (12 for PSP), with the
 * centres C = the draw's SFT-arm means (`truth.modifierCentres`). The effect within a subgroup level
 * ℓ is therefore w·σ·(effect + Σ_m c_m (π_m(ℓ) − C_m)), where π_m(ℓ) is the population mean of
 * modifier m among people in level ℓ. The π are not in the generator's truth (age and time since
 * diagnosis are dependent through the truncation of the latter at age − 15), so they are derived
 * here by simulation from one very large trial (60,000 participants); their Monte Carlo error is
 * below 0.01 PSP points, against interval half-widths of about 5 points. The attendance slope is
 * w·σ·c_att/10 per session. The IV estimands are the population ITT divided by the population mean
 * sessions (per session) or by the population share attending at least k sessions (CACE).
 */
import { expect } from 'vitest';
import { diagnosisChapter } from '../../src/data/inclusion.js';
import { simulateTrial } from '../../src/simulate/trial.js';
import { yearsSinceDiagnosis } from '../../src/subgroups/definitions.js';

export const SD = 12; // PSP
export const EFFECT = 0.3;
export const MOD = { F2: 0.15, age: 0.15, recent: 0.15, att: 0.1 };
export const MULT: Record<string, number> = { '9m': 1, '15m': 0.4 };

export interface Pi {
  F2: number;
  age: number;
  recent: number;
}

/** Population means of the modifiers by level, and of attendance, from one very large trial. */
export function populationMeans() {
  const big = simulateTrial({ seed: 424242, nParticipants: 60_000, outcomes: ['PSP'] });
  const people = big.participants.map((p) => {
    const ch = p.mainDiagnosis ? diagnosisChapter(p.mainDiagnosis) : null;
    const y = yearsSinceDiagnosis(p);
    return {
      F2: ch === 'F2' ? 1 : 0,
      chapter: ch,
      age: p.age!,
      A: p.age! >= 25 && p.age! <= 34 ? 1 : 0,
      R: y !== null && y < 5 ? 1 : 0,
      sessions: p.sessionsAttended,
    };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const pi = (sel: (q: (typeof people)[number]) => boolean): Pi => {
    const g = people.filter(sel);
    return { F2: mean(g.map((q) => q.F2)), age: mean(g.map((q) => q.A)), recent: mean(g.map((q) => q.R)) };
  };
  const ageBands: [string, number, number][] = [['18–24', 18, 24], ['25–34', 25, 34], ['35–44', 35, 44], ['45–54', 45, 54], ['55+', 55, 200]];
  const sessions = people.filter((q) => q.sessions !== null).map((q) => q.sessions!);
  return {
    levels: {
      diagnosisChapter: Object.fromEntries(['F2', 'F3', 'F4', 'F6'].map((c) => [c, pi((q) => q.chapter === c)])),
      ageBand: Object.fromEntries(ageBands.map(([l, lo, hi]) => [l, pi((q) => q.age >= lo && q.age <= hi)])),
      timeSinceDiagnosis: { '< 5 years': pi((q) => q.R === 1), '≥ 5 years': pi((q) => q.R === 0) },
    } as Record<string, Record<string, Pi>>,
    all: pi(() => true),
    meanSessions: mean(sessions),
    /** Share of the treated attending at least k sessions. */
    shareAttending: (k: number) => mean(sessions.map((s) => (s >= k ? 1 : 0))),
  };
}

export type Centres = { F2Share: number; age25to34Share: number; recentDiagnosisShare: number; meanSessionsAttended: number };
export const effectSd = (pi: Pi, meanS: number, c: Centres) =>
  EFFECT + MOD.F2 * (pi.F2 - c.F2Share) + MOD.age * (pi.age - c.age25to34Share) + MOD.recent * (pi.recent - c.recentDiagnosisShare) + (MOD.att * (meanS - c.meanSessionsAttended)) / 10;

/**
 * Coverage of several estimands over seeds. Per estimand: hits and errors. Pooled over the
 * estimands: hits per seed, so that the design effect of intervals from the same draw (which
 * share the data) can be measured rather than assumed.
 */
export class Coverage {
  readonly byEstimand = new Map<string, { hits: number; n: number; errors: number[] }>();
  readonly hitsPerSeed: number[] = [];
  readonly perSeed: number[] = [];
  private seedHits = 0;
  private seedN = 0;

  record(key: string, ci: readonly [number, number], est: number, truth: number): void {
    let t = this.byEstimand.get(key);
    if (!t) this.byEstimand.set(key, (t = { hits: 0, n: 0, errors: [] }));
    const hit = ci[0] <= truth && truth <= ci[1] ? 1 : 0;
    t.n++;
    t.hits += hit;
    t.errors.push(est - truth);
    this.seedHits += hit;
    this.seedN++;
  }

  endSeed(): void {
    this.hitsPerSeed.push(this.seedHits);
    this.perSeed.push(this.seedN);
    this.seedHits = 0;
    this.seedN = 0;
  }

  /** Pooled coverage, its number of intervals, and the design effect Var(hits per seed) / (K p (1 − p)). */
  pooled(): { rate: number; n: number; designEffect: number } {
    const n = this.perSeed.reduce((a, b) => a + b, 0);
    const rate = this.hitsPerSeed.reduce((a, b) => a + b, 0) / n;
    const k = n / this.perSeed.length;
    const m = this.hitsPerSeed.reduce((a, b) => a + b, 0) / this.hitsPerSeed.length;
    const v = this.hitsPerSeed.reduce((a, b) => a + (b - m) ** 2, 0) / (this.hitsPerSeed.length - 1);
    return { rate, n, designEffect: v / (k * rate * (1 - rate)) };
  }

  table(): string {
    const rows = [...this.byEstimand].map(([k, t]) => {
      const m = mean(t.errors);
      return `${k.padEnd(34)} coverage ${(t.hits / t.n).toFixed(3)}  n ${t.n}  mean error ${m.toFixed(3)} (MC SE ${(sd(t.errors) / Math.sqrt(t.n)).toFixed(3)})`;
    });
    const p = this.pooled();
    return [...rows, `pooled: ${p.rate.toFixed(4)} of ${p.n} intervals, design effect ${p.designEffect.toFixed(2)}`].join('\n');
  }

  /** Every estimand: no bias beyond Monte Carlo error (4 SE). */
  expectUnbiased(): void {
    for (const [k, t] of this.byEstimand) expect(Math.abs(mean(t.errors)), `${k} mean error`).toBeLessThanOrEqual((4 * sd(t.errors)) / Math.sqrt(t.n));
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

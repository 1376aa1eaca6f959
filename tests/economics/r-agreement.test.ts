/**
 * The cluster bootstrap against R's boot on the fixture (tests/fixtures/r/economics/bootstrap.R).
 *
 * R and rcteval draw different random numbers, so:
 * - deterministic parts are compared exactly: the statistic on the data (t0), the jackknife
 *   influence values and the BCa acceleration;
 * - the bootstrap distributions are compared within Monte Carlo error. A quantile q_R(p) from
 *   R's 10,000 replicates should sit at probability p in our 10,000 replicates: the empirical
 *   CDF at q_R(p) has sampling SD √(p(1 − p)/R) from our side and about as much from R's, so the
 *   tolerance is 4·√(2p(1 − p)/R) (4 SDs of the difference; a false failure has probability
 *   below 1e-4 per comparison). The bootstrap SE is compared within 4 SDs of the difference of
 *   two SD estimates, √2·sd·√((κ − 1)/(4R)), with κ the kurtosis of our replicates.
 */
import { describe, expect, it } from 'vitest';
import { costEffectiveness, costsByArm } from '../../src/economics/index.js';
import { runBootstrapSync } from '../../src/economics/bootstrap/engine.js';
import { buildUnits, jackknifeInfluence, replicatesOf, type SumStatistic, type UnitRow } from '../../src/economics/bootstrap/units.js';
import { fixture, fixtureInput, type StatSummary } from './helpers.js';

const R = 10000;
const SEED = 20240607;

function ecdf(t: Float64Array, v: number): number {
  let below = 0;
  for (let i = 0; i < t.length; i++) if (t[i]! <= v) below++;
  return below / t.length;
}

function kurtosis(t: Float64Array): number {
  let m = 0;
  for (const x of t) m += x;
  m /= t.length;
  let m2 = 0;
  let m4 = 0;
  for (const x of t) {
    m2 += (x - m) ** 2;
    m4 += (x - m) ** 4;
  }
  m2 /= t.length;
  m4 /= t.length;
  return m4 / (m2 * m2);
}

function sd(t: Float64Array): number {
  let m = 0;
  for (const x of t) m += x;
  m /= t.length;
  let s = 0;
  for (const x of t) s += (x - m) ** 2;
  return Math.sqrt(s / (t.length - 1));
}

const probTol = (p: number) => 4 * Math.sqrt((2 * p * (1 - p)) / R) + 1 / R;

/** Units exactly as the R script builds them: individuals (control) first, then groups, each in order of appearance. */
function fixtureUnits() {
  const f = fixture();
  const rows: UnitRow[] = f.participants.map((p) => ({
    stratum: p.arm === 'control' ? 0 : 1,
    group: p.group,
    values: [1, p.operation + p.healthcare, p.effect],
  }));
  return buildUnits(rows, ['individuals', 'clusters'], 3, ['control', 'SFT']);
}

const mean = (s: number, c: number): SumStatistic => (x, o) => x[o + s * 3 + c]! / x[o + s * 3]!;
const lambda = fixture().meta.lambda_nb;
const STATS: Record<keyof ReturnType<typeof fixture>['cluster_boot'], SumStatistic> = {
  dC: (x, o) => mean(1, 1)(x, o) - mean(0, 1)(x, o),
  dE: (x, o) => mean(1, 2)(x, o) - mean(0, 2)(x, o),
  nb: (x, o) => lambda * (mean(1, 2)(x, o) - mean(0, 2)(x, o)) - (mean(1, 1)(x, o) - mean(0, 1)(x, o)),
  meanC_control: mean(0, 1),
  meanC_treated: mean(1, 1),
};

describe('cluster bootstrap vs R boot (groups in SFT, individuals in control, stratified by arm)', () => {
  const f = fixture();
  const data = fixtureUnits();
  const sums = runBootstrapSync(data.strata, 3, R, SEED);

  it('builds the same 160 resampling units as the R script, in the same order', () => {
    expect(data.strata[0]!.m + data.strata[1]!.m).toBe(f.units.length);
    const flat: number[][] = [];
    data.strata.forEach((s) => {
      for (let j = 0; j < s.m; j++) flat.push([s.units[j * 3]!, s.units[j * 3 + 1]!, s.units[j * 3 + 2]!]);
    });
    f.units.forEach((u, i) => expect(flat[i]).toEqual([u.n, u.sumC, u.sumE]));
  });

  for (const [name, stat] of Object.entries(STATS) as [keyof typeof STATS, SumStatistic][]) {
    describe(name, () => {
      const r: StatSummary = f.cluster_boot[name];
      const t = replicatesOf(stat, sums, 2, 3);
      it('t0 equals R to 1e-12 relative', () => {
        expect(Math.abs(stat(data.full, 0) - r.t0) / Math.abs(r.t0)).toBeLessThan(1e-12);
      });
      it('jackknife influence values and BCa acceleration equal R (empinf type "jack") to 1e-9', () => {
        const L = jackknifeInfluence(stat, data);
        const scale = Math.max(...r.L.map(Math.abs));
        expect(L.length).toBe(r.L.length);
        r.L.forEach((l, i) => expect(Math.abs(L[i]! - l) / scale).toBeLessThan(1e-9));
        let s2 = 0;
        let s3 = 0;
        for (const l of L) {
          s2 += l * l;
          s3 += l * l * l;
        }
        expect(Math.abs(s3 / (6 * s2 ** 1.5) - r.acceleration)).toBeLessThan(1e-10);
      });
      it('bootstrap SE within 4 Monte Carlo SDs of R’s', () => {
        const ours = sd(t);
        const tol = 4 * Math.SQRT2 * ours * Math.sqrt((kurtosis(t) - 1) / (4 * R));
        expect(Math.abs(ours - r.sd)).toBeLessThan(tol);
      });
      it('R’s quantiles (1 % … 99 %) sit at their probabilities in our replicates', () => {
        r.quantiles.probs.forEach((p, i) => {
          expect(Math.abs(ecdf(t, r.quantiles.values[i]!) - p)).toBeLessThan(probTol(p));
        });
      });
      it('R’s percentile and BCa limits sit at the right probabilities in our replicates', () => {
        expect(Math.abs(ecdf(t, r.percentile[0]) - 0.025)).toBeLessThan(probTol(0.025));
        expect(Math.abs(ecdf(t, r.percentile[1]) - 0.975)).toBeLessThan(probTol(0.975));
        const rr = r as StatSummary & { bca_probs: number[] };
        expect(Math.abs(ecdf(t, r.bca[0]) - rr.bca_probs[0]!)).toBeLessThan(probTol(rr.bca_probs[0]!));
        expect(Math.abs(ecdf(t, r.bca[1]) - rr.bca_probs[1]!)).toBeLessThan(probTol(rr.bca_probs[1]!));
      });
    });
  }

  it('costEffectiveness reports the same t0, acceleration and CEAC as R (CEAC within Monte Carlo error)', async () => {
    const res = await costEffectiveness(fixtureInput(), { seed: SEED, replicates: R, wtp: f.ceac.wtp, threads: 1 });
    expect(res.treated).toBe('SFT');
    expect(res.units).toEqual({ control: 141, treated: 19 });
    expect(Math.abs(res.incrementalCost.estimate - f.cluster_boot.dC.t0)).toBeLessThan(1e-8);
    expect(Math.abs(res.incrementalEffect.estimate - f.cluster_boot.dE.t0)).toBeLessThan(1e-12);
    expect(Math.abs(res.incrementalCost.bca!.acceleration - f.cluster_boot.dC.acceleration)).toBeLessThan(1e-10);
    expect(Math.abs(res.incrementalEffect.bca!.acceleration - f.cluster_boot.dE.acceleration)).toBeLessThan(1e-10);
    const nb = res.netBenefit.find((x) => x.wtp === lambda)!;
    expect(Math.abs(nb.bca!.acceleration - f.cluster_boot.nb.acceleration)).toBeLessThan(1e-10);
    res.ceac.probability.forEach((p, j) => {
      const pr = f.ceac.probability[j]!;
      expect(Math.abs(p - pr)).toBeLessThan(probTol(pr));
    });
    // The same replicates as the engine used directly above.
    const direct = replicatesOf(STATS.dC, sums, 2, 3);
    expect(res.plane!.deltaCost.slice(0, 50)).toEqual(Array.from(direct.slice(0, 50)));
  });

  it('costsByArm gives R’s individual-bootstrap acceleration for the control mean exactly and its SE within MC error', () => {
    const input = fixtureInput();
    const res = costsByArm(input.participants, { seed: SEED, replicates: R });
    const ctrl = res.summaries.find((s) => s.arm === 'control' && s.category === 'total')!;
    expect(Math.abs(ctrl.estimate - f.individual.t0) / f.individual.t0).toBeLessThan(1e-12);
    expect(Math.abs(ctrl.bca!.acceleration - f.individual.acceleration)).toBeLessThan(1e-10);
    // Without the replicates at hand, use the normal-theory MC SD of an SD estimate, inflated ×2 for skew.
    expect(Math.abs(ctrl.se - f.individual.sd)).toBeLessThan(2 * 4 * Math.SQRT2 * f.individual.sd * Math.sqrt(1 / (2 * R)));
  });
});

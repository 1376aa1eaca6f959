/**
 * δ adjustment and the tipping-point grid checked by hand. δ is added to imputed scores after
 * dropout, so for a linear analysis (ANCOVA by least squares) each imputation's estimate moves by
 * the arm coefficient of the same regression fitted to the shifts s_i (δ of i's arm, or δ times
 * the visits since dropout when cumulative), and the pooled estimate by their mean: exactly.
 */
import { describe, expect, it } from 'vitest';
import { multipleImputation, type CompletedRow } from '../../src/missing-data/impute.js';
import { tippingPoint } from '../../src/missing-data/tipping-point.js';
import { tippingPointFigure } from '../../src/report/figures/tipping-point.js';
import { fitOls } from '../../src/models/ols/fit.js';
import { ArgumentError } from '../../src/errors/index.js';
import { smallTrial } from './small-trial.js';

const visits = ['baseline', '9m', '15m'];
const rows = smallTrial(21, 120, visits, { missing: 0.25 });
const opts = { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits, m: 4, burnIn: 20, seed: 3 };
const mi = await multipleImputation(rows, opts);
const ancova = (visit: string) => (d: CompletedRow[]) => fitOls('score ~ arm + baseline', d.filter((r) => r.visit === visit)).fixedEffects[1]!;

/** The arm coefficient of the ANCOVA design fitted to the shifts s (one per participant). */
function shiftEffect(visit: string, s: (id: string, arm: string) => number): number {
  const d = mi.completed[0]!.filter((r) => r.visit === visit).map((r) => ({ arm: r.arm, baseline: r.baseline, s: s(r.id as string, r.arm as string) }));
  return fitOls('s ~ arm + baseline', d).fixedEffects[1]!.estimate;
}

// Visits since dropout at each follow-up (0 where observed or before the last observed visit).
const since = new Map<string, number[]>();
for (const id of new Set(rows.map((r) => r.id as string))) {
  const ys = visits.slice(1).map((v) => rows.find((r) => r.id === id && r.visit === v)?.score ?? null);
  let last = -1;
  ys.forEach((y, k) => y !== null && (last = k));
  since.set(id, ys.map((_, k) => (k > last ? k - last : 0)));
}

describe('delta adjustment and tipping point', () => {
  it('the grid’s pooled estimates are the MAR estimate plus the hand-computed shifts', async () => {
    const grid = { control: [-2, 0], SFT: [-6, 0, 3] };
    const tp = tippingPoint(mi, ancova('9m'), { deltas: grid });
    expect(tp.rows).toHaveLength(6);
    const gC = shiftEffect('9m', (id, arm) => (arm === 'control' && since.get(id)![0]! > 0 ? 1 : 0));
    const gT = shiftEffect('9m', (id, arm) => (arm === 'SFT' && since.get(id)![0]! > 0 ? 1 : 0));
    for (const r of tp.rows) {
      const expected = tp.mar.estimate! + r.delta.control! * gC + r.delta.SFT! * gT;
      expect(Math.abs(r.estimate! - expected)).toBeLessThan(1e-10);
    }
    // The MAR row is the plain pooled analysis; δ = 0 rows coincide with it.
    expect(tp.rows.find((r) => r.delta.control === 0 && r.delta.SFT === 0)!.estimate).toBe(tp.mar.estimate);
  });

  it('cumulative δ at 15 months: δ times the visits since dropout', async () => {
    const tp = tippingPoint(mi, ancova('15m'), { deltas: { SFT: [-4] }, cumulative: true });
    const g = shiftEffect('15m', (id, arm) => (arm === 'SFT' ? since.get(id)![1]! : 0));
    expect(Math.abs(tp.rows[0]!.estimate! - (tp.mar.estimate! - 4 * g))).toBeLessThan(1e-10);
    // Imputation with the same delta gives the same completed data.
    const direct = await multipleImputation(rows, { ...opts, delta: { SFT: -4 }, deltaCumulative: true });
    const est = direct.completed.map((d) => ancova('15m')(d).estimate);
    expect(Math.abs(est.reduce((a, v) => a + v, 0) / est.length - tp.rows[0]!.estimate!)).toBeLessThan(1e-10);
  });

  it('finds where significance is lost and the sign changes, between the bracketing grid points', async () => {
    const deltas = [-30, -25, -20, -15, -10, -5, 0, 5];
    const tp = tippingPoint(mi, ancova('9m'), { deltas: { SFT: deltas } });
    expect(tp.mar.pValue!).toBeLessThan(0.05);
    const s = tp.tippingPoints[0]!;
    expect(s.arm).toBe('SFT');
    const row = (d: number) => tp.rows.find((r) => r.delta.SFT === d)!;
    const lo = Math.floor(s.lossOfSignificance! / 5) * 5;
    expect(row(lo).pValue!).toBeGreaterThanOrEqual(0.05);
    expect(row(lo + 5).pValue!).toBeLessThan(0.05);
    const z = Math.floor(s.signChange! / 5) * 5;
    expect(Math.sign(row(z).estimate!)).not.toBe(Math.sign(row(z + 5).estimate!));
    // The estimate is linear in δ, so the interpolated sign change is exact: −θ̂/γ.
    const gT = shiftEffect('9m', (id, arm) => (arm === 'SFT' && since.get(id)![0]! > 0 ? 1 : 0));
    expect(s.signChange!).toBeCloseTo(-tp.mar.estimate! / gT, 8);
    const fig = tippingPointFigure(tp, { effect: '9-month PSP effect' });
    expect(fig.spec).toBeDefined();
    expect(fig.reading).toContain('SFT');
  });

  it('a model analysis (one frame, refits) gives the function analysis’ grid exactly, cumulative or not, at either visit', async () => {
    const grid = { control: [-3, 0], SFT: [-6, 0, 2.5] };
    for (const cumulative of [false, true]) {
      for (const visit of ['9m', '15m']) {
        const viaFunction = tippingPoint(mi, ancova(visit), { deltas: grid, cumulative });
        const viaModel = tippingPoint(mi, { formula: 'score ~ arm + baseline', model: 'ols', where: { visit }, term: 'armSFT' }, { deltas: grid, cumulative });
        expect(viaModel).toEqual(viaFunction);
      }
    }
    expect(() => tippingPoint(mi, { formula: 'score ~ arm + baseline', model: 'ols', term: 'armSFX' }, { deltas: grid })).toThrow(/analyze\.term/);
    expect(() => tippingPoint(mi, { formula: 'score ~ arm', model: 'ols', term: 'armSFT', wher: {} } as never, { deltas: grid })).toThrow(/where/);
  });

  it('refuses a non-finite δ grid, unknown arms, three arms and non-MAR imputations', async () => {
    const a = ancova('9m');
    expect(() => tippingPoint(mi, a, { deltas: { SFT: [0, Number.NaN] } })).toThrow(ArgumentError);
    expect(() => tippingPoint(mi, a, { deltas: { SFT: [Infinity] } })).toThrow(/options\.deltas\.SFT\[0\]/);
    expect(() => tippingPoint(mi, a, { deltas: { sft: [1] } })).toThrow(/an arm of the data/);
    expect(() => tippingPoint(mi, a, { deltas: {} })).toThrow(/one or two arms/);
    expect(() => tippingPoint(mi, a, { deltas: { SFT: [1] }, alpah: 0.1 } as never)).toThrow(/alpha/);
    const j2r = await multipleImputation(rows, { ...opts, m: 2, strategy: 'J2R' });
    expect(() => tippingPoint(j2r, a, { deltas: { SFT: [1] } })).toThrow(/MAR imputations/);
    await expect(multipleImputation(rows, { ...opts, delta: { SFT: Number.NaN } })).rejects.toThrow(/options\.delta\.SFT/);
    await expect(multipleImputation(rows, { ...opts, delta: { SFT: [1] } })).rejects.toThrow(/2 numbers/);
  });
});

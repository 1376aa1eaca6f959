/** clinicalSignificance on TrialData: the registry's role, missing data, and the synthetic SFT truth. */
import { describe, expect, it } from 'vitest';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import { compareClinicalSignificance } from '../../src/clinical-significance/compare.js';
import { trialToRows } from '../../src/data/index.js';
import { argErr as thrown } from './fixture.js';
import { normalCdf } from '../../src/distributions/index.js';
import { getInstrument } from '../../src/instruments/index.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';

const { data: trial } = simulateTrialData({ seed: 3 });
const pspNorms = {
  clinical: { mean: 45, sd: 11, population: 'illustrative clinical sample', source: 'test' },
  functional: { mean: 72, sd: 10, population: 'illustrative functional sample', source: 'test' },
};


describe('clinicalSignificance(trial, options)', () => {
  it('the brief’s call on PSP asks for norms, since the registry has none, and names them', () => {
    const e = thrown(() => clinicalSignificance(trial, { instrument: 'PSP', visits: ['9m', '15m'], method: 'jacobson-truax', cutoff: 'c' }));
    expect(e.argument).toBe('options.norms.clinical');
    expect(e.message).toMatch(/cut-off c/);
  });

  it('with supplied norms: the output names the method, reliability and source, threshold, cut-off and norms used', () => {
    const res = clinicalSignificance(trial, { instrument: 'PSP', visits: ['9m', '15m'], method: 'jacobson-truax', cutoff: 'c', norms: pspNorms });
    const psp = getInstrument('PSP');
    expect(res.method).toMatch(/Jacobson–Truax/);
    expect(res.reliability.value).toBe(psp.reliability!.value);
    expect(res.reliability.source).toBe(psp.reliability!.source.citation);
    expect(res.criticalValue).toBe(1.96);
    expect(res.direction).toBe('higher-better');
    expect(res.cutoff!.type).toBe('c');
    expect(res.cutoff!.value).toBeCloseTo((10 * 45 + 11 * 72) / 21, 12);
    expect(res.cutoff!.clinical!.origin).toBe('user');
    expect(res.cutoff!.formula).toMatch(/^c = /);
    expect(res.visits).toEqual(['9m', '15m']);
    expect(res.arms).toEqual(trial.design.arms);
    const p = res.parameters[0]!;
    expect(p.minimumChange).toBeCloseTo(1.96 * Math.SQRT2 * p.baselineSd * Math.sqrt(1 - psp.reliability!.value), 12);
  });

  it('equals the array entry point fed with the same scores (trialToRows)', () => {
    const opts = { method: 'edwards-nunnally' as const, cutoff: 'c' as const, norms: pspNorms };
    const viaTrial = clinicalSignificance(trial, { instrument: 'PSP', ...opts });
    const rows = trialToRows(trial, { instrument: 'PSP', visits: ['9m', '15m'], complete: true });
    const ids = trial.participants.map((p) => p.id);
    const pick = (visit: string) => ids.map((id) => rows.find((r) => r.id === id && r.visit === visit)!.score);
    const viaArrays = clinicalSignificance(
      {
        baseline: ids.map((id) => rows.find((r) => r.id === id)!.baseline),
        followUp: { '9m': pick('9m'), '15m': pick('15m') },
        arm: trial.participants.map((p) => p.arm),
        id: ids,
      },
      { instrument: 'PSP', arms: trial.design.arms, ...opts },
    );
    expect(viaArrays.rows).toEqual(viaTrial.rows);
    expect(viaArrays.parameters).toEqual(viaTrial.parameters);
  });

  it('every randomised participant appears at every visit; those without a follow-up are missing, not unchanged, and the counts add up', () => {
    const res = clinicalSignificance(trial, { instrument: 'PSP', cutoff: 'none' });
    expect(res.n).toBe(trial.participants.length);
    const scored = new Map<string, number>();
    for (const m of trial.measurements) if (m.instrument === 'PSP' && m.score !== null) scored.set(`${m.id}|${m.visit}`, m.score);
    for (const r of res.rows) {
      const hasX = scored.has(`${r.id}|baseline`);
      const hasY = scored.has(`${r.id}|${r.visit}`);
      const expected = hasX && hasY ? 'classified' : hasX ? 'missing-follow-up' : hasY ? 'missing-baseline' : 'missing-both';
      expect(r.status).toBe(expected);
      if (r.status !== 'classified') expect(r.category).toBeNull();
    }
    for (const c of res.counts) {
      expect(c.classified + c.missingFollowUp + c.missingBaseline + c.missingBoth + c.notClassifiable).toBe(c.nParticipants);
      expect(c.improved + c.unchanged + c.deteriorated).toBe(c.classified);
    }
    // The generator's no-data participants never gave a score.
    const noData = res.counts.filter((c) => c.visit === '9m').reduce((s, c) => s + c.missingBoth, 0);
    expect(noData).toBeGreaterThanOrEqual(11);
    const diag = res.diagnostics.find((d) => d.code === 'missing')!;
    expect(diag.message).toMatch(/not as unchanged/);
    const cmp = compareClinicalSignificance(res);
    const missing = cmp.missing.find((m) => m.arm === 'control' && m.visit === '15m')!;
    const counts = res.counts.find((c) => c.arm === 'control' && c.visit === '15m')!;
    expect(missing.missingFollowUp).toBe(counts.missingFollowUp);
    expect(cmp.proportions.find((p) => p.arm === 'control' && p.visit === '15m' && p.category === 'unchanged')!.n).toBe(counts.classified);
  });

  it('registry gaps: no reliability (EQ-5D index) and a norm without SD (EQ VAS) are asked for by name; registry norms are used and labelled', () => {
    expect(thrown(() => clinicalSignificance(trial, { instrument: 'EQ5D_INDEX', cutoff: 'b' })).argument).toBe('options.reliability');
    const b = clinicalSignificance(trial, { instrument: 'EQ5D_INDEX', reliability: 0.7, cutoff: 'b' });
    expect(b.cutoff!.functional!.origin).toBe('registry');
    expect(b.cutoff!.value).toBeCloseTo(0.9 - 2 * 0.16, 12);
    expect(b.reliability.source).toBe('supplied by the user');
    expect(thrown(() => clinicalSignificance(trial, { instrument: 'EQ5D_VAS', reliability: 0.7, cutoff: 'a' })).argument).toBe('options.norms.clinical.sd');
    expect(thrown(() => clinicalSignificance(trial, { instrument: 'EQ5D_INDEX', reliability: 0.7, cutoff: 'c' })).argument).toBe('options.norms.clinical');
  });

  it("clinical norms from the baseline sample (Jacobson & Truax's fallback), a custom cut-off (WHO-5 ≤ 50), and MHRM's internal-consistency warning", () => {
    const res = clinicalSignificance(trial, { instrument: 'PSP', cutoff: 'a', norms: { clinical: 'baseline-sample' } });
    const baselines = trial.measurements.filter((m) => m.instrument === 'PSP' && m.visit === 'baseline' && m.score !== null).map((m) => m.score!);
    const mean = baselines.reduce((s, v) => s + v, 0) / baselines.length;
    const sd = Math.sqrt(baselines.reduce((s, v) => s + (v - mean) ** 2, 0) / (baselines.length - 1));
    expect(res.cutoff!.clinical!.origin).toBe('baseline-sample');
    expect(res.cutoff!.value).toBeCloseTo(mean + 2 * sd, 10);
    const who = clinicalSignificance(trial, { instrument: 'WHO5', cutoff: { value: 50, label: 'WHO-5 ≤ 50 poor wellbeing' } });
    expect(who.cutoff).toMatchObject({ type: 'custom', value: 50, label: 'WHO-5 ≤ 50 poor wellbeing' });
    for (const r of who.rows) if (r.baseline !== null) expect(r.dysfunctionalAtBaseline).toBe(r.baseline <= 50);
    const mhrm = clinicalSignificance(trial, { instrument: 'MHRM', cutoff: 'none' });
    expect(mhrm.diagnostics.map((d) => d.code)).toContain('reliability-internal-consistency');
  });

  it('visits, baseline visit, arms and instrument are checked against the design', () => {
    expect(thrown(() => clinicalSignificance(trial, { instrument: 'PSP', cutoff: 'none', visits: ['12m'] })).argument).toBe('options.visits');
    expect(thrown(() => clinicalSignificance(trial, { instrument: 'PSP', cutoff: 'none', visits: ['baseline'] })).argument).toBe('options.visits');
    expect(thrown(() => clinicalSignificance(trial, { instrument: 'PSP', cutoff: 'none', arms: ['control', 'waitlist'] })).argument).toBe('options.arms');
    expect(thrown(() => clinicalSignificance(trial, { instrument: 'HONOS', cutoff: 'none' })).argument).toBe('instrument');
    const one = clinicalSignificance(trial, { instrument: 'PSP', cutoff: 'none', visits: ['15m'], arms: ['SFT'] });
    expect(one.visits).toEqual(['15m']);
    expect(new Set(one.rows.map((r) => r.arm))).toEqual(new Set(['SFT']));
  });
});

describe('on the synthetic SFT trial the SFT arm improves reliably more often, as the generator says', () => {
  it('20 seeds of the default trial: pooled, the SFT share reliably improved on PSP exceeds control at 9 months (RD interval above 0) and the gap narrows by 15 months (waning)', () => {
    const events: Record<string, { x: number; n: number }> = {};
    for (let seed = 1; seed <= 20; seed++) {
      const { data } = simulateTrialData({ seed });
      const res = clinicalSignificance(data, { instrument: 'PSP', cutoff: 'none' });
      for (const c of res.counts) {
        const k = `${c.arm}|${c.visit}`;
        events[k] ??= { x: 0, n: 0 };
        events[k].x += c.improved;
        events[k].n += c.classified;
      }
    }
    const rd = (visit: string) => {
      const s = events[`SFT|${visit}`]!;
      const c = events[`control|${visit}`]!;
      return { d: s.x / s.n - c.x / c.n, se: Math.sqrt((s.x / s.n) * (1 - s.x / s.n) / s.n + (c.x / c.n) * (1 - c.x / c.n) / c.n) };
    };
    const r9 = rd('9m');
    const r15 = rd('15m');
    expect(r9.d - 1.96 * r9.se).toBeGreaterThan(0);
    expect(r9.d).toBeGreaterThan(r15.d);
  });

  it('a large trial with MCAR dropout and a homogeneous effect: each arm’s share reliably improved and deteriorated matches the generator’s model within 4 binomial SEs', () => {
    const { data, truth } = simulateTrialData({
      seed: 8,
      nParticipants: 20000,
      groupSd: 0,
      modifiers: { F2: 0, age25to34: 0, recentDiagnosis: 0, attendancePer10Sessions: 0 },
      attrition: { baselineSlope: 0 },
    });
    const cs = clinicalSignificance(data, { instrument: 'PSP', cutoff: 'none' });
    const res = compareClinicalSignificance(cs);
    const o = truth.options;
    const sigma = o.instruments.PSP.sd;
    // change = σ·(e_t − e_0 + c_t + SFT·w_t·δ) rounded: SD √(2σ²(1 − ρ) + 2/12), integer-valued.
    const sdChange = Math.sqrt(2 * sigma * sigma * (1 - o.participantShare) + 1 / 6);
    for (const visit of ['9m', '15m']) {
      const spec = o.visits.find((v) => v.name === visit)!;
      const m = cs.parameters.find((p) => p.visit === visit)!.minimumChange!;
      const k = Math.floor(m) + 1; // the smallest integer change beyond the threshold
      for (const arm of ['control', 'SFT']) {
        const mu = sigma * (spec.controlChange + (arm === 'SFT' ? truth.effects.PSP![visit]!.sd : 0));
        const pImp = 1 - normalCdf((k - 0.5 - mu) / sdChange);
        const pDet = normalCdf((-k + 0.5 - mu) / sdChange);
        const c = cs.counts.find((x) => x.arm === arm && x.visit === visit)!;
        const se = (p: number) => Math.sqrt((p * (1 - p)) / c.classified);
        expect(Math.abs(c.improved / c.classified - pImp)).toBeLessThan(4 * se(pImp));
        expect(Math.abs(c.deteriorated / c.classified - pDet)).toBeLessThan(4 * se(pDet));
      }
    }
    const b9 = res.binary.find((b) => b.visit === '9m')!;
    expect(b9.riskDifference.ci[0]).toBeGreaterThan(0);
    expect(b9.nnt.kind).toBe('benefit');
    expect(b9.nnt.ciIncludesInfinity).toBe(false);
    expect(res.ordinal.find((x) => x.visit === '9m')!.proportionalOdds.ci[0]).toBeGreaterThan(1);
  });
});

/**
 * clinicalSignificance with its defaults on the bundled instruments: a new user's first call
 * works, and the result says which cut-off 'auto' chose (registered published cut-offs for
 * WHO-5 and PSP, Jacobson–Truax b from the EQ-5D index's population norm, none for MHRM).
 */
import { describe, expect, it } from 'vitest';
import { clinicalSignificance } from '../../src/clinical-significance/clinical-significance.js';
import { getInstrument } from '../../src/instruments/index.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';

const { data: trial } = simulateTrialData({ seed: 3 });

describe('clinicalSignificance(trial, { instrument }) with every other option at its default', () => {
  it('PSP: the published cut-off ≤ 70 of Morosini et al. (2000)', () => {
    const r = clinicalSignificance(trial, { instrument: 'PSP' });
    expect(r.cutoff).toMatchObject({ type: 'published', value: 70, label: 'manifest disability (31–70) or worse' });
    expect(r.cutoff!.formula).toMatch(/Morosini/);
    expect(r.diagnostics.find((d) => d.code === 'cutoff-auto')!.message).toMatch(/published cut-off of PSP.*≤ 70/);
    // A score at or below 70 is dysfunctional: recovered means from ≤ 70 at baseline to > 70.
    for (const row of r.rows.filter((x) => x.category === 'recovered')) {
      expect(row.baseline).toBeLessThanOrEqual(70);
      expect(row.followUp).toBeGreaterThan(70);
    }
  });

  it('WHO-5: the published ≤ 50 (percentage score; raw ≤ 12) poor-wellbeing cut-off (Topp et al. 2015)', () => {
    expect(getInstrument('WHO5').range).toEqual({ min: 0, max: 100 });
    const r = clinicalSignificance(trial, { instrument: 'WHO5' });
    expect(r.cutoff).toMatchObject({ type: 'published', value: 50, label: 'poor wellbeing' });
    expect(getInstrument('WHO5').cutoffs.map((c) => c.value)).toEqual([50, 28]);
  });

  it('MHRM: no norms and no published cut-off, so reliable change only, said in a diagnostic', () => {
    const r = clinicalSignificance(trial, { instrument: 'MHRM' });
    expect(r.cutoff).toBeNull();
    expect(r.counts.every((c) => c.recovered === 0 && c.harmed === 0)).toBe(true);
    expect(r.diagnostics.find((d) => d.code === 'cutoff-auto')!.message).toMatch(/no cut-off: MHRM has no population norms/);
  });

  it('EQ-5D index: cut-off b from the Danish population norm (its reliability must still be supplied)', () => {
    const eq = getInstrument('EQ5D_INDEX');
    const r = clinicalSignificance(
      { baseline: [0.55, 0.62, 0.7, 0.48, 0.81, 0.66], followUp: [0.72, 0.6, 0.93, 0.5, 0.95, 0.7], arm: ['c', 't', 'c', 't', 'c', 't'] },
      { instrument: 'EQ5D_INDEX', reliability: 0.8 },
    );
    expect(r.cutoff!.type).toBe('b');
    expect(r.cutoff!.value).toBeCloseTo(eq.norms.functional!.mean - 2 * eq.norms.functional!.sd!, 12);
  });

  it('an explicit cut-off is used as given, without the auto diagnostic', () => {
    const r = clinicalSignificance(trial, { instrument: 'PSP', cutoff: { value: 60, label: 'study threshold' } });
    expect(r.cutoff!.type).toBe('custom');
    expect(r.diagnostics.some((d) => d.code === 'cutoff-auto')).toBe(false);
  });
});

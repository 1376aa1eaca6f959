/**
 * multipleImputation: reproducibility (same seed → bit-identical; imputation l does not depend on
 * m), invariance to the outcome's origin and unit, the completed datasets' shape, therapy groups,
 * and bad input (typed errors naming row, field, received and expected).
 */
import { describe, expect, it } from 'vitest';
import { multipleImputation, type MultipleImputationOptions } from '../../src/missing-data/impute.js';
import { ArgumentError } from '../../src/errors/index.js';
import { NotEstimableError } from '../../src/results/not-estimable.js';
import { smallTrial } from './small-trial.js';

const visits = ['baseline', '9m', '15m'];
const rows = smallTrial(8, 96, visits, { groups: true, missing: 0.25 });
const opts: MultipleImputationOptions = { id: 'id', visit: 'visit', outcome: 'score', arm: 'arm', control: 'control', visits, cluster: 'group', m: 3, burnIn: 15, seed: 42 };
const imputedValues = (mi: Awaited<ReturnType<typeof multipleImputation>>) => mi.completed.map((d) => d.filter((r) => r.imputed).map((r) => r.score as number));

describe('multipleImputation', () => {
  it('returns m completed datasets with every participant at every visit, observed scores unchanged', async () => {
    const mi = await multipleImputation(rows, opts);
    expect(mi.completed).toHaveLength(3);
    const nId = new Set(rows.map((r) => r.id)).size;
    for (const d of mi.completed) {
      expect(d).toHaveLength(nId * 3);
      for (const r of d) {
        expect(Number.isFinite(r.score)).toBe(true);
        const src = rows.find((q) => q.id === r.id && q.visit === r.visit);
        if (!r.imputed) expect(r.score).toBe(src!.score);
        else expect(src?.score ?? null).toBeNull();
        expect(r.group === null).toBe(r.arm === 'control');
      }
    }
    const missing = rows.filter((r) => r.score === null).length;
    expect(mi.missing.reduce((a, m) => a + m.missing, 0)).toBe(missing);
    expect(mi.settings.groups).toBe(12);
    expect(mi.method).toContain('therapy-group effects');
  });

  it('is bit-identical for the same seed, and imputation l does not depend on m', async () => {
    const a = imputedValues(await multipleImputation(rows, opts));
    const b = imputedValues(await multipleImputation(rows, opts));
    expect(b).toEqual(a);
    const c = imputedValues(await multipleImputation(rows, { ...opts, m: 5 }));
    expect(c.slice(0, 3)).toEqual(a);
    const d = imputedValues(await multipleImputation(rows, { ...opts, seed: 43 }));
    expect(d[0]).not.toEqual(a[0]);
  });

  it('does not depend on the outcome’s origin or unit: imputations move with the data', async () => {
    const shifted = rows.map((r) => ({ ...r, score: r.score === null ? null : 1000 + 7 * (r.score as number) }));
    const a = imputedValues(await multipleImputation(rows, opts));
    const b = imputedValues(await multipleImputation(shifted, opts));
    a.forEach((set, l) => set.forEach((v, j) => expect(Math.abs(b[l]![j]! - (1000 + 7 * v))).toBeLessThan(1e-8 * 1000)));
  });

  it('rejects m < 2, duplicated visits, unknown visits, a missing baseline and a control in a group', async () => {
    await expect(multipleImputation(rows, { ...opts, m: 1 })).rejects.toThrow(/options\.m.*at least 2 imputations/s);
    const dup = [...rows, { ...rows[4]! }];
    await expect(multipleImputation(dup, opts)).rejects.toThrow(/data\[288\]\.visit.*one row per participant and visit.*data\[4\]/s);
    const odd = rows.map((r, i) => (i === 5 ? { ...r, visit: '12m' } : r));
    await expect(multipleImputation(odd, opts)).rejects.toThrow(/data\[5\]\.visit.*"12m"/s);
    const noBase = rows.map((r, i) => (i === 0 ? { ...r, score: null } : r));
    await expect(multipleImputation(noBase, opts)).rejects.toThrow(/data\[0\]\.score.*baseline/s);
    const ctl = rows.map((r, i) => (i === 0 ? { ...r, group: 'g1' } : r));
    await expect(multipleImputation(ctl, opts)).rejects.toThrow(ArgumentError);
    await expect(multipleImputation(rows, { ...opts, strategy: 'J2X' as never })).rejects.toThrow(/J2R/);
    await expect(multipleImputation(rows, { ...opts, burnin: 3 } as never)).rejects.toThrow(/burnIn/);
    await expect(multipleImputation(rows, { ...opts, visits: ['baseline'] })).rejects.toThrow(/options\.visits/);
  });

  it('all follow-ups missing in one arm at a visit: not estimable, with the reason', async () => {
    const gone = rows.map((r) => (r.arm === 'SFT' && r.visit === '15m' ? { ...r, score: null } : r));
    await expect(multipleImputation(gone, opts)).rejects.toThrow(NotEstimableError);
    await expect(multipleImputation(gone, opts)).rejects.toThrow(/arm "SFT" has no observed "score" value at visit "15m"/);
  });
});

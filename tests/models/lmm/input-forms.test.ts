/**
 * The partially nested model from every input form and in both spellings gives one fit: typed
 * columns and row objects (the same values; the frame codes integer ids by value and partial
 * nesting's cluster column ready coded), options.partialNesting and lme4's spelling with each
 * control participant a group level of its own (those levels take no part in an evaluation).
 */
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../../src/models/lmm/fit.js';
import { simulateLongColumns } from '../../../src/simulate/columns.js';
import { SAME_MODEL_ESTIMATE, SAME_MODEL_OBJECTIVE } from '../../tolerances.js';

const sim = simulateLongColumns({ nParticipants: 400, seed: 15 });
const n = sim.nRows;
const levels = { arm: ['0', '1'], visit: sim.levels.visit.map((_, i) => String(i)) };
const groupLme4 = Int32Array.from(sim.group, (g, i) => (g >= 0 ? g : sim.nGroups + sim.id[i]!));
const trt = Float64Array.from(sim.arm);
const typed = { score: sim.score, arm: sim.arm, visit: sim.visit, id: sim.id, group: sim.group, group2: groupLme4, trt };
const rows = Array.from({ length: n }, (_, i) => ({
  score: sim.score[i]!,
  arm: sim.arm[i]!,
  visit: sim.visit[i]!,
  id: sim.id[i]!,
  group: sim.group[i]! >= 0 ? sim.group[i]! : null,
  group2: groupLme4[i]!,
  trt: trt[i]!,
}));
const option = { factors: ['arm', 'visit'], levels, partialNesting: { cluster: 'group', arm: 'arm', treated: '1' } };
const lme4 = { factors: ['arm', 'visit'], levels };

describe('fitLmm: one partially nested fit from columns and rows, in both spellings', () => {
  const ref = fitLmm('score ~ arm * visit + (1 | id)', typed, option);
  const fits = {
    'option, rows': fitLmm('score ~ arm * visit + (1 | id)', rows, option),
    "lme4's spelling, columns": fitLmm('score ~ arm * visit + (1 | id) + (0 + trt | group2)', typed, lme4),
    "lme4's spelling, rows": fitLmm('score ~ arm * visit + (1 | id) + (0 + trt | group2)', rows, lme4),
  };
  it('the option from rows is the fit from columns to the bit', () => {
    const f = fits['option, rows'];
    expect(f.remlCriterion).toBe(ref.remlCriterion);
    expect(f.fixedEffects).toEqual(ref.fixedEffects);
    expect(f.randomEffects).toEqual(ref.randomEffects);
    expect(f.nGroups).toEqual(ref.nGroups);
  });
  for (const [name, f] of Object.entries(fits)) {
    it(`${name}: the same criterion, estimates, SEs and df`, () => {
      expect(Math.abs(f.remlCriterion! - ref.remlCriterion!) / Math.abs(ref.remlCriterion!)).toBeLessThan(SAME_MODEL_OBJECTIVE);
      f.fixedEffects.forEach((r, j) => {
        const e = ref.fixedEffects[j]!;
        expect(r.term).toBe(e.term);
        for (const k of ['estimate', 'se', 'df'] as const) expect(Math.abs(r[k]! - e[k]!)).toBeLessThan(SAME_MODEL_ESTIMATE * Math.max(1, Math.abs(e[k]!)));
      });
      expect(f.sigma).toBeCloseTo(ref.sigma, 8);
    });
  }
  it("lme4's spelling: a mode of 0 for every control's own group, the treated groups' modes as the option's", () => {
    const f = fits["lme4's spelling, columns"];
    const tab = f.randomEffects.find((t) => t.group === 'group2')!;
    const refTab = ref.randomEffects.find((t) => t.group === 'group')!;
    tab.levels.forEach((l, i) => {
      const g = Number(l);
      if (g >= sim.nGroups) {
        expect(tab.values[i]).toEqual([0]);
      } else {
        const j = refTab.levels.indexOf(l);
        expect(Math.abs(tab.values[i]![0]! - refTab.values[j]![0]!)).toBeLessThan(1e-7);
      }
    });
  });
});

describe('fitLmm: integer typed columns of any range, with or without incomplete rows, give the row objects\' fit', () => {
  // The typed path looks the arm and cluster values up in tables over their ranges, and falls
  // back to a lookup per value beyond 65,536 arm values or 5e7 cluster ids; with every row
  // complete the frame reads the columns directly, otherwise through the complete rows.
  const bigGroup = Int32Array.from(sim.group, (g) => (g >= 0 ? 1_000_000_000 + g : -1));
  const wideArm = Int32Array.from(sim.arm, (a) => a * 70_000);
  const holed = Float64Array.from(sim.score, (s, i) => (i % 13 === 5 ? NaN : s));
  // Unsigned 32-bit values beyond 2³¹ (a signed integer conversion would wrap them).
  const u32Group = Uint32Array.from(sim.group, (g) => 3_000_000_000 + Math.max(g, 0));
  const u32Arm = Uint32Array.from(sim.arm, (a) => 3_000_000_000 + a);
  const cases = [
    ['cluster ids spanning 1e9', { ...typed, group: bigGroup }, (r: (typeof rows)[number], i: number) => ({ ...r, group: sim.group[i]! >= 0 ? bigGroup[i]! : null }), '1', levels.arm],
    ['arm values 0 and 70,000', { ...typed, arm: wideArm }, (r: (typeof rows)[number], i: number) => ({ ...r, arm: wideArm[i]! }), '70000', ['0', '70000']],
    ['Uint32 cluster ids from 3e9', { ...typed, group: u32Group }, (r: (typeof rows)[number], i: number) => ({ ...r, group: sim.group[i]! >= 0 ? u32Group[i]! : null }), '1', levels.arm],
    ['Uint32 arm values 3e9 and 3e9 + 1', { ...typed, arm: u32Arm }, (r: (typeof rows)[number], i: number) => ({ ...r, arm: u32Arm[i]! }), '3000000001', ['3000000000', '3000000001']],
    ['every 13th score missing', { ...typed, score: holed }, (r: (typeof rows)[number], i: number) => ({ ...r, score: Number.isNaN(holed[i]!) ? null : holed[i]! }), '1', levels.arm],
  ] as const;
  const ref = fitLmm('score ~ arm * visit + (1 | id)', typed, option);
  for (const [name, columns, toRow, treated, armLevels] of cases) {
    it(name, () => {
      const opts = { factors: ['arm', 'visit'], levels: { ...levels, arm: [...armLevels] }, partialNesting: { cluster: 'group', arm: 'arm', treated } };
      const a = fitLmm('score ~ arm * visit + (1 | id)', columns, opts);
      const b = fitLmm('score ~ arm * visit + (1 | id)', rows.map(toRow), opts);
      expect(a.nObs).toBe(name === 'every 13th score missing' ? n - Math.ceil((n - 5) / 13) : n);
      expect(a.remlCriterion).toBe(b.remlCriterion);
      expect(a.fixedEffects).toEqual(b.fixedEffects);
      expect(a.randomEffects).toEqual(b.randomEffects);
      expect(a.fitted).toEqual(b.fitted);
      expect(a.nGroups['group']).toBe(ref.nGroups['group']);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { simulateLongColumns, type LongColumns } from '../../src/simulate/columns.js';
import { argumentError } from '../thrown.js';

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameColumns = (a: LongColumns, b: LongColumns): boolean =>
  (['id', 'arm', 'visit', 'group', 'site', 'score'] as const).every((k) => bytes(a[k]).equals(bytes(b[k])));

describe('simulateLongColumns', () => {
  it('is bit-identical for the same seed and differs for another', () => {
    const a = simulateLongColumns({ nParticipants: 5000, seed: 9 });
    const b = simulateLongColumns({ nParticipants: 5000, seed: 9 });
    const c = simulateLongColumns({ nParticipants: 5000, seed: 10 });
    expect(sameColumns(a, b)).toBe(true);
    expect(sameColumns(a, c)).toBe(false);
  });

  it('lays out rows by participant then visit, groups only in the treated arm, sizes 7–9', () => {
    const c = simulateLongColumns({ nParticipants: 3000, seed: 4 });
    expect(c.score.length).toBe(c.nRows);
    for (const col of [c.id, c.arm, c.visit, c.group, c.site]) expect(col.length).toBe(c.nRows);
    const members = new Map<number, Set<number>>();
    let prev = -1;
    let prevVisit = -1;
    for (let r = 0; r < c.nRows; r++) {
      const id = c.id[r]!;
      const v = c.visit[r]!;
      if (id === prev) expect(v).toBeGreaterThan(prevVisit);
      else {
        expect(id).toBeGreaterThan(prev);
        // Everyone gives a baseline score.
        expect(v).toBe(0);
      }
      prev = id;
      prevVisit = v;
      const g = c.group[r]!;
      expect(g === -1).toBe(c.arm[r] === 0);
      if (g >= 0) members.set(g, (members.get(g) ?? new Set()).add(id));
      const s = c.score[r]!;
      expect(Number.isInteger(s) && s >= 1 && s <= 100).toBe(true);
      expect(c.site[r]!).toBeGreaterThanOrEqual(0);
      expect(c.site[r]!).toBeLessThan(c.nSites);
    }
    expect(members.size).toBe(c.nGroups);
    expect(c.nGroups).toBe(Math.round(3000 / 2 / 8));
    for (const m of members.values()) expect(m.size >= 7 && m.size <= 9).toBe(true);
    expect(c.levels).toEqual({ arm: ['control', 'SFT'], visit: ['baseline', '9m', '15m'], instrument: 'PSP' });
  });

  it('recovers the true 9-month effect, waning, and the retention in a large draw', () => {
    const c = simulateLongColumns({ nParticipants: 200_000, seed: 21 });
    const sum = new Float64Array(6);
    const sq = new Float64Array(6);
    const n = new Float64Array(6);
    for (let r = 0; r < c.nRows; r++) {
      const k = c.visit[r]! * 2 + c.arm[r]!;
      const s = c.score[r]!;
      sum[k] = sum[k]! + s;
      sq[k] = sq[k]! + s * s;
      n[k] = n[k]! + 1;
    }
    const mean = (k: number): number => sum[k]! / n[k]!;
    const se = (k: number): number => Math.sqrt((sq[k]! / n[k]! - mean(k) ** 2) / n[k]!);
    for (const [v, name] of [[1, '9m'], [2, '15m']] as const) {
      const d = mean(2 * v + 1) - mean(2 * v);
      const s = Math.hypot(se(2 * v + 1), se(2 * v));
      expect(s).toBeLessThan(c.truth.effectRaw['9m']! / 10);
      expect(Math.abs(d - c.truth.effectRaw[name]!)).toBeLessThan(4 * s);
    }
    // Retention × (1 − 1 % instrument gaps) of all participants, binomial tolerance 3.5 SD.
    const at9 = n[2]! + n[3]!;
    const p9 = (234 / 293) * 0.99;
    expect(Math.abs(at9 - p9 * 200_000)).toBeLessThan(3.5 * Math.sqrt(200_000 * p9 * (1 - p9)));
  });

  // Its speed is measured in bench/data.bench.ts.
  it('makes 3,000,000 rows', () => {
    const c = simulateLongColumns({ nParticipants: 1_230_000, seed: 1 });
    expect(c.nRows).toBeGreaterThanOrEqual(3_000_000);
    let nan = 0;
    for (let r = 0; r < c.nRows; r++) if (Number.isNaN(c.score[r]!)) nan++;
    expect(nan).toBe(0);
  });

  it('rejects bad options, naming them', () => {
    const cases: [unknown, string][] = [
      [{ nParticipants: 1 }, 'options.nParticipants'],
      [{ instrument: 'HAMD' }, 'options.instrument'],
      [{ spec: { sd: 0 } }, 'options.spec.sd'],
      [{ groupSize: { min: 5, max: 4 } }, 'options.groupSize.max'],
      [{ nParticipants: 100, nGroups: 12 }, 'options.nGroups'],
      [{ visits: [] }, 'options.visits'],
      [{ seeds: 3 }, 'options.seeds'],
    ];
    for (const [options, argument] of cases) {
      argumentError(() => simulateLongColumns(options as never), argument);
    }
  });

  it('simulates other instruments on their own scale', () => {
    const c = simulateLongColumns({ nParticipants: 2000, seed: 2, instrument: 'EQ5D_INDEX' });
    for (let r = 0; r < c.nRows; r++) {
      const s = c.score[r]!;
      expect(s >= -0.758 && s <= 1).toBe(true);
      expect(Math.abs(s * 1000 - Math.round(s * 1000))).toBeLessThan(1e-9);
    }
  });
});

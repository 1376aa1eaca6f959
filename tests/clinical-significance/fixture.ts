/** The R fixture of tests/fixtures/r/clinical-significance, typed, and a relative-error helper. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError } from '../../src/errors/index.js';
import type {
  ChangeCategory,
  ChangeStatus,
  CutoffType,
  RciMethod,
  BaselineSdSource,
  RciParameterRow,
} from '../../src/clinical-significance/types.js';

/** The R script writes the same fields as the library's parameter rows. */
export type RParameterRow = RciParameterRow;

export interface RConfig {
  method: RciMethod;
  baselineSd: BaselineSdSource;
  cutoff: CutoffType | 'none';
  direction: 'higher-better' | 'lower-better';
  cutoffValue: number | null;
  parameters: RParameterRow[];
  rows: Record<string, { rci: (number | null)[]; category: (ChangeCategory | null)[]; status: ChangeStatus[] }>;
}

export interface R2x2 {
  x1: number;
  n1: number;
  x2: number;
  n2: number;
  ciLevel: number;
  rd: number;
  rdCi: [number, number];
  rr: number;
  rrCi: [number, number];
  or: number;
  orCi: [number, number];
  nntInverseLimits: [number, number];
  smallestExpected: number;
  chisqStatistic: number | null;
  chisqP: number | null;
  propTestP: number | null;
  fisherP: number;
  visit?: string;
  outcome?: 'reliable-improvement' | 'recovered';
}

export interface ROrdinal {
  reference: number[];
  treatment: number[];
  ciLevel: number;
  clm: { beta: number; se: number; thresholds: number[]; logLik: number; lrt: number; lrtP: number; waldP: number; ci: [number, number] };
  wilcoxonP: number;
  wilcoxonW: number;
  brunnerMunzel: { estimate: number; se: number; df: number; statistic: number; pValue: number; ci: [number, number] };
  visit?: string;
}

export interface Fixture {
  meta: Record<string, unknown>;
  data: {
    id: string[];
    arm: string[];
    baseline: (number | null)[];
    followUp: Record<string, (number | null)[]>;
    reliability: number;
    norms: { clinical: { mean: number; sd: number }; functional: { mean: number; sd: number } };
  };
  configs: RConfig[];
  lowerBetter: RConfig[];
  comparisons: R2x2[];
  ordinal: ROrdinal[];
  extra2x2: R2x2[];
  extraOrdinal: ROrdinal[];
}

const path = fileURLToPath(new URL('../fixtures/r/clinical-significance/clinical-significance.json', import.meta.url));
export const fixture: Fixture = JSON.parse(readFileSync(path, 'utf8')) as Fixture;

/** |a − b| / max(|b|, floor): relative error with an absolute floor for values near 0. */
export function relErr(a: number, b: number, floor = 1e-300): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

/** Worst relative error of paired arrays. */
export function worst(a: readonly number[], b: readonly number[], floor = 1e-300): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let w = 0;
  a.forEach((v, i) => {
    w = Math.max(w, relErr(v, b[i]!, floor));
  });
  return w;
}

/** The ArgumentError `f` throws (any other error is rethrown; none fails the test). */
export function argErr(f: () => unknown): ArgumentError {
  try {
    f();
  } catch (e) {
    if (e instanceof ArgumentError) return e;
    throw e;
  }
  throw new Error('expected an ArgumentError');
}

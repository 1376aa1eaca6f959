/**
 * Turning participants into resampling units and statistics of unit sums into bootstrap
 * estimates (replicates, jackknife influence values, percentile and BCa intervals).
 */
import type { Diagnostic } from '../../errors/index.js';
import { bootstrapNotEstimable, fewClustersBootstrap, nonFiniteReplicates, ungroupedInClusteredArm } from '../../errors/diagnostics.js';
import { sd } from '../../statistics/sample.js';
import type { BootstrapEstimate, CiType } from '../types.js';
import { bcaInterval, percentileInterval } from './intervals.js';
import type { UnitStratum } from './kernel.js';

/** How a stratum (arm) is resampled. */
export type ResampleScheme = 'clusters' | 'individuals';

/** A participant's contribution: its stratum, cluster and k values to add to its unit's sums. */
export interface UnitRow {
  stratum: number;
  group: string | null;
  values: readonly number[];
}

/** Units ready for the kernel. */
export interface UnitData {
  strata: UnitStratum[];
  k: number;
  /** Unit labels per stratum (group id, or participant index for individuals), for reports. */
  labels: string[][];
  /** Sum over all units per stratum: S × k (the statistic's input on the original data). */
  full: Float64Array;
  diagnostics: Diagnostic[];
}

/**
 * Group rows into units: in a `clusters` stratum one unit per therapy group (rows without a
 * group become units of their own, with a diagnostic); in an `individuals` stratum one unit per row.
 */
export function buildUnits(rows: readonly UnitRow[], schemes: readonly ResampleScheme[], k: number, stratumNames: readonly string[]): UnitData {
  const S = schemes.length;
  const keys: Map<string, number>[] = schemes.map(() => new Map());
  const acc: number[][][] = schemes.map(() => []);
  const labels: string[][] = schemes.map(() => []);
  const ungrouped = new Array<number>(S).fill(0);
  rows.forEach((row, i) => {
    const s = row.stratum;
    let key: string;
    if (schemes[s] === 'clusters' && row.group !== null) key = `g:${row.group}`;
    else {
      if (schemes[s] === 'clusters') ungrouped[s]!++;
      key = `i:${i}`;
    }
    let u = keys[s]!.get(key);
    if (u === undefined) {
      u = acc[s]!.length;
      keys[s]!.set(key, u);
      acc[s]!.push(new Array<number>(k).fill(0));
      labels[s]!.push(key.slice(2));
    }
    const target = acc[s]![u]!;
    for (let c = 0; c < k; c++) target[c]! += row.values[c]!;
  });
  const full = new Float64Array(S * k);
  const strata: UnitStratum[] = acc.map((units, s) => {
    const flat = new Float64Array(units.length * k);
    units.forEach((u, j) => {
      for (let c = 0; c < k; c++) {
        flat[j * k + c] = u[c]!;
        full[s * k + c]! += u[c]!;
      }
    });
    return { units: flat, m: units.length };
  });
  const diagnostics: Diagnostic[] = [];
  ungrouped.forEach((n, s) => {
    if (n > 0) {
      diagnostics.push(ungroupedInClusteredArm(stratumNames[s]!, n));
    }
  });
  schemes.forEach((scheme, s) => {
    const m = strata[s]!.m;
    if (scheme === 'clusters' && m > 0 && m < 10) {
      diagnostics.push(fewClustersBootstrap(stratumNames[s]!, m));
    }
  });
  return { strata, k, labels, full, diagnostics };
}

/** A statistic of the per-stratum sums at `sums[offset … offset + S·k)`. */
export type SumStatistic = (sums: Float64Array, offset: number) => number;

/** Replicates of a statistic from the bootstrap sums (`R × S × k`). */
export function replicatesOf(stat: SumStatistic, sums: Float64Array, S: number, k: number): Float64Array {
  const R = sums.length / (S * k);
  const t = new Float64Array(R);
  for (let r = 0; r < R; r++) t[r] = stat(sums, r * S * k);
  return t;
}

/**
 * Jackknife influence values by leaving out one unit at a time within its stratum, in R's
 * `boot::empinf(type = "jack")` convention: Lᵢ = (m_s − 1)(t̂ − t̂₋ᵢ), m_s = units in the stratum.
 */
export function jackknifeInfluence(stat: SumStatistic, data: UnitData): Float64Array {
  const S = data.strata.length;
  const k = data.k;
  const t0 = stat(data.full, 0);
  let M = 0;
  for (const s of data.strata) M += s.m;
  const L = new Float64Array(M);
  const work = new Float64Array(S * k);
  let at = 0;
  data.strata.forEach((st, s) => {
    for (let j = 0; j < st.m; j++) {
      work.set(data.full);
      for (let c = 0; c < k; c++) work[s * k + c]! -= st.units[j * k + c]!;
      L[at++] = (st.m - 1) * (t0 - stat(work, 0));
    }
  });
  return L;
}

/** Sample standard deviation (n − 1) of the finite values, as R's `sd`. */
export function finiteSd(t: ArrayLike<number>): { sd: number; n: number } {
  const finite = Array.prototype.filter.call(t, Number.isFinite) as number[];
  return { sd: sd(finite), n: finite.length };
}

/** Summarise a statistic's replicates into a {@link BootstrapEstimate}. */
export function estimateFromReplicates(
  t: Float64Array,
  t0: number,
  L: ArrayLike<number>,
  ciLevel: number,
  ciType: CiType,
): BootstrapEstimate {
  const { sd, n } = finiteSd(t);
  const diagnostics: Diagnostic[] = [];
  if (n < t.length) {
    diagnostics.push(nonFiniteReplicates(t.length - n, t.length));
  }
  if (n === 0 || !Number.isFinite(t0)) {
    return {
      estimate: t0,
      se: Number.NaN,
      ci: [Number.NaN, Number.NaN],
      ciLevel,
      intervals: { percentile: [Number.NaN, Number.NaN], bca: [Number.NaN, Number.NaN] },
      bca: null,
      replicates: n,
      diagnostics: [...diagnostics, bootstrapNotEstimable()],
    };
  }
  const perc = percentileInterval(t, ciLevel);
  const bca = bcaInterval(t, t0, L, ciLevel);
  const bcaOk = bca.type === 'bca';
  for (const d of [...perc.diagnostics, ...bca.diagnostics]) {
    if (!diagnostics.some((x) => x.code === d.code)) diagnostics.push(d);
  }
  return {
    estimate: t0,
    se: sd,
    ci: ciType === 'bca' ? bca.ci : perc.ci,
    ciLevel,
    intervals: { percentile: perc.ci, bca: bca.ci },
    bca: bcaOk ? { z0: bca.z0!, acceleration: bca.acceleration! } : null,
    replicates: n,
    diagnostics,
  };
}

/** Statistic → replicates, jackknife and intervals in one call. */
export function bootstrapEstimate(
  stat: SumStatistic,
  data: UnitData,
  sums: Float64Array,
  ciLevel: number,
  ciType: CiType,
): { estimate: BootstrapEstimate; replicates: Float64Array } {
  const t = replicatesOf(stat, sums, data.strata.length, data.k);
  const t0 = stat(data.full, 0);
  const L = jackknifeInfluence(stat, data);
  return { estimate: estimateFromReplicates(t, t0, L, ciLevel, ciType), replicates: t };
}

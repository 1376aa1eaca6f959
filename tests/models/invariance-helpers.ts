/**
 * Shared checks for the property tests of origin and unit invariance: a model refitted after
 * y → s_y·y + c_y, or x → s_x·x + c_x for one covariate x, must give the same answer mapped
 * back by the known linear reparametrisation. With X' = X M (M = I except column x:
 * M[x][x] = s_x, M[intercept][x] = c_x), β' = M⁻¹(s_y β + c_y e₀), so mapped back
 * β = (M β' − c_y e₀)/s_y; slopes' SEs scale by s_y/s_x, df and p-values do not change.
 */
import { expect } from 'vitest';
import type { FixedEffectRow } from '../../src/models/lmm/types.js';

export interface Transform {
  label: string;
  /** Response: y' = scale·y + shift. */
  y?: { shift?: number; scale?: number };
  /** One covariate: x' = scale·x + shift. */
  x?: { name: string; shift?: number; scale?: number };
}

export const SHIFT = 1e9;
export const SCALES = [1e-6, 1e6];

/** The transforms every model is checked under (the covariate ones only when it has a covariate). */
export function transformsFor(covariate: string | null): Transform[] {
  const out: Transform[] = [{ label: `y + ${SHIFT}`, y: { shift: SHIFT } }];
  for (const s of SCALES) out.push({ label: `y × ${s}`, y: { scale: s } });
  if (covariate) {
    out.push({ label: `${covariate} + ${SHIFT}`, x: { name: covariate, shift: SHIFT } });
    for (const s of SCALES) out.push({ label: `${covariate} × ${s}`, x: { name: covariate, scale: s } });
  }
  return out;
}

/** Rows with the transform applied to the response `yName` and the covariate (nulls kept). */
export function applyTransform<R extends Record<string, unknown>>(rows: R[], yName: string, t: Transform): R[] {
  const f = (v: unknown, a?: { shift?: number; scale?: number }) =>
    typeof v === 'number' && a ? v * (a.scale ?? 1) + (a.shift ?? 0) : v;
  return rows.map((r) => ({ ...r, [yName]: f(r[yName], t.y), ...(t.x ? { [t.x.name]: f(r[t.x.name], t.x) } : {}) }));
}

/** Worst relative difference seen per quantity over all checks (reported by the test files). */
export const worstSeen: Record<string, number> = {};

/** |a − b| ≤ rel · max(|b|, floor), tracking the worst ratio seen. */
export function close(actual: number, expected: number, rel: number, floor: number, label: string): void {
  const scale = Math.max(Math.abs(expected), floor);
  const err = Math.abs(actual - expected) / scale;
  const kind = label.replace(/ .*/, '');
  worstSeen[kind] = Math.max(worstSeen[kind] ?? 0, err);
  if (!(err <= rel)) expect.fail(`${label}: ${actual} differs from ${expected} (relative ${err.toExponential(2)} > ${rel})`);
}

/**
 * Compare the fixed-effect rows of the original fit `a` and the refit `b` under `t`. The
 * intercept's estimate is compared mapped back (β₀ = β₀' + c_x β_x'); under a covariate shift its
 * SE, df and p belong to a different quantity (the value at the new origin) and are not compared,
 * nor, under a shift of y, its statistic and p-value.
 */
export function compareFixed(a: FixedEffectRow[], b: FixedEffectRow[], t: Transform, rel: number): void {
  expect(b.map((r) => r.term)).toEqual(a.map((r) => r.term));
  const sy = t.y?.scale ?? 1;
  const cy = t.y?.shift ?? 0;
  const sx = t.x?.scale ?? 1;
  const cx = t.x?.shift ?? 0;
  const xRow = t.x ? b.findIndex((r) => r.term === t.x!.name) : -1;
  if (t.x) expect(xRow, `column ${t.x.name}`).toBeGreaterThanOrEqual(0);
  a.forEach((ra, j) => {
    const rb = b[j]!;
    const intercept = ra.term === '(Intercept)';
    // Columns that are products with x scale with it too (x itself, and interactions with x).
    const xs = t.x && ra.term.split(':').includes(t.x.name) ? sx : 1;
    let est = rb.estimate * xs;
    if (intercept) est = est + (xRow >= 0 ? cx * b[xRow]!.estimate : 0) - cy;
    close(est / sy, ra.estimate!, rel, ra.se!, `estimate ${ra.term} (${t.label})`);
    if (intercept && cx !== 0) return;
    close((rb.se! * xs) / sy, ra.se!, rel, 0, `se ${ra.term} (${t.label})`);
    close(rb.df!, ra.df!, rel, 0, `df ${ra.term} (${t.label})`);
    // Under a shift of y the intercept's test is of a different hypothesis (β₀ + c = 0).
    if (intercept && cy !== 0) return;
    close(rb.statistic!, ra.statistic!, rel, 0, `statistic ${ra.term} (${t.label})`);
    closeP(rb.pValue!, ra.pValue!, ra.statistic!, rel, `pValue ${ra.term} (${t.label})`);
  });
}

/**
 * p-values: a relative change δ in the statistic t moves the tail probability by a relative
 * t²δ (d log p/d t ≈ −t), so with statistics agreeing to `rel` the p-values agree to
 * rel · max(1, t²); for |t| < 1 that is `rel` itself.
 */
export function closeP(actual: number, expected: number, statistic: number, rel: number, label: string): void {
  close(actual, expected, rel * Math.max(1, statistic * statistic), 0, label);
}

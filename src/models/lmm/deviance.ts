/**
 * The profiled deviance of a linear mixed model as a function of θ (Bates et al. 2015,
 * eqs. 34 and 41), evaluated from the cross-products alone.
 *
 * With Λθ block diagonal (one lower-triangular k × k λ per term, repeated per level),
 * the Cholesky factor of the augmented system
 *
 *     [ Λ'Z'ZΛ + I   Λ'Z'X   Λ'Z'y ]
 *     [ X'ZΛ         X'X     X'y   ]
 *     [ y'ZΛ         y'X     y'y   ]
 *
 * is formed blockwise: the term-1 blocks L_g = chol(λ1'A_g λ1 + I) are k1 × k1 and
 * independent; the rest is a dense Cholesky of the Schur complement
 * Λr'RΛr + I − Σ_g W_g W_g' with W_g = Λr'C_g λ1 L_g^{-T}. Its last diagonal element is
 * the penalised residual sum of squares r²(θ)^{1/2}.
 *
 *     ML:   d(θ) = log|L_Z|² + n (1 + log(2π r²/n))
 *     REML: d(θ) = log|L_Z|² + log|R_X|² + (n − p)(1 + log(2π r²/(n − p)))
 */
import { choleskyInPlace, invertLower } from '../../linalg/dense.js';
import { factorH, factorLevelBlock, type DevianceParts, type Solution } from './kernel.js';
import { evaluateNested } from './nested.js';
import { type CrossProducts, levelRestColumns } from './structure.js';

export type { DevianceParts, Solution } from './kernel.js';

/** The lower-triangular λ of each term from θ (column-major lower triangle, as lme4). */
export function lambdaBlocks(cp: CrossProducts, theta: ArrayLike<number>): Float64Array[] {
  return cp.terms.map((t) => {
    const k = t.k;
    const lam = new Float64Array(k * k);
    let q = t.thetaOffset;
    for (let c = 0; c < k; c++) for (let r = c; r < k; r++) lam[r * k + c] = theta[q++]!;
    return lam;
  });
}

const lambdaBuffers = new WeakMap<CrossProducts, Float64Array[]>();

/** `lambdaBlocks` into buffers kept per cross-products (an evaluation reads them and lets go). */
let lastCp: CrossProducts | null = null;
let lastLams: Float64Array[] = [];

function lambdaScratch(cp: CrossProducts, theta: ArrayLike<number>): Float64Array[] {
  let lams = cp === lastCp ? lastLams : lambdaBuffers.get(cp);
  if (!lams) {
    lams = cp.terms.map((t) => new Float64Array(t.k * t.k));
    lambdaBuffers.set(cp, lams);
  }
  lastCp = cp;
  lastLams = lams;
  for (let j = 0; j < cp.terms.length; j++) {
    const t = cp.terms[j]!;
    const k = t.k;
    const lam = lams[j]!;
    let q = t.thetaOffset;
    for (let c = 0; c < k; c++) for (let r = c; r < k; r++) lam[r * k + c] = theta[q++]!;
  }
  return lams;
}

/** Λr' S Λr for a symmetric rest matrix S (m × m), λ applied to the random-term blocks. */
function scaleRest(cp: CrossProducts, lams: Float64Array[], S: Float64Array, out: Float64Array): void {
  const m = cp.m;
  // T = S Λr (columns), then out = Λr' T (rows).
  const T = out === S ? Float64Array.from(S) : (out.set(S), out);
  const tmp = new Float64Array(8);
  for (let j = 1; j < cp.terms.length; j++) {
    const t = cp.terms[j]!;
    const k = t.k;
    const lam = lams[j]!;
    if (k === 1) {
      const l = lam[0]!;
      for (let lev = 0; lev < t.levels.length; lev++) {
        const c = t.restOffset + lev;
        for (let r = 0; r < m; r++) T[r * m + c] = T[r * m + c]! * l;
        for (let r = 0; r < m; r++) T[c * m + r] = T[c * m + r]! * l;
      }
      continue;
    }
    const buf = tmp.length >= k ? tmp : new Float64Array(k);
    for (let lev = 0; lev < t.levels.length; lev++) {
      const c0 = t.restOffset + lev * k;
      for (let r = 0; r < m; r++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let a = c; a < k; a++) s += T[r * m + c0 + a]! * lam[a * k + c]!;
          buf[c] = s;
        }
        for (let c = 0; c < k; c++) T[r * m + c0 + c] = buf[c]!;
      }
      for (let col = 0; col < m; col++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let a = c; a < k; a++) s += lam[a * k + c]! * T[(c0 + a) * m + col]!;
          buf[c] = s;
        }
        for (let c = 0; c < k; c++) T[(c0 + c) * m + col] = buf[c]!;
      }
    }
  }
}

/** Cholesky of a small k × k row-major matrix into `out`; false when not PD. */
/**
 * Evaluate the profiled deviance at θ. Returns `deviance: Infinity` when a factor is not
 * numerically positive definite (the optimiser then steps back).
 * @param keep - also return the per-level factors (for the solution at the optimum); `'factors'`:
 *   the same path and so the same numbers as `true`, without the solution (a lazy refit's
 *   optimum, whose modes are formed later, if read).
 * @param condVar - with `keep`, also the conditional covariances (dense layout: an inverse of
 *   the Q2 × Q2 factor; PIRLS iterations need only the modes).
 */
export function evaluateDeviance(
  cp: CrossProducts,
  theta: ArrayLike<number>,
  reml: boolean,
  keep: boolean | 'factors' = false,
  condVar = true,
): DevianceParts & { solution?: Solution } {
  const lams = lambdaScratch(cp, theta);
  if (cp.nested) return evaluateNested(cp, lams, reml, keep, condVar);
  const { m, k1, n1, Q2, p, n } = cp;
  const lam1 = lams[0]!;
  const kk = k1 * k1;
  const M = new Float64Array(m * m);
  let ld1 = 0;
  const blk = new Float64Array(kk);
  const tmpA = new Float64Array(kk);

  const levels: LevelFactors | undefined = keep === true && !cp.levelsOmitted ? { L1: new Float64Array(n1 * kk), W: [], nz: [] } : undefined;

  if (cp.classes && (keep === false || cp.levelsOmitted)) {
    // Raw-space subtraction Σ_class Σ_rs H[r,s] T[r,s], then one Λr scaling.
    const S = Float64Array.from(cp.R);
    const { count, A, T } = cp.classes;
    const H = new Float64Array(kk);
    const mm = m * m;
    const G = new Float64Array(kk);
    for (let c = 0; c < count.length; c++) {
      if (!factorH(A, c * kk, lam1, k1, blk, tmpA, G, H)) return failed();
      for (let d = 0; d < k1; d++) ld1 += 2 * count[c]! * Math.log(blk[d * k1 + d]!);
      const base = c * kk * mm;
      for (let rs = 0; rs < kk; rs++) {
        const h = H[rs]!;
        if (h === 0) continue;
        const off = base + rs * mm;
        for (let e = 0; e < mm; e++) S[e] = S[e]! - (h * T[off + e]!);
      }
    }
    scaleRest(cp, lams, S, M);
    for (let a = 0; a < Q2; a++) M[a * m + a] = M[a * m + a]! + 1;
  } else {
    scaleRest(cp, lams, cp.R, M);
    for (let a = 0; a < Q2; a++) M[a * m + a] = M[a * m + a]! + 1;
    const col = new Float64Array(m * k1);
    const nz: number[] = [];
    const w = new Float64Array(m * k1);
    for (let g = 0; g < n1; g++) {
      if (!factorLevelBlock(cp.A11, g * kk, lam1, k1, blk, tmpA)) return failed();
      for (let d = 0; d < k1; d++) ld1 += 2 * Math.log(blk[d * k1 + d]!);
      levelRestColumns(cp, g, col, nz);
      // W_g rows: (Λr' C_g λ1) L_g^{-T}; first C_g λ1 then the λ of the rest rows.
      for (const a of nz) {
        for (let c = 0; c < k1; c++) {
          let s = 0;
          for (let b = c; b < k1; b++) s += col[a * k1 + b]! * lam1[b * k1 + c]!;
          w[a * k1 + c] = s;
        }
      }
      applyRestLambdaRows(cp, lams, w, nz);
      // Solve row by row: x L' = w_row  (forward substitution).
      for (const a of nz) {
        for (let c = 0; c < k1; c++) {
          let s = w[a * k1 + c]!;
          for (let b = 0; b < c; b++) s -= w[a * k1 + b]! * blk[c * k1 + b]!;
          w[a * k1 + c] = s / blk[c * k1 + c]!;
        }
      }
      for (let ia = 0; ia < nz.length; ia++) {
        const a = nz[ia]!;
        for (let ib = 0; ib < nz.length; ib++) {
          const b = nz[ib]!;
          if (b > a) continue;
          let s = 0;
          for (let c = 0; c < k1; c++) s += w[a * k1 + c]! * w[b * k1 + c]!;
          M[a * m + b] = M[a * m + b]! - s;
        }
      }
      if (levels) {
        levels.L1.set(blk, g * kk);
        const Wg = new Float64Array(nz.length * k1);
        nz.forEach((a, i) => {
          for (let c = 0; c < k1; c++) Wg[i * k1 + c] = w[a * k1 + c]!;
        });
        levels.W.push(Wg);
        levels.nz.push([...nz]);
      }
      for (const a of nz) for (let c = 0; c < k1; c++) col[a * k1 + c] = 0;
    }
  }
  if (!choleskyInPlace(M, m)) return failed();
  let ldRest = 0;
  for (let a = 0; a < Q2; a++) ldRest += 2 * Math.log(M[a * m + a]!);
  let ldRX2 = 0;
  for (let a = Q2; a < Q2 + p; a++) ldRX2 += 2 * Math.log(M[a * m + a]!);
  const ry = M[(m - 1) * m + (m - 1)]!;
  const r2 = ry * ry;
  const ldL2 = ld1 + ldRest;
  const deviance = reml
    ? ldL2 + ldRX2 + (n - p) * (1 + Math.log((2 * Math.PI * r2) / (n - p)))
    : ldL2 + n * (1 + Math.log((2 * Math.PI * r2) / n));
  const pp1 = p + 1;
  const Lx = new Float64Array(pp1 * pp1);
  for (let a = 0; a < pp1; a++) for (let b = 0; b <= a; b++) Lx[a * pp1 + b] = M[(Q2 + a) * m + Q2 + b]!;
  const out: DevianceParts & { solution?: Solution } = { ldL2, ldRX2, r2, deviance, Lx };
  if (levels) out.solution = denseSolution(cp, M, levels, condVar);
  else if (keep === true) out.solution = aggregateSolution(cp, M);
  return out;
}

/** Per-level factors kept at the optimum for the random-effect solutions (dense layout). */
interface LevelFactors {
  /** L_g blocks, k1 × k1 row-major each. */
  L1: Float64Array;
  /** W_g rows for the rest indices in `nz` (k1 values each). */
  W: Float64Array[];
  nz: number[][];
}

/**
 * β and the conditional modes from the dense factor: L_r'v = (y row of the rest factor)
 * gives (u_rest, β); then L_g'u_g = w_y − W_g'v per term-1 level. Conditional covariances
 * are the diagonal blocks of (L_Z L_Z')⁻¹ (lme4's condVar uses the Z part only).
 */
function denseSolution(cp: CrossProducts, L: Float64Array, lv: LevelFactors, condVar: boolean): Solution {
  const { m, Q2, k1, n1, p } = cp;
  const mr = m - 1;
  const v = new Float64Array(mr);
  for (let i = 0; i < mr; i++) v[i] = L[(m - 1) * m + i]!;
  for (let i = mr - 1; i >= 0; i--) {
    let s = v[i]!;
    for (let k = i + 1; k < mr; k++) s -= L[k * m + i]! * v[k]!;
    v[i] = s / L[i * m + i]!;
  }
  const beta = v.slice(Q2, Q2 + p);
  const Lr = new Float64Array(Q2 * Q2);
  for (let i = 0; i < Q2; i++) for (let j = 0; j <= i; j++) Lr[i * Q2 + j] = L[i * m + j]!;
  const LrInv = Q2 > 0 && condVar ? invertLower(Lr, Q2) : new Float64Array(0);
  const kk = k1 * k1;
  const u1 = new Float64Array(n1 * k1);
  const cu1 = new Float64Array(n1 * kk);
  for (let g = 0; g < n1; g++) {
    const Lg = lv.L1.subarray(g * kk, (g + 1) * kk);
    const Wg = lv.W[g]!;
    const nz = lv.nz[g]!;
    const u = new Float64Array(k1);
    const yi = nz.indexOf(m - 1);
    for (let c = 0; c < k1; c++) {
      let s = Wg[yi * k1 + c]!;
      nz.forEach((a, i) => {
        if (a !== m - 1) s -= Wg[i * k1 + c]! * v[a]!;
      });
      u[c] = s;
    }
    for (let c = k1 - 1; c >= 0; c--) {
      let s = u[c]!;
      for (let r = c + 1; r < k1; r++) s -= Lg[r * k1 + c]! * u[r]!;
      u[c] = s / Lg[c * k1 + c]!;
    }
    u1.set(u, g * k1);
    const Lgi = invertLower(Float64Array.from(Lg), k1);
    for (let a = 0; a < k1; a++) for (let c = 0; c < k1; c++) {
      let s = 0;
      for (let r = 0; r < k1; r++) s += Lgi[r * k1 + a]! * Lgi[r * k1 + c]!;
      cu1[g * kk + a * k1 + c] = s;
    }
    if (Q2 === 0 || !condVar) continue;
    // Q = Lr⁻¹ (W_g's random-effect rows) L_g⁻¹; rows before the first nonzero stay zero.
    const WL = new Float64Array(Q2 * k1);
    let first = Q2;
    nz.forEach((a, i) => {
      if (a >= Q2) return;
      if (a < first) first = a;
      for (let c = 0; c < k1; c++) {
        let s = 0;
        for (let r = c; r < k1; r++) s += Wg[i * k1 + r]! * Lgi[r * k1 + c]!;
        WL[a * k1 + c] = s;
      }
    });
    const Q = new Float64Array(Q2 * k1);
    for (let i = first; i < Q2; i++) {
      for (let c = 0; c < k1; c++) {
        let s = 0;
        for (let k = first; k <= i; k++) s += LrInv[i * Q2 + k]! * WL[k * k1 + c]!;
        Q[i * k1 + c] = s;
      }
    }
    for (let c = 0; c < k1; c++) {
      for (let c2 = 0; c2 < k1; c2++) {
        let s = 0;
        for (let i = first; i < Q2; i++) s += Q[i * k1 + c]! * Q[i * k1 + c2]!;
        cu1[g * kk + c * k1 + c2] = cu1[g * kk + c * k1 + c2]! + s;
      }
    }
  }
  const u: Float64Array[] = [u1];
  const cu: Float64Array[] = [cu1];
  for (let j = 1; j < cp.terms.length; j++) {
    const t = cp.terms[j]!;
    const k = t.k;
    const nl = t.levels.length;
    u.push(v.slice(t.restOffset, t.restOffset + nl * k));
    const c = new Float64Array(nl * k * k);
    for (let l = 0; l < (condVar ? nl : 0); l++) {
      const o = t.restOffset + l * k;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
        let s = 0;
        for (let i = o + Math.max(a, b); i < Q2; i++) s += LrInv[i * Q2 + o + a]! * LrInv[i * Q2 + o + b]!;
        c[l * k * k + a * k + b] = s;
      }
    }
    cu.push(c);
  }
  return { beta, u, cu };
}

/**
 * β and the modes of terms 2… from the rest factor alone (aggregates without per-level sums,
 * where term 1's modes are not available): the same back-substitution as `denseSolution`.
 */
function aggregateSolution(cp: CrossProducts, L: Float64Array): Solution {
  const { m, Q2, p } = cp;
  const mr = m - 1;
  const v = new Float64Array(mr);
  for (let i = 0; i < mr; i++) v[i] = L[(m - 1) * m + i]!;
  for (let i = mr - 1; i >= 0; i--) {
    let s = v[i]!;
    for (let k = i + 1; k < mr; k++) s -= L[k * m + i]! * v[k]!;
    v[i] = s / L[i * m + i]!;
  }
  const u: Float64Array[] = [new Float64Array(0)];
  const cu: Float64Array[] = [new Float64Array(0)];
  for (let j = 1; j < cp.terms.length; j++) {
    const t = cp.terms[j]!;
    u.push(v.slice(t.restOffset, t.restOffset + t.levels.length * t.k));
    cu.push(new Float64Array(0));
  }
  return { beta: v.slice(Q2, Q2 + p), u, cu };
}

/** Multiply the rows of w (m × k1) that belong to random terms 2… by λ_j'. */
function applyRestLambdaRows(cp: CrossProducts, lams: Float64Array[], w: Float64Array, nz: number[]): void {
  const k1 = cp.k1;
  for (let j = 1; j < cp.terms.length; j++) {
    const t = cp.terms[j]!;
    const k = t.k;
    const lam = lams[j]!;
    const lo = t.restOffset;
    const hi = lo + t.levels.length * k;
    // nz lists each entry's k rows consecutively, starting at a level boundary.
    for (let i = 0; i < nz.length; i++) {
      const a = nz[i]!;
      if (a < lo || a >= hi || (a - lo) % k !== 0) continue;
      for (let c = 0; c < k1; c++) {
        const buf: number[] = [];
        for (let r = 0; r < k; r++) {
          let s = 0;
          for (let b = r; b < k; b++) s += lam[b * k + r]! * w[(a + b) * k1 + c]!;
          buf.push(s);
        }
        for (let r = 0; r < k; r++) w[(a + r) * k1 + c] = buf[r]!;
      }
    }
  }
}

function failed(): DevianceParts {
  return { ldL2: NaN, ldRX2: NaN, r2: NaN, deviance: Infinity, Lx: new Float64Array(0) };
}

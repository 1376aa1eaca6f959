/**
 * The profiled deviance for the nested layout (two random terms, term 1 within term 2:
 * participants within therapy groups). After eliminating the term-1 blocks, the term-2
 * part of the Schur complement stays block diagonal (one k2 × k2 block per level), so the
 * factor is: per term-1 level L_g; per term-2 level L_l = chol(D_l) with its border
 * LB_l = B_l L_l⁻ᵀ; and one dense (p + 1)² factor for [X y]. No matrix of size Q2² exists,
 * and with the (level, class) aggregation no evaluation touches individual participants.
 */
import { choleskyInPlace } from '../../linalg/dense.js';
import { factorH, sandwichLambda, type DevianceParts, type Solution } from './kernel.js';
import type { CrossProducts, NestedBlocks, NestedClasses } from './structure.js';

/** The stride of a pair's sums in level order (`pairsInLevelOrder`) when p + 1 is at most this. */
const PAIR_STRIDE = 8;

/**
 * The buffers an evaluation needs, one set for the module, grown to the largest model seen: a
 * Float64Array of more than 8 doubles lives outside V8's heap, costs 1–2 µs to allocate here and
 * keeps the collector busy on a second core, which made these allocations most of an
 * evaluation's time (and a bootstrap refit makes new cross-products each time). Evaluations
 * are synchronous and overwrite a buffer before reading it; only `Lx` (with `keep` false) is
 * handed out, to be read before the next evaluation.
 */
const work = {
  Zraw: new Float64Array(0),
  Braw: new Float64Array(0),
  C: new Float64Array(0),
  blk: new Float64Array(0),
  tmp: new Float64Array(0),
  H: new Float64Array(0),
  G: new Float64Array(0),
  Hc: new Float64Array(0),
  col: new Float64Array(0),
  CH: new Float64Array(0),
  s: new Float64Array(0),
  L2: new Float64Array(0),
  LB: new Float64Array(0),
  /** LB of k2 = 1 by column: entry a of the i-th active level at a·(active levels) + i. */
  LBt: new Float64Array(0),
  Dl: new Float64Array(0),
  /** The solution's per-level scratch. */
  Lgi: new Float64Array(0),
  wx: new Float64Array(0),
  wz: new Float64Array(0),
  t2: new Float64Array(0),
  WL: new Float64Array(0),
  rhs: new Float64Array(0),
};
type Work = typeof work;
let sizedFor: CrossProducts | null = null;

function workFor(cp: CrossProducts): Work {
  // An optimisation evaluates one cross-products many times in a row.
  if (cp === sizedFor) return work;
  const nb = cp.nested!;
  const { k1, p } = cp;
  const { n2, k2 } = nb;
  const pp1 = p + 1;
  const kk1 = k1 * k1;
  const kk2 = k2 * k2;
  const sizes: Record<keyof Work, number> = {
    Zraw: n2 * kk2,
    Braw: n2 * pp1 * k2,
    C: pp1 * pp1,
    blk: kk1,
    tmp: Math.max(kk1, kk2, k1, k2, pp1, PAIR_STRIDE),
    H: kk1,
    G: kk1,
    Hc: (nb.classes?.count.length ?? 0) * kk1,
    col: pp1 * k1,
    CH: pp1 * k1,
    s: k2 * k1,
    L2: n2 * kk2,
    LB: n2 * pp1 * k2,
    LBt: k2 === 1 ? n2 * pp1 : 0,
    Dl: kk2,
    Lgi: kk1,
    wx: pp1 * k1,
    wz: k2 * k1,
    t2: k2 * k1,
    WL: k2 * k1,
    rhs: Math.max(k1, k2),
  };
  for (const k of Object.keys(sizes) as (keyof Work)[]) if (work[k].length < sizes[k]) work[k] = new Float64Array(sizes[k]);
  sizedFor = cp;
  return work;
}

/**
 * The term-2 levels that take part in the elimination: those whose random-effect columns are
 * not zero in every row. A level whose columns are all zero (the placeholder cluster of a
 * partially nested design; in lme4's spelling of that design, each control participant's own
 * "group") has R22, R2X and every term-1 border of its own exactly zero, so its block stays the
 * identity and it subtracts exact zeros from [X y]'s: skipping it changes no bit, and an
 * evaluation then costs nothing per such level. Cached per R22 (which a response refit shares).
 */
const activeCache = new WeakMap<Float64Array, { active: Int32Array; silent: Uint8Array }>();

export function activeLevels(nb: NestedBlocks): { active: Int32Array; silent: Uint8Array } {
  let a = activeCache.get(nb.R22);
  if (a) return a;
  const { n2, k2 } = nb;
  const kk2 = k2 * k2;
  const silent = new Uint8Array(n2);
  const list: number[] = [];
  for (let l = 0; l < n2; l++) {
    let zero = true;
    for (let d = 0; d < k2 && zero; d++) zero = nb.R22[l * kk2 + d * k2 + d] === 0;
    if (zero) silent[l] = 1;
    else list.push(l);
  }
  a = { active: Int32Array.from(list), silent };
  activeCache.set(nb.R22, a);
  return a;
}

/**
 * `evaluateNested`'s term-2 loop with classes when k1 = k2 = 1: each active level's block from
 * its pairs, then L_l, LB_l and Σ 2 log L_l (NaN when a block is not positive), the same
 * operations in the same order as the general loop. `TXZ` holds each pair's p + 1 sums at a
 * stride of `pairsInLevelOrder`'s: 8 when p + 1 ≤ 8, and then the level's border is summed in
 * eight locals (the padding's zeros are never read back), which takes a third less time than a
 * loop over a scratch array, with every number the same.
 */
function scalarLevels(
  active: Int32Array,
  start: Int32Array,
  pairClass: Int32Array,
  Hc: Float64Array,
  R22: Float64Array,
  R2X: Float64Array,
  TZZ: Float64Array,
  TXZ: Float64Array,
  l2: number,
  pp1: number,
  B: Float64Array,
  L2: Float64Array,
  LB: Float64Array,
  LBt: Float64Array,
): number {
  let ld2 = 0;
  const na = active.length;
  const unrolled = pp1 <= PAIR_STRIDE;
  for (let i = 0; i < na; i++) {
    const l = active[i]!;
    const x0 = l * pp1;
    let z = R22[l]!;
    const t0 = start[l]!;
    const t1 = start[l + 1]!;
    if (unrolled) {
      let b0 = R2X[x0]!;
      let b1 = pp1 > 1 ? R2X[x0 + 1]! : 0;
      let b2 = pp1 > 2 ? R2X[x0 + 2]! : 0;
      let b3 = pp1 > 3 ? R2X[x0 + 3]! : 0;
      let b4 = pp1 > 4 ? R2X[x0 + 4]! : 0;
      let b5 = pp1 > 5 ? R2X[x0 + 5]! : 0;
      let b6 = pp1 > 6 ? R2X[x0 + 6]! : 0;
      let b7 = pp1 > 7 ? R2X[x0 + 7]! : 0;
      for (let t = t0; t < t1; t++) {
        const h = Hc[pairClass[t]!]!;
        if (h === 0) continue;
        z = z - h * TZZ[t]!;
        const o = t * PAIR_STRIDE;
        b0 = b0 - h * TXZ[o]!;
        b1 = b1 - h * TXZ[o + 1]!;
        b2 = b2 - h * TXZ[o + 2]!;
        b3 = b3 - h * TXZ[o + 3]!;
        b4 = b4 - h * TXZ[o + 4]!;
        b5 = b5 - h * TXZ[o + 5]!;
        b6 = b6 - h * TXZ[o + 6]!;
        b7 = b7 - h * TXZ[o + 7]!;
      }
      B[0] = b0;
      B[1] = b1;
      B[2] = b2;
      B[3] = b3;
      B[4] = b4;
      B[5] = b5;
      B[6] = b6;
      B[7] = b7;
    } else {
      for (let e = 0; e < pp1; e++) B[e] = R2X[x0 + e]!;
      // The level's pairs, stored in level order (t), each subtracted in its own order.
      for (let t = t0; t < t1; t++) {
        const h = Hc[pairClass[t]!]!;
        if (h === 0) continue;
        z = z - h * TZZ[t]!;
        const ox = t * pp1;
        for (let e = 0; e < pp1; e++) B[e] = B[e]! - h * TXZ[ox + e]!;
      }
    }
    const d = l2 * (z * l2) + 1;
    if (!(d > 0)) return NaN;
    const L = Math.sqrt(d);
    ld2 += 2 * Math.log(L);
    L2[l] = L;
    for (let a = 0; a < pp1; a++) {
      const v = (B[a]! * l2) / L;
      LB[x0 + a] = v;
      LBt[a * na + i] = v;
    }
  }
  return ld2;
}

/** With k1 = k2 = 1: the pairs' class and sums copied in level order (`pairsByLevel`'s), read in sequence. */
const sortedPairsCache = new WeakMap<Float64Array, { pairClass: Int32Array; TZZ: Float64Array; TXZ: Float64Array }>();

function pairsInLevelOrder(cls: NestedClasses, order: Int32Array, pp1: number): { pairClass: Int32Array; TZZ: Float64Array; TXZ: Float64Array } {
  let r = sortedPairsCache.get(cls.TXZ);
  if (r && r.TZZ.length === order.length) return r;
  const m = order.length;
  const stride = pp1 <= PAIR_STRIDE ? PAIR_STRIDE : pp1;
  const pairClass = new Int32Array(m);
  const TZZ = new Float64Array(m);
  const TXZ = new Float64Array(m * stride);
  for (let t = 0; t < m; t++) {
    const q = order[t]!;
    pairClass[t] = cls.pairClass[q]!;
    TZZ[t] = cls.TZZ[q]!;
    for (let e = 0; e < pp1; e++) TXZ[t * stride + e] = cls.TXZ[q * pp1 + e]!;
  }
  r = { pairClass, TZZ, TXZ };
  sortedPairsCache.set(cls.TXZ, r);
  return r;
}

/**
 * C[a, b] −= Σ_i V[a·m + i] V[b·m + i] for b ≤ a (lower triangle), each sum in order of i.
 * Four entries of a row are summed in one pass over i: four independent chains of additions
 * keep the processor busy where one waits on each addition, and each entry's additions are the
 * same, in the same order, as alone.
 */
function subtractGram(C: Float64Array, pp1: number, V: Float64Array, m: number): void {
  for (let a = 0; a < pp1; a++) {
    const oa = a * m;
    const row = a * pp1;
    let b = 0;
    for (; b + 3 <= a; b += 4) {
      const o0 = b * m;
      const o1 = o0 + m;
      const o2 = o1 + m;
      const o3 = o2 + m;
      let v0 = C[row + b]!;
      let v1 = C[row + b + 1]!;
      let v2 = C[row + b + 2]!;
      let v3 = C[row + b + 3]!;
      for (let i = 0; i < m; i++) {
        const x = V[oa + i]!;
        v0 -= x * V[o0 + i]!;
        v1 -= x * V[o1 + i]!;
        v2 -= x * V[o2 + i]!;
        v3 -= x * V[o3 + i]!;
      }
      C[row + b] = v0;
      C[row + b + 1] = v1;
      C[row + b + 2] = v2;
      C[row + b + 3] = v3;
    }
    for (; b <= a; b++) {
      const ob = b * m;
      let v = C[row + b]!;
      for (let i = 0; i < m; i++) v -= V[oa + i]! * V[ob + i]!;
      C[row + b] = v;
    }
  }
}

/** The (level, class) pairs in order of level, each level's in their own order (cached per pairs). */
const pairsCache = new WeakMap<Int32Array, { start: Int32Array; order: Int32Array }>();

function pairsByLevel(pairLevel: Int32Array, n2: number): { start: Int32Array; order: Int32Array } {
  let r = pairsCache.get(pairLevel);
  if (r) return r;
  const start = new Int32Array(n2 + 1);
  for (let q = 0; q < pairLevel.length; q++) {
    const l = pairLevel[q]!;
    if (l >= 0) start[l + 1] = start[l + 1]! + 1;
  }
  for (let l = 0; l < n2; l++) start[l + 1] = start[l + 1]! + start[l]!;
  const order = new Int32Array(start[n2]!);
  const fill = start.slice(0, n2);
  for (let q = 0; q < pairLevel.length; q++) {
    const l = pairLevel[q]!;
    if (l >= 0) order[fill[l]!++] = q;
  }
  r = { start, order };
  pairsCache.set(pairLevel, r);
  return r;
}

/** The lower inverse of the n × n lower L at L[l0…] into out[o0…] (both row-major). */
function invertLowerAt(L: Float64Array, l0: number, n: number, out: Float64Array, o0: number): void {
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) out[o0 + i * n + j] = 0;
    out[o0 + j * n + j] = 1 / L[l0 + j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let v = 0;
      for (let k = j; k < i; k++) v -= L[l0 + i * n + k]! * out[o0 + k * n + j]!;
      out[o0 + i * n + j] = v / L[l0 + i * n + i]!;
    }
  }
}

/** dst (rows × k1) = src[s0…] (rows × k1) λ1 Lgi, λ1 and Lgi lower. */
function timesLambdaLinv(src: ArrayLike<number>, s0: number, rows: number, lam1: Float64Array, Lgi: Float64Array, k1: number, dst: Float64Array, tmp: Float64Array): void {
  for (let a = 0; a < rows; a++) {
    for (let c = 0; c < k1; c++) {
      let v = 0;
      for (let b = c; b < k1; b++) v += src[s0 + a * k1 + b]! * lam1[b * k1 + c]!;
      tmp[c] = v;
    }
    for (let c = 0; c < k1; c++) {
      let v = 0;
      for (let b = c; b < k1; b++) v += tmp[b]! * Lgi[b * k1 + c]!;
      dst[a * k1 + c] = v;
    }
  }
}

/**
 * With `keep` false the returned `Lx` is the module's workspace: read it before the next
 * evaluation (every caller does: it only forms vcov(β) from it). With `keep` it is owned.
 */
export function evaluateNested(
  cp: CrossProducts,
  lams: Float64Array[],
  reml: boolean,
  keep: boolean | 'factors',
  condVar = true,
): DevianceParts & { solution?: Solution } {
  const nb = cp.nested!;
  const { n1, k1, p, n } = cp;
  const { n2, k2, levelOf } = nb;
  const pp1 = p + 1;
  const lam1 = lams[0]!;
  const lam2 = lams[1]!;
  const kk1 = k1 * k1;
  const kk2 = k2 * k2;
  const w = workFor(cp);
  const { blk, tmp, H } = w;
  // The term-1 elimination is accumulated in raw space and λ2 applied afterwards:
  // D_l = λ2'(R22_l − Σ S H S')λ2 + I (Zraw), B_l = (R2X_l − Σ C H S')λ2 (Braw), C = RXX − Σ C H C'.
  const Zraw = w.Zraw;
  const Braw = w.Braw;
  const C = w.C;
  const { active, silent } = activeLevels(nb);
  const nActive = active.length;
  const xz = pp1 * k2;
  C.set(nb.RXX);
  let ld1 = 0;

  // The solution's term-1 modes need each level's factor: from its class when the classes know
  // each level's class (the same factor, so the optimum's deviance is the optimiser's own), else
  // by a pass over the levels.
  const levels = keep && !cp.levelsOmitted;
  const cls = nb.classes && (!levels || nb.classes.classOf) ? nb.classes : null;
  let L1: Float64Array | null = null;
  let factorOf: Int32Array | null = null;
  if (cls) {
    const nc = cls.count.length;
    const Hc = w.Hc;
    const xx = pp1 * pp1;
    if (levels) {
      L1 = new Float64Array(nc * kk1);
      factorOf = cls.classOf!;
    }
    for (let c = 0; c < nc; c++) {
      if (!factorH(cls.A, c * kk1, lam1, k1, blk, tmp, w.G, H)) return failed(pp1);
      for (let d = 0; d < k1; d++) ld1 += 2 * cls.count[c]! * Math.log(blk[d * k1 + d]!);
      if (L1) for (let e = 0; e < kk1; e++) L1[c * kk1 + e] = blk[e]!;
      for (let rs = 0; rs < kk1; rs++) Hc[c * kk1 + rs] = H[rs]!;
      for (let rs = 0; rs < kk1; rs++) {
        const h = H[rs]!;
        if (h === 0) continue;
        const o = (c * kk1 + rs) * xx;
        for (let e = 0; e < xx; e++) C[e] = C[e]! - h * cls.TXX[o + e]!;
      }
    }
  } else {
    // Per term-1 level: once per fit (the solution) or when the classes would not be smaller.
    // Only the active term-2 levels' blocks are read (silent ones are never written or read).
    for (let i = 0; i < nActive; i++) {
      const l = active[i]!;
      for (let e = 0; e < kk2; e++) Zraw[l * kk2 + e] = nb.R22[l * kk2 + e]!;
      for (let e = 0; e < xz; e++) Braw[l * xz + e] = nb.R2X[l * xz + e]!;
    }
    L1 = levels ? new Float64Array(n1 * kk1) : null;
    const { col, CH, s } = w;
    for (let g = 0; g < n1; g++) {
      if (!factorH(cp.A11, g * kk1, lam1, k1, blk, tmp, w.G, H)) return failed(pp1);
      for (let d = 0; d < k1; d++) ld1 += 2 * Math.log(blk[d * k1 + d]!);
      if (L1) for (let e = 0; e < kk1; e++) L1[g * kk1 + e] = blk[e]!;
      const c0 = g * pp1 * k1;
      for (let e = 0; e < pp1 * k1; e++) col[e] = cp.CD[c0 + e]!;
      // C −= col H col'
      for (let a = 0; a < pp1; a++) {
        for (let c = 0; c < k1; c++) {
          let v = 0;
          for (let r = 0; r < k1; r++) v += col[a * k1 + r]! * H[r * k1 + c]!;
          CH[a * k1 + c] = v;
        }
      }
      for (let a = 0; a < pp1; a++) {
        for (let b = 0; b <= a; b++) {
          let v = 0;
          for (let c = 0; c < k1; c++) v += CH[a * k1 + c]! * col[b * k1 + c]!;
          C[a * pp1 + b] = C[a * pp1 + b]! - v;
          if (b !== a) C[b * pp1 + a] = C[b * pp1 + a]! - v;
        }
      }
      const e = cp.sparsePtr[g]!;
      if (cp.sparsePtr[g + 1]! === e) continue;
      const l = levelOf[g]!;
      if (silent[l] === 1) continue;
      const v0 = cp.sparseValPtr[e]!;
      for (let a = 0; a < k2 * k1; a++) s[a] = cp.sparseVal[v0 + a]!;
      for (let a = 0; a < k2; a++) {
        for (let b = 0; b < k2; b++) {
          let v = 0;
          for (let r = 0; r < k1; r++) for (let c = 0; c < k1; c++) v += s[a * k1 + r]! * H[r * k1 + c]! * s[b * k1 + c]!;
          Zraw[l * kk2 + a * k2 + b] = Zraw[l * kk2 + a * k2 + b]! - v;
        }
      }
      for (let a = 0; a < pp1; a++) {
        for (let b = 0; b < k2; b++) {
          let v = 0;
          for (let c = 0; c < k1; c++) v += CH[a * k1 + c]! * s[b * k1 + c]!;
          Braw[(l * pp1 + a) * k2 + b] = Braw[(l * pp1 + a) * k2 + b]! - v;
        }
      }
    }
  }

  // Term-2 blocks: L_l = chol(λ2' Zraw_l λ2 + I); LB_l = (Braw_l λ2) L_l⁻ᵀ; C −= LB LB'.
  // With the classes, each level's Zraw_l and Braw_l are formed here, just before use: R22_l and
  // R2X_l less its (level, class) pairs' sums, subtracted in the pairs' order as a pass over all
  // pairs would, so every number is the same.
  let ld2 = 0;
  const { L2, LB, Dl } = w;
  const byLevel = cls ? pairsByLevel(cls.pairLevel, n2) : null;
  const Hc = w.Hc;
  // (Arrays read in the loops held in locals: the engine need not reload them from objects.)
  const R22 = nb.R22;
  const R2X = nb.R2X;
  const TZZ = cls ? cls.TZZ : R22;
  const TXZ = cls ? cls.TXZ : R2X;
  const pairClass = cls ? cls.pairClass : active;
  const start = byLevel ? byLevel.start : active;
  const order = byLevel ? byLevel.order : active;
  if (cls && k2 === 1 && kk1 === 1) {
    // The usual case (a random intercept per participant, one random effect per group), in a
    // function of its own that the engine compiles well.
    const sorted = pairsInLevelOrder(cls, order, pp1);
    const ld = scalarLevels(active, start, sorted.pairClass, Hc, R22, R2X, sorted.TZZ, sorted.TXZ, lam2[0]!, pp1, w.tmp, L2, LB, w.LBt);
    if (Number.isNaN(ld)) return failed(pp1);
    ld2 = ld;
  }
  for (let i = 0; !(cls && k2 === 1 && kk1 === 1) && i < nActive; i++) {
    const l = active[i]!;
    if (cls) {
      const z0 = l * kk2;
      const x0 = l * xz;
      for (let e = 0; e < kk2; e++) Zraw[z0 + e] = R22[z0 + e]!;
      for (let e = 0; e < xz; e++) Braw[x0 + e] = R2X[x0 + e]!;
      for (let t = start[l]!; t < start[l + 1]!; t++) {
        const q = order[t]!;
        const c = pairClass[q]!;
        for (let rs = 0; rs < kk1; rs++) {
          const h = Hc[c * kk1 + rs]!;
          if (h === 0) continue;
          const oz = (q * kk1 + rs) * kk2;
          for (let e = 0; e < kk2; e++) Zraw[z0 + e] = Zraw[z0 + e]! - h * TZZ[oz + e]!;
          const ox = (q * kk1 + rs) * xz;
          for (let e = 0; e < xz; e++) Braw[x0 + e] = Braw[x0 + e]! - h * TXZ[ox + e]!;
        }
      }
    }
    if (k2 === 1) {
      // One random effect per level (a random intercept, or partial nesting's indicator): the
      // general arithmetic below in scalars; C is updated after the loop.
      const l2 = lam2[0]!;
      const d = l2 * (Zraw[l]! * l2) + 1;
      if (!(d > 0)) return failed(pp1);
      const L = Math.sqrt(d);
      ld2 += 2 * Math.log(L);
      L2[l] = L;
      const o = l * pp1;
      for (let a = 0; a < pp1; a++) {
        const v = (Braw[o + a]! * l2) / L;
        LB[o + a] = v;
        w.LBt[a * nActive + i] = v;
      }
      continue;
    }
    sandwichLambda(Zraw, l * kk2, lam2, k2, true, Dl, tmp);
    if (!choleskyInPlace(Dl, k2)) return failed(pp1);
    for (let d = 0; d < k2; d++) ld2 += 2 * Math.log(Dl[d * k2 + d]!);
    for (let e = 0; e < kk2; e++) L2[l * kk2 + e] = Dl[e]!;
    const o = l * pp1 * k2;
    for (let a = 0; a < pp1; a++) {
      // row a of Braw_l λ2, then solve x L_l' = row.
      for (let c = 0; c < k2; c++) {
        let v = 0;
        for (let b = c; b < k2; b++) v += Braw[o + a * k2 + b]! * lam2[b * k2 + c]!;
        tmp[c] = v;
      }
      for (let c = 0; c < k2; c++) {
        let v = tmp[c]!;
        for (let b = 0; b < c; b++) v -= LB[o + a * k2 + b]! * Dl[c * k2 + b]!;
        LB[o + a * k2 + c] = v / Dl[c * k2 + c]!;
      }
    }
    for (let a = 0; a < pp1; a++) {
      for (let b = 0; b <= a; b++) {
        let v = 0;
        for (let c = 0; c < k2; c++) v += LB[o + a * k2 + c]! * LB[o + b * k2 + c]!;
        C[a * pp1 + b] = C[a * pp1 + b]! - v;
      }
    }
  }
  if (k2 === 1) {
    // C −= Σ_l LB_l LB_l', entry by entry (each entry's subtractions in level order, as level by
    // level), the running value held in a register rather than stored back after each level.
    subtractGram(C, pp1, w.LBt, nActive);
  }
  if (!choleskyInPlace(C, pp1)) return failed(pp1);
  let ldRX2 = 0;
  for (let a = 0; a < p; a++) ldRX2 += 2 * Math.log(C[a * pp1 + a]!);
  const ry = C[p * pp1 + p]!;
  const r2 = ry * ry;
  const ldL2 = ld1 + ld2;
  const deviance = reml
    ? ldL2 + ldRX2 + (n - p) * (1 + Math.log((2 * Math.PI * r2) / (n - p)))
    : ldL2 + n * (1 + Math.log((2 * Math.PI * r2) / n));
  const out: DevianceParts & { solution?: Solution } = { ldL2, ldRX2, r2, deviance, Lx: keep ? C.slice(0, pp1 * pp1) : C.subarray(0, pp1 * pp1) };
  if (keep !== true) return out;

  // Solution: β from the [X y] factor, then each term-2 level, then each term-1 level.
  const beta = new Float64Array(p);
  for (let i = 0; i < p; i++) beta[i] = C[p * pp1 + i]!;
  for (let i = p - 1; i >= 0; i--) {
    let v = beta[i]!;
    for (let k = i + 1; k < p; k++) v -= C[k * pp1 + i]! * beta[k]!;
    beta[i] = v / C[i * pp1 + i]!;
  }
  const u2 = new Float64Array(n2 * k2);
  const cu2 = new Float64Array(n2 * kk2);
  const L2inv = new Float64Array(n2 * kk2);
  const rhs = w.rhs;
  for (let l = 0; l < n2; l++) {
    const o = l * pp1 * k2;
    const l0 = l * kk2;
    if (silent[l] === 1) {
      // Its block is the identity and its border zero: mode 0, conditional covariance I.
      for (let c = 0; c < k2; c++) {
        L2inv[l0 + c * k2 + c] = 1;
        cu2[l0 + c * k2 + c] = 1;
      }
      continue;
    }
    for (let c = 0; c < k2; c++) {
      let v = LB[o + p * k2 + c]!;
      for (let a = 0; a < p; a++) v -= LB[o + a * k2 + c]! * beta[a]!;
      rhs[c] = v;
    }
    for (let c = k2 - 1; c >= 0; c--) {
      let v = rhs[c]!;
      for (let r = c + 1; r < k2; r++) v -= L2[l0 + r * k2 + c]! * rhs[r]!;
      rhs[c] = v / L2[l0 + c * k2 + c]!;
    }
    for (let c = 0; c < k2; c++) u2[l * k2 + c] = rhs[c]!;
    invertLowerAt(L2, l0, k2, L2inv, l0);
    for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) {
      let v = 0;
      for (let r = Math.max(a, b); r < k2; r++) v += L2inv[l0 + r * k2 + a]! * L2inv[l0 + r * k2 + b]!;
      cu2[l0 + a * k2 + b] = v;
    }
  }
  if (!L1) {
    // Aggregates only (levels not in memory): the term-1 modes need each level's own sums.
    out.solution = { beta, u: [new Float64Array(0), u2], cu: [new Float64Array(0), cu2] };
    return out;
  }
  const u1 = new Float64Array(n1 * k1);
  const cu1 = new Float64Array(n1 * kk1);
  const { wz, wx, t2, WL, Lgi } = w;
  if (k1 === 1 && k2 === 1) {
    scalarModes(cp, L1, factorOf, levelOf, lam1[0]!, lam2[0]!, beta, u2, L2inv, condVar, u1, cu1, wx);
    out.solution = { beta, u: [u1, u2], cu: [cu1, cu2] };
    return out;
  }
  for (let g = 0; g < n1; g++) {
    const g0 = g * kk1;
    // L_g: the level's own factor, or its class's.
    const f0 = factorOf ? factorOf[g]! * kk1 : g0;
    invertLowerAt(L1, f0, k1, Lgi, 0);
    // w_x = C_g λ1 L_g⁻ᵀ, w_z = λ2' S_g λ1 L_g⁻ᵀ.
    timesLambdaLinv(cp.CD, g * pp1 * k1, pp1, lam1, Lgi, k1, wx, tmp);
    const e = cp.sparsePtr[g]!;
    const hasS = cp.sparsePtr[g + 1]! > e;
    const l = levelOf[g]!;
    if (hasS) {
      timesLambdaLinv(cp.sparseVal, cp.sparseValPtr[e]!, k2, lam1, Lgi, k1, wz, tmp);
      // λ2' on the left.
      for (let a = 0; a < k2; a++) for (let c = 0; c < k1; c++) {
        let v = 0;
        for (let b = a; b < k2; b++) v += lam2[b * k2 + a]! * wz[b * k1 + c]!;
        t2[a * k1 + c] = v;
      }
      for (let e2 = 0; e2 < k2 * k1; e2++) wz[e2] = t2[e2]!;
    } else wz.fill(0);
    for (let c = 0; c < k1; c++) {
      let v = wx[p * k1 + c]!;
      for (let a = 0; a < p; a++) v -= wx[a * k1 + c]! * beta[a]!;
      if (l >= 0) for (let a = 0; a < k2; a++) v -= wz[a * k1 + c]! * u2[l * k2 + a]!;
      rhs[c] = v;
    }
    for (let c = k1 - 1; c >= 0; c--) {
      let v = rhs[c]!;
      for (let r = c + 1; r < k1; r++) v -= L1[f0 + r * k1 + c]! * rhs[r]!;
      rhs[c] = v / L1[f0 + c * k1 + c]!;
    }
    for (let c = 0; c < k1; c++) u1[g * k1 + c] = rhs[c]!;
    // Conditional covariance of u_g (lme4's condVar, Z part only): L_g⁻ᵀL_g⁻¹ + Q'Q with
    // Q = L_l⁻¹ w_z L_g⁻¹, w_z being the factor's (term-2, g) block.
    for (let a = 0; a < k1; a++) for (let b = 0; b < k1; b++) {
      let v = 0;
      for (let r = Math.max(a, b); r < k1; r++) v += Lgi[r * k1 + a]! * Lgi[r * k1 + b]!;
      cu1[g0 + a * k1 + b] = v;
    }
    if (condVar && hasS && l >= 0) {
      const li = l * kk2;
      for (let a = 0; a < k2; a++) for (let c = 0; c < k1; c++) {
        let v = 0;
        for (let r = c; r < k1; r++) v += wz[a * k1 + r]! * Lgi[r * k1 + c]!;
        WL[a * k1 + c] = v;
      }
      for (let a = 0; a < k1; a++) for (let b = 0; b < k1; b++) {
        let v = 0;
        for (let i = 0; i < k2; i++) {
          let qa = 0;
          let qb = 0;
          for (let k = 0; k <= i; k++) {
            qa += L2inv[li + i * k2 + k]! * WL[k * k1 + a]!;
            qb += L2inv[li + i * k2 + k]! * WL[k * k1 + b]!;
          }
          v += qa * qb;
        }
        cu1[g0 + a * k1 + b] = cu1[g0 + a * k1 + b]! + v;
      }
    }
  }
  out.solution = { beta, u: [u1, u2], cu: [cu1, cu2] };
  return out;
}

/**
 * The term-1 loop of `evaluateNested`'s solution when k1 = k2 = 1, in scalars: the same
 * operations in the same order as the general loop (its sums start from 0, kept here as `0 +`).
 */
function scalarModes(
  cp: CrossProducts,
  L1: Float64Array,
  factorOf: Int32Array | null,
  levelOf: Int32Array,
  lam1: number,
  lam2: number,
  beta: Float64Array,
  u2: Float64Array,
  L2inv: Float64Array,
  condVar: boolean,
  u1: Float64Array,
  cu1: Float64Array,
  wx: Float64Array,
): void {
  const { n1, p, CD, sparsePtr, sparseValPtr, sparseVal } = cp;
  const pp1 = p + 1;
  for (let g = 0; g < n1; g++) {
    const lg = L1[factorOf ? factorOf[g]! : g]!;
    const Lgi = 1 / lg;
    const c0 = g * pp1;
    for (let a = 0; a < pp1; a++) wx[a] = 0 + (0 + CD[c0 + a]! * lam1) * Lgi;
    const e = sparsePtr[g]!;
    const hasS = sparsePtr[g + 1]! > e;
    const l = levelOf[g]!;
    const wz = hasS ? 0 + lam2 * (0 + (0 + sparseVal[sparseValPtr[e]!]! * lam1) * Lgi) : 0;
    let v = wx[p]!;
    for (let a = 0; a < p; a++) v -= wx[a]! * beta[a]!;
    if (l >= 0) v -= wz * u2[l]!;
    u1[g] = v / lg;
    cu1[g] = 0 + Lgi * Lgi;
    if (condVar && hasS && l >= 0) {
      const q = 0 + L2inv[l]! * (0 + wz * Lgi);
      cu1[g] = cu1[g]! + (0 + q * q);
    }
  }
}

function failed(pp1: number): DevianceParts {
  return { ldL2: NaN, ldRX2: NaN, r2: NaN, deviance: Infinity, Lx: new Float64Array(pp1 * pp1) };
}

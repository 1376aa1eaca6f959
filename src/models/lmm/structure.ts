import { ArgumentError } from '../../errors/index.js';
import type { CellDesign, ModelFrame } from '../../formula/frame.js';

/**
 * The blocked cross-product structure of a linear mixed model, formed in one pass over
 * the rows (Bates, Mächler, Bolker & Walker 2015, JSS 67(1), section 3; the block layout
 * of MixedModels.jl). Every later deviance evaluation works on these sums only, so its
 * cost does not depend on the number of rows.
 *
 * Random terms are ordered by number of levels, most first, as lme4 does. The first term
 * ("term 1", typically participants) has a block-diagonal Z1'Z1: one k1 × k1 block per
 * level. Everything else (the other random terms' columns, the fixed-effect columns and
 * the response) is the "rest", of dimension m = Q2 + p + 1, whose cross-products are a
 * dense m × m matrix; the cross-products between a term-1 level and the rest are stored
 * per level: dense for X and y, sparse (a few level blocks) for the other random terms.
 */

/** One random-effects term, in fitting order. */
export interface ReTerm {
  /** lme4-style label, e.g. `Days | Subject`. */
  label: string;
  groupName: string;
  levels: string[];
  /** Number of columns (k): 1 for an intercept, 2 for intercept and slope, … */
  k: number;
  columnNames: string[];
  /** Level index of each row. */
  group: Int32Array;
  /** Column-major n × k values. */
  Z: Float64Array;
  /** Position of this term's first θ element. */
  thetaOffset: number;
  /** Start of this term's columns in the rest (terms 2…); −1 for term 1. */
  restOffset: number;
  /** Index of the term in the formula's random terms. */
  frameIndex: number;
}

/**
 * The internal columns the cross-products are formed on (see models/centring.ts): fixed-effect
 * column c as (x − xShift[c])·xMul[c], the response as (y − yShift)·yMul, and column a of random term
 * j (fitting order) as z·zMul[j][a]. The multipliers are powers of two, so scaling is exact.
 */
export interface InternalColumns {
  xShift: Float64Array;
  xMul: Float64Array;
  yShift: number;
  yMul: number;
  zMul: Float64Array[];
}

export interface CrossProducts {
  n: number;
  p: number;
  /** Q2 = columns of random terms 2…K. */
  Q2: number;
  /** Rest dimension Q2 + p + 1 (the last index is the response). */
  m: number;
  terms: ReTerm[];
  /** Number of levels and columns of term 1. */
  n1: number;
  k1: number;
  /** Term-1 blocks Z1'Z1, row-major k1 × k1 each. */
  A11: Float64Array;
  /** Dense part of rest'Z1 per level: (p + 1) × k1 row-major per level (X columns, then y). */
  CD: Float64Array;
  /** Sparse part of rest'Z1 per level: entries [ptr[g], ptr[g+1]). */
  sparsePtr: Int32Array;
  /** Rest index of each entry's first row. */
  sparseRow: Int32Array;
  /** Number of rows (k of that term) of each entry. */
  sparseK: Int32Array;
  /** Start of each entry's k × k1 values in `sparseVal`. */
  sparseValPtr: Int32Array;
  sparseVal: Float64Array;
  /** Rest cross-products, full symmetric m × m row-major (the dense layout; empty when `nested`). */
  R: Float64Array;
  /**
   * The nested layout, used when there are exactly two random terms and each level of
   * term 1 lies within one level of term 2 (participants within therapy groups): the
   * term-2 block stays block diagonal through the elimination, so nothing of size Q2² is
   * ever formed and a fit scales to hundreds of thousands of groups.
   */
  nested: NestedBlocks | null;
  /** Aggregation of term-1 levels with identical Z1'Z1 blocks (null when not worth it). */
  classes: LevelClasses | null;
  /**
   * True when only the class aggregates exist (cross-products from an SQL engine): the
   * per-level arrays are empty, every evaluation uses the classes, and the solution has β and
   * the modes of terms 2… but not those of term 1.
   */
  levelsOmitted?: boolean;
}

export interface NestedBlocks {
  n2: number;
  k2: number;
  /** Z2'Z2 per term-2 level, k2 × k2 row-major each. */
  R22: Float64Array;
  /** [X y]'Z2 per term-2 level, (p + 1) × k2 row-major each. */
  R2X: Float64Array;
  /** [X y]'[X y], (p + 1)² row-major (lower triangle filled, mirrored). */
  RXX: Float64Array;
  /** Term-2 level of each term-1 level (−1 when the level has no rows). */
  levelOf: Int32Array;
  /** Aggregation over (term-2 level, Z1'Z1 class) pairs, when cheaper than per level. */
  classes: NestedClasses | null;
}

export interface NestedClasses {
  /** Z1'Z1 block per class (k1 × k1) and the number of term-1 levels in it. */
  A: Float64Array;
  count: Int32Array;
  /** Per pair: term-2 level and class. */
  pairLevel: Int32Array;
  pairClass: Int32Array;
  /** Per pair, per (r, s) in k1 × k1: Σ S_g[:, r] S_g[:, s]' (k2 × k2). */
  TZZ: Float64Array;
  /** Per pair, per (r, s): Σ C_g[:, r] S_g[:, s]' ((p + 1) × k2). */
  TXZ: Float64Array;
  /** Per class, per (r, s): Σ C_g[:, r] C_g[:, s]' ((p + 1)²). */
  TXX: Float64Array;
  /** Each term-1 level's class and (level, class) pair (levels in memory, not from an SQL engine). */
  classOf?: Int32Array;
  pairOf?: Int32Array;
}

/** Term-1 levels grouped by identical Z1'Z1 blocks, with their summed rest outer products. */
export interface LevelClasses {
  count: Int32Array;
  /** One k1 × k1 block per class. */
  A: Float64Array;
  /** Per class, per (r, s) in k1 × k1: Σ_g C_g[:, r] C_g[:, s]' as m × m row-major. */
  T: Float64Array;
  /** Each term-1 level's class (levels in memory, not from an SQL engine). */
  classOf?: Int32Array;
}

/**
 * Form all cross-products in one pass over the rows (after a counting sort by the
 * term-1 level, which is two cheap passes over an Int32Array).
 * @param X - column-major n × p fixed-effects matrix.
 */
export function formCrossProducts(
  terms: ReTerm[],
  X: Float64Array | CellDesign,
  y: Float64Array,
  n: number,
  p: number,
  options: { aggregate?: boolean; weights?: Float64Array; structure?: 'auto' | 'dense'; columns?: InternalColumns } = {},
): CrossProducts {
  // X as its distinct rows: each row's values read from its cell's row (the same values).
  const cells = X instanceof Float64Array ? null : X;
  const Xd = X instanceof Float64Array ? X : null;
  // Prior weights w_i (Var ε_i = σ²/w_i) enter every sum as w_i r r'; scaling each row's
  // values by √w_i does that. A zero weight still creates the sparse entries, so parts
  // formed with different weights share one sparsity pattern and can be added.
  const sw = options.weights ? options.weights.map(Math.sqrt) : null;
  // Centring and power-of-two scaling applied as each row is read (no copy of X).
  const cols = options.columns;
  const xShift = cols ? cols.xShift : new Float64Array(p);
  const xMul = cols ? cols.xMul : new Float64Array(p).fill(1);
  const yShift = cols ? cols.yShift : 0;
  const yMul = cols ? cols.yMul : 1;
  const zMul = terms.map((t, j) => (cols ? cols.zMul[j]! : new Float64Array(t.k).fill(1)));
  const t1 = terms[0]!;
  const n1 = t1.levels.length;
  const k1 = t1.k;
  let Q2 = 0;
  for (let j = 1; j < terms.length; j++) {
    terms[j]!.restOffset = Q2;
    Q2 += terms[j]!.levels.length * terms[j]!.k;
  }
  t1.restOffset = -1;
  const m = Q2 + p + 1;
  const pp1 = p + 1;

  // Counting sort of rows by term-1 level.
  const start = new Int32Array(n1 + 1);
  for (let i = 0; i < n; i++) start[t1.group[i]! + 1] = start[t1.group[i]! + 1]! + 1;
  for (let g = 0; g < n1; g++) start[g + 1] = start[g + 1]! + start[g]!;
  const order = new Int32Array(n);
  const fill = start.slice(0, n1);
  for (let i = 0; i < n; i++) order[fill[t1.group[i]!]!++] = i;

  const levelOf = options.structure === 'dense' ? null : nestedLevels(terms, n);
  if (!levelOf && m > 20000) {
    throw new ArgumentError(
      'formula',
      `${Q2} random effects outside the largest grouping factor`,
      'crossed random effects with at most about 20,000 levels beyond the largest grouping factor (the dense block would need ' +
        `${((m * m * 8) / 1e9).toFixed(1)} GB); nested designs have no such limit`,
    );
  }
  const A11 = new Float64Array(n1 * k1 * k1);
  const CD = new Float64Array(n1 * pp1 * k1);
  const R = new Float64Array(levelOf ? 0 : m * m);
  const t2 = levelOf ? terms[1]! : null;
  const k2 = t2 ? t2.k : 0;
  const n2 = t2 ? t2.levels.length : 0;
  const R22 = new Float64Array(n2 * k2 * k2);
  const R2X = new Float64Array(n2 * pp1 * k2);
  const RXX = new Float64Array(levelOf ? pp1 * pp1 : 0);
  const z2 = new Float64Array(k2);
  const sparsePtr = new Int32Array(n1 + 1);
  const spRow: number[] = [];
  const spK: number[] = [];
  const spValPtr: number[] = [0];
  let spVal = new Float64Array(Math.max(16, n1 * (terms.length - 1) * k1 * 2));
  let spValLen = 0;

  const z1 = new Float64Array(k1);
  const rx = new Float64Array(pp1);
  const idx = new Int32Array(m);
  const val = new Float64Array(m);
  const others = terms.slice(1);
  const otherMul = zMul.slice(1);
  const z1Mul = zMul[0]!;
  const z2Mul = zMul[1] ?? new Float64Array(0);
  const Z1 = t1.Z;

  for (let g = 0; g < n1; g++) {
    const entStart = spRow.length;
    const a0 = g * k1 * k1;
    const c0 = g * pp1 * k1;
    for (let r = start[g]!; r < start[g + 1]!; r++) {
      const i = order[r]!;
      const wi = sw ? sw[i]! : 1;
      for (let c = 0; c < k1; c++) z1[c] = Z1[c * n + i]! * z1Mul[c]! * wi;
      for (let a = 0; a < k1; a++) for (let b = 0; b < k1; b++) A11[a0 + a * k1 + b] = A11[a0 + a * k1 + b]! + (z1[a]! * z1[b]!);
      if (cells) {
        const o = cells.cell[i]! * p;
        for (let c = 0; c < p; c++) rx[c] = (cells.table[o + c]! - xShift[c]!) * xMul[c]! * wi;
      } else for (let c = 0; c < p; c++) rx[c] = (Xd![c * n + i]! - xShift[c]!) * xMul[c]! * wi;
      rx[p] = (y[i]! - yShift) * yMul * wi;
      for (let a = 0; a < pp1; a++) {
        const ra = rx[a]!;
        if (ra === 0) continue;
        for (let c = 0; c < k1; c++) CD[c0 + a * k1 + c] = CD[c0 + a * k1 + c]! + (ra * z1[c]!);
      }
      // Rest positions of this row: the other terms' nonzero columns, then X and y.
      let len = 0;
      for (let ti = 0; ti < others.length; ti++) {
        const t = others[ti]!;
        const tMul = otherMul[ti]!;
        const l = t.group[i]!;
        const base = t.restOffset + l * t.k;
        // Sparse entry (term t, level l) for this term-1 level: find or append.
        let e = -1;
        for (let q = entStart; q < spRow.length; q++) if (spRow[q] === base) { e = q; break; }
        if (e < 0) {
          e = spRow.length;
          spRow.push(base);
          spK.push(t.k);
          const need = spValLen + t.k * k1;
          if (need > spVal.length) {
            const grown = new Float64Array(Math.max(need, spVal.length * 2));
            grown.set(spVal);
            spVal = grown;
          }
          spValLen = need;
          spValPtr.push(need);
        }
        const v0 = spValPtr[e]!;
        for (let a = 0; a < t.k; a++) {
          const za = t.Z[a * n + i]! * tMul[a]! * wi;
          idx[len] = base + a;
          val[len] = za;
          len++;
          if (za === 0) continue;
          for (let c = 0; c < k1; c++) spVal[v0 + a * k1 + c] = spVal[v0 + a * k1 + c]! + (za * z1[c]!);
        }
      }
      if (t2) {
        // Nested layout: term-2 block of this row's level, its border with [X y], and [X y]'s own.
        const l = t2.group[i]!;
        for (let a = 0; a < k2; a++) z2[a] = t2.Z[a * n + i]! * z2Mul[a]! * wi;
        const o22 = l * k2 * k2;
        for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) R22[o22 + a * k2 + b] = R22[o22 + a * k2 + b]! + z2[a]! * z2[b]!;
        const o2x = l * pp1 * k2;
        for (let a = 0; a < pp1; a++) {
          const ra = rx[a]!;
          if (ra === 0) continue;
          for (let b = 0; b < k2; b++) R2X[o2x + a * k2 + b] = R2X[o2x + a * k2 + b]! + ra * z2[b]!;
          for (let b = 0; b <= a; b++) RXX[a * pp1 + b] = RXX[a * pp1 + b]! + ra * rx[b]!;
        }
        continue;
      }
      for (let c = 0; c < pp1; c++) {
        idx[len] = Q2 + c;
        val[len] = rx[c]!;
        len++;
      }
      // R += r r' (lower triangle; mirrored at the end).
      for (let a = 0; a < len; a++) {
        const va = val[a]!;
        if (va === 0) continue;
        const ra = idx[a]! * m;
        for (let b = 0; b <= a; b++) R[ra + idx[b]!] = R[ra + idx[b]!]! + (va * val[b]!);
      }
    }
    sparsePtr[g + 1] = spRow.length;
  }
  for (let a = 0; a < pp1; a++) for (let b = 0; b < a; b++) RXX[b * pp1 + a] = RXX[a * pp1 + b]!;
  // Rows of the other terms may come in any level order, so some sums landed in the
  // upper triangle; fold them into the lower one and mirror.
  for (let a = 0; a < (levelOf ? 0 : m); a++) {
    for (let b = a + 1; b < m; b++) {
      const s = R[a * m + b]! + R[b * m + a]!;
      R[b * m + a] = s;
      R[a * m + b] = s;
    }
  }

  const cp: CrossProducts = {
    n,
    p,
    Q2,
    m,
    terms,
    n1,
    k1,
    A11,
    CD,
    sparsePtr,
    sparseRow: Int32Array.from(spRow),
    sparseK: Int32Array.from(spK),
    sparseValPtr: Int32Array.from(spValPtr),
    sparseVal: spVal.slice(0, spValLen),
    R,
    nested: levelOf ? { n2, k2, R22, R2X, RXX, levelOf, classes: null } : null,
    classes: null,
  };
  if (options.aggregate !== false) {
    if (cp.nested) cp.nested.classes = buildNestedClasses(cp);
    else cp.classes = buildClasses(cp);
  }
  return cp;
}

/**
 * The term-2 level of each term-1 level when there are exactly two random terms and
 * term 1 is nested in term 2 (each term-1 level within one term-2 level); else null.
 */
function nestedLevels(terms: ReTerm[], n: number): Int32Array | null {
  if (terms.length !== 2) return null;
  const [t1, t2] = terms as [ReTerm, ReTerm];
  const levelOf = new Int32Array(t1.levels.length).fill(-1);
  for (let i = 0; i < n; i++) {
    const g = t1.group[i]!;
    const l = t2.group[i]!;
    const cur = levelOf[g]!;
    if (cur === -1) levelOf[g] = l;
    else if (cur !== l) return null;
  }
  return levelOf;
}

/** (X'X of the fixed-effect columns, p × p row-major) from either layout. */
export function fixedCrossProduct(cp: CrossProducts): Float64Array {
  const { p, m, Q2 } = cp;
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) out[i * p + j] = cp.nested ? cp.nested.RXX[i * (p + 1) + j]! : cp.R[(Q2 + i) * m + Q2 + j]!;
  }
  return out;
}

/**
 * Aggregation for the nested layout: the term-1 contribution to the term-2 blocks, their
 * border and the [X y] block depends on a term-1 level only through its Z1'Z1 block
 * (class) and its term-2 level, so Σ over levels is precomputed per (level, class) pair.
 */
function buildNestedClasses(cp: CrossProducts): NestedClasses | null {
  const nb = cp.nested!;
  const { n1, k1, p } = cp;
  const { k2, levelOf } = nb;
  const pp1 = p + 1;
  const kk = k1 * k1;
  const map = new Map<number | string, number>();
  const classOf = new Int32Array(n1);
  const blocks: number[] = [];
  for (let g = 0; g < n1; g++) {
    const key = blockKey(cp.A11, g * kk, kk);
    let c = map.get(key);
    if (c === undefined) {
      c = map.size;
      map.set(key, c);
      for (let a = 0; a < kk; a++) blocks.push(cp.A11[g * kk + a]!);
    }
    classOf[g] = c;
  }
  const nc = map.size;
  // A term-2 level whose columns are zero in all its rows (lme4's spelling of a partially
  // nested design: each control participant its own "group", with (0 + trt | group)) takes no
  // part in the elimination: its S_g are zero, and its block stays the identity. Its
  // participants are pooled per class under level −1, which evaluations skip, so those
  // singleton levels cost nothing per evaluation, as the placeholder cluster does.
  const kk2 = k2 * k2;
  const silent = new Uint8Array(nb.n2);
  for (let l = 0; l < nb.n2; l++) {
    let zero = true;
    for (let a = 0; a < k2 && zero; a++) zero = nb.R22[l * kk2 + a * k2 + a] === 0;
    silent[l] = zero ? 1 : 0;
  }
  const pairIndex = new Map<number, number>();
  const pairLevel: number[] = [];
  const pairClass: number[] = [];
  const pairOf = new Int32Array(n1);
  for (let g = 0; g < n1; g++) {
    const l = levelOf[g]! >= 0 && silent[levelOf[g]!] === 1 ? -1 : levelOf[g]!;
    const key = (l + 1) * nc + classOf[g]!;
    let q = pairIndex.get(key);
    if (q === undefined) {
      q = pairLevel.length;
      pairIndex.set(key, q);
      pairLevel.push(l);
      pairClass.push(classOf[g]!);
    }
    pairOf[g] = q;
  }
  const nPairs = pairLevel.length;
  const aggregated = nPairs * kk * (k2 * k2 + pp1 * k2) + nc * kk * pp1 * pp1;
  const perLevel = n1 * k1 * (k2 + pp1) * (k2 + pp1);
  if (aggregated >= perLevel) return null;
  const zz = k2 * k2;
  const xz = pp1 * k2;
  const xx = pp1 * pp1;
  const TZZ = new Float64Array(nPairs * kk * zz);
  const TXZ = new Float64Array(nPairs * kk * xz);
  const TXX = new Float64Array(nc * kk * xx);
  const count = new Int32Array(nc);
  for (let g = 0; g < n1; g++) {
    const c = classOf[g]!;
    count[c] = count[c]! + 1;
    const q = pairOf[g]!;
    const e = cp.sparsePtr[g]!;
    const hasS = cp.sparsePtr[g + 1]! > e;
    const v0 = hasS ? cp.sparseValPtr[e]! : 0;
    const c0 = g * pp1 * k1;
    for (let r = 0; r < k1; r++) {
      for (let s2 = 0; s2 < k1; s2++) {
        const rs = r * k1 + s2;
        if (hasS) {
          const oz = (q * kk + rs) * zz;
          for (let a = 0; a < k2; a++) {
            const sa = cp.sparseVal[v0 + a * k1 + r]!;
            if (sa === 0) continue;
            for (let b = 0; b < k2; b++) TZZ[oz + a * k2 + b] = TZZ[oz + a * k2 + b]! + sa * cp.sparseVal[v0 + b * k1 + s2]!;
          }
          const ox = (q * kk + rs) * xz;
          for (let a = 0; a < pp1; a++) {
            const ca = cp.CD[c0 + a * k1 + r]!;
            if (ca === 0) continue;
            for (let b = 0; b < k2; b++) TXZ[ox + a * k2 + b] = TXZ[ox + a * k2 + b]! + ca * cp.sparseVal[v0 + b * k1 + s2]!;
          }
        }
        const oxx = (c * kk + rs) * xx;
        for (let a = 0; a < pp1; a++) {
          const ca = cp.CD[c0 + a * k1 + r]!;
          if (ca === 0) continue;
          for (let b = 0; b < pp1; b++) TXX[oxx + a * pp1 + b] = TXX[oxx + a * pp1 + b]! + ca * cp.CD[c0 + b * k1 + s2]!;
        }
      }
    }
  }
  return { A: Float64Array.from(blocks), count, pairLevel: Int32Array.from(pairLevel), pairClass: Int32Array.from(pairClass), TZZ, TXZ, TXX, classOf, pairOf };
}

/**
 * Group term-1 levels by identical Z1'Z1 blocks when that makes each deviance
 * evaluation cheaper: the term-1 contribution to the rest's Schur complement is
 * Σ_g C_g H(A_g) C_g' with H depending only on A_g, so levels sharing A_g can share
 * one precomputed Σ C_g[:, r] C_g[:, s]'.
 */
function buildClasses(cp: CrossProducts): LevelClasses | null {
  const { n1, k1, m, A11 } = cp;
  const kk = k1 * k1;
  const map = new Map<number | string, number>();
  const classOf = new Int32Array(n1);
  const blocks: number[] = [];
  for (let g = 0; g < n1; g++) {
    const key = blockKey(A11, g * kk, kk);
    let c = map.get(key);
    if (c === undefined) {
      c = map.size;
      map.set(key, c);
      for (let a = 0; a < kk; a++) blocks.push(A11[g * kk + a]!);
    }
    classOf[g] = c;
  }
  const nc = map.size;
  // Cost per evaluation: aggregated nc·k1²·m² versus per level Σ_g len_g²·k1.
  let perLevel = 0;
  for (let g = 0; g < n1; g++) {
    let len = cp.p + 1;
    for (let e = cp.sparsePtr[g]!; e < cp.sparsePtr[g + 1]!; e++) len += cp.sparseK[e]!;
    perLevel += len * len * k1;
  }
  const aggregated = nc * kk * m * m;
  if (aggregated >= perLevel || aggregated > 5e7) return null;

  const count = new Int32Array(nc);
  const T = new Float64Array(nc * kk * m * m);
  const col = new Float64Array(m * k1);
  const nz: number[] = [];
  for (let g = 0; g < n1; g++) {
    const c = classOf[g]!;
    count[c] = count[c]! + 1;
    levelRestColumns(cp, g, col, nz);
    const base = c * kk * m * m;
    for (let r = 0; r < k1; r++) {
      for (let s = 0; s < k1; s++) {
        const off = base + (r * k1 + s) * m * m;
        for (const a of nz) {
          const va = col[a * k1 + r]!;
          if (va === 0) continue;
          for (const b of nz) T[off + a * m + b] = T[off + a * m + b]! + (va * col[b * k1 + s]!);
        }
      }
    }
    for (const a of nz) for (let r = 0; r < k1; r++) col[a * k1 + r] = 0;
  }
  return { count, A: Float64Array.from(blocks), T, classOf };
}

/**
 * Scatter level g's rest'Z1 block (m × k1, row-major) into `col` (assumed zero) and list
 * its nonzero rows in `nz`.
 */
export function levelRestColumns(cp: CrossProducts, g: number, col: Float64Array, nz: number[]): void {
  const { k1, p, Q2 } = cp;
  nz.length = 0;
  for (let e = cp.sparsePtr[g]!; e < cp.sparsePtr[g + 1]!; e++) {
    const row = cp.sparseRow[e]!;
    const kj = cp.sparseK[e]!;
    const v0 = cp.sparseValPtr[e]!;
    for (let a = 0; a < kj; a++) {
      nz.push(row + a);
      for (let c = 0; c < k1; c++) col[(row + a) * k1 + c] = cp.sparseVal[v0 + a * k1 + c]!;
    }
  }
  const c0 = g * (p + 1) * k1;
  for (let a = 0; a <= p; a++) {
    nz.push(Q2 + a);
    for (let c = 0; c < k1; c++) col[(Q2 + a) * k1 + c] = cp.CD[c0 + a * k1 + c]!;
  }
}

/**
 * Σ_s f_s · parts_s for cross-products formed on the same rows with different weights
 * (hence one sparsity pattern): the cross-products of a model whose residual variance
 * differs by stratum, at given variance ratios, without another pass over the rows.
 */
export function combineCrossProducts(parts: CrossProducts[], factors: number[]): CrossProducts {
  const first = parts[0]!;
  const sum = (get: (c: CrossProducts) => Float64Array): Float64Array => {
    const out = new Float64Array(get(first).length);
    parts.forEach((c, k) => {
      const a = get(c);
      const f = factors[k]!;
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + f * a[i]!;
    });
    return out;
  };
  return {
    ...first,
    A11: sum((c) => c.A11),
    CD: sum((c) => c.CD),
    sparseVal: sum((c) => c.sparseVal),
    R: sum((c) => c.R),
    nested: first.nested
      ? {
          ...first.nested,
          R22: sum((c) => c.nested!.R22),
          R2X: sum((c) => c.nested!.R2X),
          RXX: sum((c) => c.nested!.RXX),
          classes: null,
        }
      : null,
    classes: null,
  };
}

/** A map key for a k × k block: the number itself for 1 × 1 (no string per level at register scale). */
function blockKey(A: Float64Array, a0: number, kk: number): number | string {
  if (kk === 1) return A[a0]!;
  let key = '';
  for (let a = 0; a < kk; a++) key += `${A[a0 + a]},`;
  return key;
}

/** Random terms in lme4's order (most levels first, stable) with θ offsets. */
export function buildReTerms(frame: ModelFrame): ReTerm[] {
  const order = frame.random.map((_, i) => i).sort((a, b) => frame.random[b]!.levels.length - frame.random[a]!.levels.length || a - b);
  let off = 0;
  return order.map((i) => {
    const r = frame.random[i]!;
    const k = r.columnNames.length;
    const t: ReTerm = {
      label: r.term.label,
      groupName: r.groupName,
      levels: r.levels,
      k,
      columnNames: r.columnNames,
      group: r.group,
      Z: r.Z,
      thetaOffset: off,
      restOffset: -1,
      frameIndex: i,
    };
    off += (k * (k + 1)) / 2;
    return t;
  });
}

/**
 * The cross-products of the same model with another response: the parts that do not involve y
 * (Z'Z, X'X, Z'X and their aggregates) are shared with `cp`, and the response's row of each
 * y-dependent part is re-formed in a fresh array. Sums run over the rows in the order
 * `formCrossProducts` uses, so the result equals `formCrossProducts(terms, X, y, …)` bit for
 * bit, at the cost of one pass that touches only the response. What refits to simulated
 * responses (the parametric bootstrap) need; not for weighted (stratified) parts.
 * @param X - the column-major n × p fixed-effects matrix `cp` was formed from.
 * @param columns - the internal columns of the new response (the same X and Z plan as cp's).
 */
export function withResponse(cp: CrossProducts, X: Float64Array, y: Float64Array, columns: InternalColumns): CrossProducts {
  return responseRefresher(cp, X)(y, columns);
}

/**
 * `withResponse` for many responses: what depends on the design only (the rows' order by
 * term-1 level, each level's aggregation class) is found once.
 */
export function responseRefresher(cp: CrossProducts, X: Float64Array | CellDesign): (y: Float64Array, columns: InternalColumns) => CrossProducts {
  const { n, p, n1, k1, m, Q2, terms } = cp;
  const pp1 = p + 1;
  const t1 = terms[0]!;
  const start = new Int32Array(n1 + 1);
  for (let i = 0; i < n; i++) start[t1.group[i]! + 1] = start[t1.group[i]! + 1]! + 1;
  for (let g = 0; g < n1; g++) start[g + 1] = start[g + 1]! + start[g]!;
  const order = new Int32Array(n);
  const fill = start.slice(0, n1);
  for (let i = 0; i < n; i++) order[fill[t1.group[i]!]!++] = i;
  // The internal X columns, row by row, for the columns' last centring and scaling (a refitter
  // passes the same arrays for every response).
  let xt: { shift: Float64Array; mul: ArrayLike<number>; rows: Float64Array } | null = null;
  const internalX = (shift: Float64Array, mul: ArrayLike<number>): Float64Array => {
    if (xt && xt.shift === shift && xt.mul === mul) return xt.rows;
    const rows = new Float64Array(n * p);
    // (X as its distinct rows: each row's values from its cell's row, the same values.)
    if (X instanceof Float64Array) for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) rows[i * p + c] = (X[c * n + i]! - shift[c]!) * mul[c]!;
    else for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) rows[i * p + c] = (X.table[X.cell[i]! * p + c]! - shift[c]!) * mul[c]!;
    xt = { shift, mul, rows };
    return rows;
  };
  return (y, columns) => {
    const { xShift, xMul, yShift, yMul, zMul } = columns;
    const xRows = internalX(xShift, xMul);
    const z1Mul = zMul[0]!;
    const CD = cp.CD.slice();
    for (let g = 0; g < n1; g++) for (let c = 0; c < k1; c++) CD[g * pp1 * k1 + p * k1 + c] = 0;
    const nb = cp.nested;
    const t2 = nb ? terms[1]! : null;
    const k2 = nb ? nb.k2 : 0;
    const R2X = nb ? nb.R2X.slice() : new Float64Array(0);
    const RXX = nb ? nb.RXX.slice() : new Float64Array(0);
    if (nb) {
      for (let l = 0; l < nb.n2; l++) R2X.fill(0, (l * pp1 + p) * k2, (l * pp1 + p + 1) * k2);
      RXX.fill(0, p * pp1, pp1 * pp1);
    }
    const R = nb ? cp.R : cp.R.slice();
    if (!nb) R.fill(0, (Q2 + p) * m, (Q2 + p + 1) * m);
    const others = terms.slice(1);
    const idx = new Int32Array(m);
    const val = new Float64Array(m);
    const z1 = new Float64Array(k1);
    const rx = new Float64Array(pp1);
    const z2 = new Float64Array(k2);
    for (let g = 0; g < n1; g++) {
      const yRow = g * pp1 * k1 + p * k1;
      for (let r = start[g]!; r < start[g + 1]!; r++) {
        const i = order[r]!;
        for (let c = 0; c < k1; c++) z1[c] = t1.Z[c * n + i]! * z1Mul[c]!;
        for (let c = 0; c < p; c++) rx[c] = xRows[i * p + c]!;
        const ry = (y[i]! - yShift) * yMul;
        rx[p] = ry;
        if (ry !== 0) for (let c = 0; c < k1; c++) CD[yRow + c] = CD[yRow + c]! + ry * z1[c]!;
        if (t2) {
          if (ry === 0) continue;
          const l = t2.group[i]!;
          const m2 = zMul[1]!;
          for (let a = 0; a < k2; a++) z2[a] = t2.Z[a * n + i]! * m2[a]!;
          const o = (l * pp1 + p) * k2;
          for (let b = 0; b < k2; b++) R2X[o + b] = R2X[o + b]! + ry * z2[b]!;
          for (let b = 0; b <= p; b++) RXX[p * pp1 + b] = RXX[p * pp1 + b]! + ry * rx[b]!;
          continue;
        }
        // The response is the last of the row's rest positions, so its products land in its row.
        let len = 0;
        for (let ti = 0; ti < others.length; ti++) {
          const t = others[ti]!;
          const tMul = zMul[ti + 1]!;
          const base = t.restOffset + t.group[i]! * t.k;
          for (let a = 0; a < t.k; a++) {
            idx[len] = base + a;
            val[len++] = t.Z[a * n + i]! * tMul[a]!;
          }
        }
        for (let c = 0; c < pp1; c++) {
          idx[len] = Q2 + c;
          val[len++] = rx[c]!;
        }
        if (ry === 0) continue;
        const ra = (Q2 + p) * m;
        for (let b = 0; b < len; b++) R[ra + idx[b]!] = R[ra + idx[b]!]! + ry * val[b]!;
      }
    }
    if (nb) {
      for (let b = 0; b < p; b++) RXX[b * pp1 + p] = RXX[p * pp1 + b]!;
    } else {
      for (let b = 0; b < m; b++) R[b * m + Q2 + p] = R[(Q2 + p) * m + b]!;
    }
    const out: CrossProducts = { ...cp, CD, R, nested: nb ? { ...nb, R2X, RXX, classes: null } : null, classes: null };
    if (nb?.classes) out.nested!.classes = nestedClassesWithResponse(out, nb.classes);
    if (cp.classes) out.classes = classesWithResponse(out, cp.classes);
    return out;
  };
}

/** `buildNestedClasses`'s sums re-formed where they involve the response (the last of [X y]). */
function nestedClassesWithResponse(cp: CrossProducts, cls: NestedClasses): NestedClasses {
  const { n1, k1, p } = cp;
  const k2 = cp.nested!.k2;
  const pp1 = p + 1;
  const kk = k1 * k1;
  const xz = pp1 * k2;
  const xx = pp1 * pp1;
  // In-memory classes know each level's class and pair (a refresher needs the levels' own sums).
  const classOf = cls.classOf!;
  const pairOf = cls.pairOf!;
  const TXX = cls.TXX.slice();
  const TXZ = cls.TXZ.slice();
  const nc = cls.count.length;
  for (let q = 0; q < nc * kk; q++) {
    TXX.fill(0, q * xx + p * pp1, (q + 1) * xx);
    for (let a = 0; a < p; a++) TXX[q * xx + a * pp1 + p] = 0;
  }
  for (let q = 0; q < cls.pairLevel.length * kk; q++) TXZ.fill(0, q * xz + p * k2, (q + 1) * xz);
  for (let g = 0; g < n1; g++) {
    const c = classOf[g]!;
    const q = pairOf[g]!;
    const e = cp.sparsePtr[g]!;
    const hasS = cp.sparsePtr[g + 1]! > e;
    const v0 = hasS ? cp.sparseValPtr[e]! : 0;
    const c0 = g * pp1 * k1;
    for (let r = 0; r < k1; r++) {
      for (let s2 = 0; s2 < k1; s2++) {
        const rs = r * k1 + s2;
        const cy = cp.CD[c0 + p * k1 + r]!;
        if (hasS && cy !== 0) {
          const ox = (q * kk + rs) * xz + p * k2;
          for (let b = 0; b < k2; b++) TXZ[ox + b] = TXZ[ox + b]! + cy * cp.sparseVal[v0 + b * k1 + s2]!;
        }
        // Row p (all b) and column p (rows a < p), each in buildNestedClasses' order.
        const oxx = (c * kk + rs) * xx;
        for (let a = 0; a < pp1; a++) {
          const ca = cp.CD[c0 + a * k1 + r]!;
          if (ca === 0) continue;
          if (a === p) for (let b = 0; b < pp1; b++) TXX[oxx + p * pp1 + b] = TXX[oxx + p * pp1 + b]! + ca * cp.CD[c0 + b * k1 + s2]!;
          else TXX[oxx + a * pp1 + p] = TXX[oxx + a * pp1 + p]! + ca * cp.CD[c0 + p * k1 + s2]!;
        }
      }
    }
  }
  return { ...cls, TXX, TXZ };
}

/** `buildClasses`' sums re-formed where they involve the response (rest index Q2 + p). */
function classesWithResponse(cp: CrossProducts, cls: LevelClasses): LevelClasses {
  const { n1, k1, m, Q2, p } = cp;
  const kk = k1 * k1;
  const mm = m * m;
  const yi = Q2 + p;
  const nc = cls.count.length;
  const classOf = cls.classOf!;
  const T = cls.T.slice();
  for (let q = 0; q < nc * kk; q++) {
    T.fill(0, q * mm + yi * m, q * mm + (yi + 1) * m);
    for (let a = 0; a < m; a++) T[q * mm + a * m + yi] = 0;
  }
  const col = new Float64Array(m * k1);
  const nz: number[] = [];
  for (let g = 0; g < n1; g++) {
    const c = classOf[g]!;
    levelRestColumns(cp, g, col, nz);
    const base = c * kk * mm;
    for (let r = 0; r < k1; r++) {
      for (let s = 0; s < k1; s++) {
        const off = base + (r * k1 + s) * mm;
        for (const a of nz) {
          const va = col[a * k1 + r]!;
          if (va === 0) continue;
          if (a === yi) for (const b of nz) T[off + a * m + b] = T[off + a * m + b]! + va * col[b * k1 + s]!;
          else T[off + a * m + yi] = T[off + a * m + yi]! + va * col[yi * k1 + s]!;
        }
      }
    }
    for (const a of nz) for (let r = 0; r < k1; r++) col[a * k1 + r] = 0;
  }
  return { ...cls, T };
}

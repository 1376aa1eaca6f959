/**
 * Kenward–Roger adjusted covariance of the fixed effects and denominator degrees of
 * freedom (Kenward & Roger 1997, Biometrics 53(3)), computed as pbkrtest does
 * (Halekoh & Højsgaard 2014, JSS 59(9): `vcovAdj` and `Lb_ddf`).
 *
 * The marginal covariance is written linearly in the variance parameters γ,
 * Σ = Σ_r γ_r G_r: for each random term the variances and covariances of its
 * columns (G = Z_a Z_b' + Z_b Z_a' per level, or Z_a Z_a'), then the residual (G = I).
 * With Φ = (X'Σ⁻¹X)⁻¹, P_r = −X'Σ⁻¹G_rΣ⁻¹X, Q_rs = X'Σ⁻¹G_rΣ⁻¹G_sΣ⁻¹X and the
 * expected information I_rs = tr(Σ⁻¹G_rΣ⁻¹G_s) − 2tr(ΦQ_rs) + tr(ΦP_rΦP_s) (halved into
 * W = 2I⁻¹), the adjusted covariance is Φ_A = Φ + 2Φ[Σ_rs W_rs(Q_rs − P_rΦP_s)]Φ.
 *
 * pbkrtest forms these with dense n × n matrices. Here they are summed over the blocks of rows
 * that the random effects link (a therapy group's participants, a control participant), each
 * block dense, so the cost is linear in the number of rows for nested and partially nested
 * designs. Crossed random effects that link more than 4,000 rows into one block raise an
 * ArgumentError suggesting Satterthwaite.
 */
import { ArgumentError } from '../../errors/index.js';
import { choleskyInPlace, inverseFromCholesky, symmetricEigen } from '../../linalg/dense.js';
import { matmul } from '../../linalg/products.js';
import { contrastToInternal, covarianceToOriginal, internalDesign, type ColumnPlan } from '../centring.js';
import { lambdaBlocks } from './deviance.js';
import { vcovFromFactor } from './satterthwaite.js';
import type { LmmState } from './state.js';

const MAX_ROWS = 4000;


/** acc (p × p) += sign · A'B for A, B of m × p, row-major. */
function addCrossProduct(acc: Float64Array, A: Float64Array, B: Float64Array, m: number, p: number, sign: number): void {
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < p; i++) {
      const a = sign * A[k * p + i]!;
      if (a === 0) continue;
      for (let j = 0; j < p; j++) acc[i * p + j] = acc[i * p + j]! + a * B[k * p + j]!;
    }
  }
}

/**
 * Rows of each level whose random-effect columns are not all zero, grouped (counting sort):
 * rows[start[l] … start[l + 1]). Rows with zero columns do not enter the term's G and must not
 * link blocks: in lme4's spelling of partial nesting, (0 + sft | group), every control shares
 * the placeholder level with a zero column.
 */
function levelMembers(t: { group: Int32Array; levels: readonly string[]; k: number; Z: Float64Array }, n: number): { start: Int32Array; rows: Int32Array } {
  const nLevels = t.levels.length;
  const active = new Uint8Array(n);
  for (let c = 0; c < t.k; c++) for (let i = 0; i < n; i++) if (t.Z[c * n + i] !== 0) active[i] = 1;
  const start = new Int32Array(nLevels + 1);
  for (let i = 0; i < n; i++) if (active[i]) start[t.group[i]! + 1] = start[t.group[i]! + 1]! + 1;
  for (let l = 0; l < nLevels; l++) start[l + 1] = start[l + 1]! + start[l]!;
  const fill = start.slice(0, nLevels);
  const rows = new Int32Array(start[nLevels]!);
  for (let i = 0; i < n; i++) if (active[i]) rows[fill[t.group[i]!]!++] = i;
  return { start, rows };
}

/**
 * Connected components of the rows, two rows being linked when they share a level of a random
 * term (union–find), with each component's rows (ascending) and, per term, its levels.
 */
function rowComponents(
  terms: readonly { group: Int32Array; levels: readonly string[] }[],
  members: readonly { start: Int32Array; rows: Int32Array }[],
  n: number,
): { count: number; start: Int32Array; rows: Int32Array; levels: number[][][] } {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  members.forEach((mb, j) => {
    for (let l = 0; l < terms[j]!.levels.length; l++) {
      const a = mb.start[l]!;
      const b = mb.start[l + 1]!;
      for (let e = a + 1; e < b; e++) {
        const ra = find(mb.rows[a]!);
        const rb = find(mb.rows[e]!);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  });
  const id = new Int32Array(n).fill(-1);
  const compOf = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (id[r] === -1) id[r] = count++;
    compOf[i] = id[r]!;
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[compOf[i]! + 1] = start[compOf[i]! + 1]! + 1;
  for (let c = 0; c < count; c++) start[c + 1] = start[c + 1]! + start[c]!;
  const fill = start.slice(0, count);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[fill[compOf[i]!]!++] = i;
  const levels: number[][][] = Array.from({ length: count }, () => terms.map(() => []));
  members.forEach((mb, j) => {
    for (let l = 0; l < terms[j]!.levels.length; l++) {
      if (mb.start[l + 1]! > mb.start[l]!) levels[compOf[mb.rows[mb.start[l]!]!]!]![j]!.push(l);
    }
  });
  return { count, start, rows, levels };
}

/**
 * Φ, P and W are of the objective's internal (centred, scaled) columns X̃ = X T, where they are
 * well conditioned; the method is invariant under such a reparametrisation (Φ_A maps as
 * T Φ̃_A T', and a contrast L as T'L), so PhiA is returned of the original columns.
 */
interface KrCache {
  Phi: Float64Array;
  /** Adjusted covariance of the original coefficients, and of the internal ones. */
  PhiA: Float64Array;
  PhiAi: Float64Array;
  plan: ColumnPlan;
  P: Float64Array[];
  W: number[][];
}

const cache = new WeakMap<LmmState, KrCache>();

/** pbkrtest's vcovAdj: the adjusted covariance with the P and W it used. */
export function krAdjustment(s: LmmState): KrCache {
  const hit = cache.get(s);
  if (hit) return hit;
  const { cp, frame } = s;
  const n = cp.n;
  if (s.objective.strata) {
    throw new ArgumentError('options.ddf', 'Kenward-Roger', 'Satterthwaite with residualVarianceBy: Kenward–Roger here (as pbkrtest) assumes one residual variance');
  }
  const p = s.kept.length;
  const Xk = new Float64Array(n * p);
  s.kept.forEach((j, c) => Xk.set(frame.X.subarray(j * n, (j + 1) * n), c * n));
  const plan = s.objective.plan;
  const X = internalDesign(plan, Xk, n);
  const sigma2 = s.sigma * s.sigma;

  // Variance parameters γ and the structure of each G_r.
  interface GSpec { term: number; a: number; b: number }
  const specs: GSpec[] = [];
  const gamma: number[] = [];
  const lams = lambdaBlocks(cp, s.theta);
  cp.terms.forEach((t, j) => {
    const k = t.k;
    const lam = lams[j]!;
    // pbkrtest orders each term's parameters as vech of the covariance (column-major lower triangle).
    for (let b = 0; b < k; b++) {
      for (let a = b; a < k; a++) {
        let v = 0;
        for (let c = 0; c < k; c++) v += lam[a * k + c]! * lam[b * k + c]!;
        specs.push({ term: j, a, b });
        gamma.push(v * sigma2);
      }
    }
  });
  const nG = specs.length + 1; // + residual

  // Σ is block diagonal over the connected components of the rows (rows sharing a level of any
  // random term), and so are Σ⁻¹ and every G_r: Ktrace, P and Q are sums over components of the
  // same products formed on each component's rows. In a partially nested trial a component is a
  // therapy group's participants or one control participant, so the cost is linear in the rows.
  const members = cp.terms.map((t) => levelMembers(t, n));
  const comps = rowComponents(cp.terms, members, n);
  const P: Float64Array[] = Array.from({ length: nG }, () => new Float64Array(p * p));
  const Q: Float64Array[][] = Array.from({ length: nG }, () => Array.from({ length: nG }, () => new Float64Array(p * p)));
  const Ktrace: number[][] = Array.from({ length: nG }, () => new Array<number>(nG).fill(0));
  const local = new Int32Array(n);
  for (let c = 0; c < comps.count; c++) {
    const rows = comps.rows.subarray(comps.start[c]!, comps.start[c + 1]!);
    const m = rows.length;
    if (m > MAX_ROWS) {
      throw new ArgumentError(
        'options.ddf',
        'Kenward-Roger',
        `Satterthwaite: Kenward–Roger needs a dense matrix for each block of rows linked by the random effects, and here ${m} rows are linked (crossed random effects); at most ${MAX_ROWS} are supported`,
      );
    }
    rows.forEach((i, li) => (local[i] = li));
    const levelsIn = comps.levels[c]!;

    // Σ_c = σ²I + Σ_r γ_r G_r on the component's rows.
    const Sc = new Float64Array(m * m);
    for (let i = 0; i < m; i++) Sc[i * m + i] = sigma2;
    specs.forEach((sp, r) => {
      const t = cp.terms[sp.term]!;
      const za = t.Z.subarray(sp.a * n, (sp.a + 1) * n);
      const zb = t.Z.subarray(sp.b * n, (sp.b + 1) * n);
      const g = gamma[r]!;
      for (const l of levelsIn[sp.term]!) {
        const lev = members[sp.term]!.rows.subarray(members[sp.term]!.start[l]!, members[sp.term]!.start[l + 1]!);
        for (const i of lev) {
          const row = local[i]! * m;
          for (const i2 of lev) {
            const v = sp.a === sp.b ? za[i]! * za[i2]! : za[i]! * zb[i2]! + zb[i]! * za[i2]!;
            Sc[row + local[i2]!] = Sc[row + local[i2]!]! + g * v;
          }
        }
      }
    });
    if (!choleskyInPlace(Sc, m)) {
      throw new ArgumentError('model', 'a marginal covariance that is not positive definite', 'a fit with a valid covariance for Kenward–Roger');
    }
    const Si = inverseFromCholesky(Sc, m);

    // H_r = G_r Σ⁻¹ (m × m) from the level structure; the residual's is Σ⁻¹ itself.
    const H: Float64Array[] = specs.map((sp) => {
      const t = cp.terms[sp.term]!;
      const za = t.Z.subarray(sp.a * n, (sp.a + 1) * n);
      const zb = t.Z.subarray(sp.b * n, (sp.b + 1) * n);
      const out = new Float64Array(m * m);
      const sa = new Float64Array(m);
      const sb = new Float64Array(m);
      for (const l of levelsIn[sp.term]!) {
        const lev = members[sp.term]!.rows.subarray(members[sp.term]!.start[l]!, members[sp.term]!.start[l + 1]!);
        sa.fill(0);
        sb.fill(0);
        for (const i2 of lev) {
          const a2 = za[i2]!;
          const b2 = zb[i2]!;
          const row = local[i2]! * m;
          for (let col = 0; col < m; col++) {
            const v = Si[row + col]!;
            sa[col] = sa[col]! + a2 * v;
            sb[col] = sb[col]! + b2 * v;
          }
        }
        for (const i of lev) {
          const row = local[i]! * m;
          if (sp.a === sp.b) {
            const a = za[i]!;
            for (let col = 0; col < m; col++) out[row + col] = a * sa[col]!;
          } else {
            const a = za[i]!;
            const b = zb[i]!;
            for (let col = 0; col < m; col++) out[row + col] = a * sb[col]! + b * sa[col]!;
          }
        }
      }
      return out;
    });
    H.push(Si);

    const Xc = new Float64Array(m * p);
    for (let li = 0; li < m; li++) for (let col = 0; col < p; col++) Xc[li * p + col] = X[col * n + rows[li]!]!;
    const TT = matmul(Si, Xc, m, m, p); // Σ⁻¹X
    const OO = H.map((Hr) => matmul(Hr, Xc, m, m, p)); // G_rΣ⁻¹X
    const SiOO = OO.map((O) => matmul(Si, O, m, m, p));
    for (let r = 0; r < nG; r++) {
      addCrossProduct(P[r]!, OO[r]!, TT, m, p, -1);
      for (let s2 = 0; s2 < nG; s2++) addCrossProduct(Q[r]![s2]!, OO[r]!, SiOO[s2]!, m, p, 1);
      for (let s2 = r; s2 < nG; s2++) {
        let v = 0;
        const A = H[r]!;
        const B = H[s2]!;
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) v += A[j * m + i]! * B[i * m + j]!;
        Ktrace[r]![s2] = Ktrace[r]![s2]! + v;
        if (s2 !== r) Ktrace[s2]![r] = Ktrace[s2]![r]! + v;
      }
    }
  }
  // forceSymmetric: pbkrtest keeps the upper triangle.
  for (const Pr of P) for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) Pr[i * p + j] = Pr[j * p + i]!;

  const Phi = vcovFromFactor(s.objective.evaluate(s.params).Lx, p, s.sigma);
  const trProd = (A: Float64Array, B: Float64Array) => {
    let v = 0;
    for (let e = 0; e < p * p; e++) v += A[e]! * B[e]!;
    return v;
  };
  const PhiP = P.map((Pr) => matmul(Phi, Pr, p, p, p));
  const IE2 = new Float64Array(nG * nG);
  for (let r = 0; r < nG; r++) {
    for (let s2 = r; s2 < nG; s2++) {
      const PsPhi = matmul(P[s2]!, Phi, p, p, p);
      // sum(Phi.P.ii * (PP[[jj]] %*% Phi)) is an elementwise product sum.
      const v = Ktrace[r]![s2]! - 2 * trProd(Phi, Q[r]![s2]!) + trProd(PhiP[r]!, PsPhi);
      IE2[r * nG + s2] = v;
      IE2[s2 * nG + r] = v;
    }
  }
  const { values, vectors } = symmetricEigen(IE2, nG);
  const condi = Math.min(...Array.from(values).map(Math.abs));
  const W: number[][] = Array.from({ length: nG }, () => new Array<number>(nG).fill(0));
  const tolInv = Math.max(...Array.from(values).map(Math.abs)) * nG * Number.EPSILON;
  for (let i = 0; i < nG; i++) {
    for (let j = 0; j < nG; j++) {
      let v = 0;
      for (let k = 0; k < nG; k++) {
        const ev = values[k]!;
        // Below 1e-10 pbkrtest switches to a generalised inverse.
        if (condi <= 1e-10 && Math.abs(ev) <= tolInv) continue;
        v += (vectors[i * nG + k]! * vectors[j * nG + k]!) / ev;
      }
      W[i]![j] = 2 * v;
    }
  }
  const UU = new Float64Array(p * p);
  for (let r = 0; r < nG; r++) {
    for (let s2 = r; s2 < nG; s2++) {
      const PrPhiPs = matmul(matmul(P[r]!, Phi, p, p, p), P[s2]!, p, p, p);
      const w = W[r]![s2]!;
      for (let e = 0; e < p * p; e++) {
        const v = w * (Q[r]![s2]![e]! - PrPhiPs[e]!);
        if (r === s2) UU[e] = UU[e]! + v;
        else {
          // UU + t(UU) for the off-diagonal pairs.
          const i = Math.floor(e / p);
          const j = e % p;
          UU[e] = UU[e]! + v;
          UU[j * p + i] = UU[j * p + i]! + v;
        }
      }
    }
  }
  const G = matmul(matmul(Phi, UU, p, p, p), Phi, p, p, p);
  const PhiAi = new Float64Array(p * p);
  for (let e = 0; e < p * p; e++) PhiAi[e] = Phi[e]! + 2 * G[e]!;
  const out: KrCache = { Phi, PhiA: covarianceToOriginal(plan, PhiAi), PhiAi, plan, P, W };
  cache.set(s, out);
  return out;
}

/**
 * Kenward–Roger denominator df of H0: Lβ = 0 (pbkrtest's `Lb_ddf`), for L with q rows over the
 * original coefficients.
 */
export function krDdf(kr: KrCache, Lorig: number[][], p: number): number {
  const q = Lorig.length;
  const L = Lorig.map((row) => Array.from(contrastToInternal(kr.plan, row)));
  const V0 = kr.Phi;
  // Θ = L'(L V0 L')⁻¹ L
  const LV = L.map((row) => Array.from({ length: p }, (_, j) => row.reduce((a, li, i) => a + li * V0[i * p + j]!, 0)));
  const M = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) M[a * q + b] = LV[a]!.reduce((acc, v, j) => acc + v * L[b]![j]!, 0);
  const Lm = Float64Array.from(M);
  choleskyInPlace(Lm, q);
  const Mi = inverseFromCholesky(Lm, q);
  const Theta = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
    let v = 0;
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) v += L[a]![i]! * Mi[a * q + b]! * L[b]![j]!;
    Theta[i * p + j] = v;
  }
  const mm = (A: Float64Array, B: Float64Array) => {
    const out = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) {
      const a = A[i * p + k]!;
      if (a === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j] = out[i * p + j]! + a * B[k * p + j]!;
    }
    return out;
  };
  const ThetaV0 = mm(Theta, V0);
  const U = kr.P.map((Pr) => mm(mm(ThetaV0, Pr), V0));
  let A1 = 0;
  let A2 = 0;
  const nG = U.length;
  const trace = (A: Float64Array) => {
    let v = 0;
    for (let i = 0; i < p; i++) v += A[i * p + i]!;
    return v;
  };
  for (let i = 0; i < nG; i++) {
    for (let j = i; j < nG; j++) {
      const e = i === j ? 1 : 2;
      const ui = U[i]!;
      const uj = U[j]!;
      A1 += e * kr.W[i]![j]! * trace(ui) * trace(uj);
      let s = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s += ui[a * p + b]! * uj[b * p + a]!;
      A2 += e * kr.W[i]![j]! * s;
    }
  }
  const B = (1 / (2 * q)) * (A1 + 6 * A2);
  const g = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2);
  const c1 = g / (3 * q + 2 * (1 - g));
  const c2 = (q - g) / (3 * q + 2 * (1 - g));
  const c3 = (q + 2 - g) / (3 * q + 2 * (1 - g));
  let V0s = 1 + c1 * B;
  const V1 = 1 - c2 * B;
  const V2 = 1 - c3 * B;
  if (Math.abs(V0s) < 1e-10) V0s = 0;
  const div = (x: number, y: number) => (Math.abs(y) < 1e-10 ? 0 : x / y);
  const rho = (1 / q) * div(1 - A2 / q, V1) ** 2 * (V0s / V2);
  return 4 + (q + 2) / (q * rho - 1);
}

/** KR-adjusted covariance and the df of each row of L (one-dimensional contrasts). */
export function kenwardRogerDf(s: LmmState, Ls: number[][]): { vcovAdjusted: Float64Array; df: number[] } {
  const kr = krAdjustment(s);
  const p = s.kept.length;
  return { vcovAdjusted: kr.PhiA, df: Ls.map((L) => krDdf(kr, [L], p)) };
}

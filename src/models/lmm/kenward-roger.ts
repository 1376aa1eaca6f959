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
 * This works with dense n × n matrices (as pbkrtest does), so it is meant for trial-sized
 * data: more than `maxRows` rows raise an ArgumentError suggesting Satterthwaite.
 */
import { ArgumentError } from '../../errors/index.js';
import { choleskyInPlace, inverseFromCholesky, symmetricEigen } from '../../linalg/dense.js';
import { contrastToInternal, covarianceToOriginal, internalDesign, type ColumnPlan } from '../centring.js';
import { lambdaBlocks } from './deviance.js';
import { vcovFromFactor } from './satterthwaite.js';
import type { LmmState } from './state.js';

const MAX_ROWS = 4000;

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
  if (n > MAX_ROWS) {
    throw new ArgumentError(
      'options.ddf',
      'Kenward-Roger',
      `Satterthwaite for more than ${MAX_ROWS} rows: Kenward–Roger needs dense n × n matrices (here n = ${n})`,
    );
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

  // Σ = σ²I + Σ_j Z_j (I ⊗ Σ_j) Z_j'  (dense).
  const Sigma = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Sigma[i * n + i] = sigma2;
  const members = cp.terms.map((t) => {
    const lists: number[][] = t.levels.map(() => []);
    for (let i = 0; i < n; i++) lists[t.group[i]!]!.push(i);
    return lists;
  });
  specs.forEach((sp, r) => {
    const t = cp.terms[sp.term]!;
    const za = t.Z.subarray(sp.a * n, (sp.a + 1) * n);
    const zb = t.Z.subarray(sp.b * n, (sp.b + 1) * n);
    const g = gamma[r]!;
    for (const lev of members[sp.term]!) {
      for (const i of lev) {
        for (const i2 of lev) {
          const v = sp.a === sp.b ? za[i]! * za[i2]! : za[i]! * zb[i2]! + zb[i]! * za[i2]!;
          Sigma[i * n + i2] = Sigma[i * n + i2]! + g * v;
        }
      }
    }
  });
  const Lc = Float64Array.from(Sigma);
  if (!choleskyInPlace(Lc, n)) {
    throw new ArgumentError('model', 'a marginal covariance that is not positive definite', 'a fit with a valid covariance for Kenward–Roger');
  }
  const Si = inverseFromCholesky(Lc, n);

  // H_r = G_r Σ⁻¹ (n × n) from the level structure; the residual's is Σ⁻¹ itself.
  const H: Float64Array[] = specs.map((sp) => {
    const t = cp.terms[sp.term]!;
    const za = t.Z.subarray(sp.a * n, (sp.a + 1) * n);
    const zb = t.Z.subarray(sp.b * n, (sp.b + 1) * n);
    const out = new Float64Array(n * n);
    const sa = new Float64Array(n);
    const sb = new Float64Array(n);
    for (const lev of members[sp.term]!) {
      sa.fill(0);
      sb.fill(0);
      for (const i2 of lev) {
        const a2 = za[i2]!;
        const b2 = zb[i2]!;
        const row = i2 * n;
        for (let c = 0; c < n; c++) {
          const v = Si[row + c]!;
          sa[c] = sa[c]! + a2 * v;
          sb[c] = sb[c]! + b2 * v;
        }
      }
      for (const i of lev) {
        const row = i * n;
        if (sp.a === sp.b) {
          const a = za[i]!;
          for (let c = 0; c < n; c++) out[row + c] = a * sa[c]!;
        } else {
          const a = za[i]!;
          const b = zb[i]!;
          for (let c = 0; c < n; c++) out[row + c] = a * sb[c]! + b * sa[c]!;
        }
      }
    }
    return out;
  });
  H.push(Si);

  const matmul = (A: Float64Array, B: Float64Array, ar: number, ac: number, bc: number) => {
    const out = new Float64Array(ar * bc);
    for (let i = 0; i < ar; i++) {
      for (let k = 0; k < ac; k++) {
        const a = A[i * ac + k]!;
        if (a === 0) continue;
        for (let j = 0; j < bc; j++) out[i * bc + j] = out[i * bc + j]! + a * B[k * bc + j]!;
      }
    }
    return out;
  };
  // Row-major X (n × p) for the products.
  const Xr = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) Xr[i * p + c] = X[c * n + i]!;
  const TT = matmul(Si, Xr, n, n, p); // Σ⁻¹X
  const OO = H.map((Hr) => matmul(Hr, Xr, n, n, p)); // G_rΣ⁻¹X … as H_r X = G_r Σ⁻¹ X
  const tr = (A: Float64Array, rows: number, cols: number) => {
    const out = new Float64Array(cols * rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = A[i * cols + j]!;
    return out;
  };
  const P = OO.map((O) => {
    const m = matmul(tr(O, n, p), TT, p, n, p);
    for (let e = 0; e < m.length; e++) m[e] = -m[e]!;
    // forceSymmetric: pbkrtest keeps the upper triangle.
    for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) m[i * p + j] = m[j * p + i]!;
    return m;
  });
  const SiOO = OO.map((O) => matmul(Si, O, n, n, p));
  const Q: Float64Array[][] = OO.map((O) => SiOO.map((SO) => matmul(tr(O, n, p), SO, p, n, p)));
  const Ktrace: number[][] = Array.from({ length: nG }, () => new Array<number>(nG).fill(0));
  for (let r = 0; r < nG; r++) {
    for (let s2 = r; s2 < nG; s2++) {
      let v = 0;
      const A = H[r]!;
      const B = H[s2]!;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v += A[j * n + i]! * B[i * n + j]!;
      Ktrace[r]![s2] = v;
      Ktrace[s2]![r] = v;
    }
  }
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

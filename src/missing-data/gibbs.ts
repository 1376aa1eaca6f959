/**
 * The joint multilevel imputation model and its Gibbs sampler (as jomo and pan sample the normal
 * multilevel model; Schafer & Yucel 2002; Carpenter & Kenward 2013, ch. 9). Everything is on a
 * standardised scale (outcome centred and scaled by the baseline mean and SD, covariates likewise),
 * so the draws do not depend on the data's origin or unit.
 *
 * For participant i with follow-up scores y_i (K visits), design row x_i = (1, arm dummies,
 * baseline, covariates) and therapy group g(i) (treated arms only, z_i = 1; controls z_i = 0):
 *
 *   y_i = B'x_i + z_i u_g(i) + e_i,   e_i ~ N_K(0, Σ),   u_g ~ N_K(0, Ψ),
 *
 * so each visit has its own arm means and baseline slope (arm × visit means, baseline × visit),
 * Σ (unstructured) carries the participant's correlation across visits, and u_g the therapy group's
 * effect at each visit. Priors: flat on B; Jeffreys |Σ|^−(K+1)/2 on Σ; inverse Wishart on Ψ with
 * K + 1 df and scale (K + 1)·ψ₀·diag(Σ̂₀), ψ₀ = 0.05 (a weak, proper prior whose scale follows the
 * data; with no prior the sampler can be absorbed at Ψ = 0 when groups differ little).
 *
 * One iteration draws, in turn: B | Y, U, Σ (matrix normal), Σ | Y, U, B (inverse Wishart with N
 * df), u_g | Y, B, Σ, Ψ (normal), Ψ | U (inverse Wishart), and the missing scores y_mis | y_obs,
 * B, Σ, u (conditional normal: data augmentation).
 */
import { gammaVariate } from '../random/variates.js';
import type { Rng } from '../random/rng.js';
import { choleskyInPlace, invertLower, invertSpd } from '../linalg/dense.js';
import { ConvergenceError } from '../errors/index.js';
import type { WideData } from './wide.js';

/** Weight of the group-covariance prior scale, a share of each visit's residual variance. */
export const GROUP_PRIOR_SHARE = 0.05;

/** The model on the standardised scale. */
export interface ModelSetup {
  N: number;
  K: number;
  p: number;
  /** N × p design, row-major. */
  X: Float64Array;
  /** Lower Cholesky factor of X'X (p × p). */
  Lx: Float64Array;
  /** N × K standardised follow-ups, NaN where missing. */
  Y: Float64Array;
  /** Observed pattern of each participant as a bit mask over visits. */
  pattern: Int32Array;
  /** Group of each participant, −1 for none. */
  group: Int32Array;
  G: number;
  /** Members of each group. */
  members: Int32Array[];
  /** Outcome scale: y = centre + scale·y_std. */
  centre: number;
  scale: number;
  /** Column of the first arm dummy in X; arm a ≥ 1 has column armColumn + a − 1. */
  armColumn: number;
  arm: Int32Array;
  lastObserved: Int32Array;
  /**
   * N × K fitted means XB at the chain's current B, formed once per sweep (after B's draw) for
   * the residuals, the group draws and the imputations. A sweep's own buffer: branches on one
   * thread run one after another, and each sweep forms it before reading it.
   */
  XB: Float64Array;
}

/** Current values of the chain. */
export interface ChainState {
  /** p × K, row-major. */
  B: Float64Array;
  /** K × K. */
  Sigma: Float64Array;
  /** G × K. */
  U: Float64Array;
  /** K × K. */
  Psi: Float64Array;
  /** N × K completed standardised follow-ups. */
  Yc: Float64Array;
}

export function setupModel(w: WideData): ModelSetup {
  const { N, K } = w;
  // Standardise on the baseline: every participant has it, so the scale is fixed before imputation.
  let c = 0;
  for (let i = 0; i < N; i++) c += w.baseline[i]!;
  c /= N;
  let ss = 0;
  for (let i = 0; i < N; i++) ss += (w.baseline[i]! - c) ** 2;
  let s = Math.sqrt(ss / Math.max(N - 1, 1));
  if (!(s > 0)) {
    // A constant baseline still leaves the follow-ups to set the scale.
    let n = 0;
    let m = 0;
    for (const v of w.Y) if (!Number.isNaN(v)) (m += v), n++;
    m /= Math.max(n, 1);
    let q = 0;
    for (const v of w.Y) if (!Number.isNaN(v)) q += (v - m) ** 2;
    s = Math.sqrt(q / Math.max(n - 1, 1)) || 1;
  }
  const A = w.armLevels.length;
  const C = w.covariates.length;
  const p = 1 + (A - 1) + 1 + C;
  const X = new Float64Array(N * p);
  const covCentre = w.covariates.map((col) => col.reduce((a, v) => a + v, 0) / N);
  const covScale = w.covariates.map((col, j) => Math.sqrt(col.reduce((a, v) => a + (v - covCentre[j]!) ** 2, 0) / Math.max(N - 1, 1)) || 1);
  for (let i = 0; i < N; i++) {
    const r = i * p;
    X[r] = 1;
    const a = w.arm[i]!;
    if (a > 0) X[r + a] = 1;
    X[r + A] = (w.baseline[i]! - c) / s;
    for (let j = 0; j < C; j++) X[r + A + 1 + j] = (w.covariates[j]![i]! - covCentre[j]!) / covScale[j]!;
  }
  const XtX = new Float64Array(p * p);
  for (let i = 0; i < N; i++) {
    const r = i * p;
    for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) XtX[a * p + b] = XtX[a * p + b]! + X[r + a]! * X[r + b]!;
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) XtX[b * p + a] = XtX[a * p + b]!;
  const Lx = Float64Array.from(XtX);
  if (!choleskyInPlace(Lx, p)) throw new ConvergenceError('The imputation model’s design is singular: a covariate is constant or a linear combination of arm, baseline and the other covariates.');
  const Y = w.Y.map((v) => (v - c) / s);
  const pattern = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let mask = 0;
    for (let k = 0; k < K; k++) if (!Number.isNaN(Y[i * K + k]!)) mask |= 1 << k;
    pattern[i] = mask;
  }
  const G = w.clusterLevels.length;
  const lists: number[][] = Array.from({ length: G }, () => []);
  for (let i = 0; i < N; i++) if (w.cluster[i]! >= 0) lists[w.cluster[i]!]!.push(i);
  return { N, K, p, X, Lx, Y, pattern, group: w.cluster, G, members: lists.map((l) => Int32Array.from(l)), centre: c, scale: s, armColumn: 1, arm: w.arm, lastObserved: w.lastObserved, XB: new Float64Array(N * K) };
}

/** Starting values: missing scores at their arm × visit observed mean, B and Σ by least squares, U = 0. */
export function initialState(m: ModelSetup): ChainState {
  const { N, K, G } = m;
  const Yc = Float64Array.from(m.Y);
  const A = Math.max(...m.arm) + 1;
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < N; i++) if (m.arm[i] === a && !Number.isNaN(m.Y[i * K + k]!)) (sum += m.Y[i * K + k]!), n++;
      for (let i = 0; i < N; i++) if (m.arm[i] === a && Number.isNaN(m.Y[i * K + k]!)) Yc[i * K + k] = sum / n;
    }
  }
  const U = new Float64Array(G * K);
  const B = leastSquares(m, Yc, U);
  formFitted(m, B);
  const E = residualCrossProduct(m, Yc, U);
  const Sigma = E.map((v) => v / Math.max(N - m.p, 1));
  const Psi = new Float64Array(K * K);
  for (let k = 0; k < K; k++) Psi[k * K + k] = GROUP_PRIOR_SHARE * Sigma[k * K + k]!;
  return { B, Sigma, U, Psi, Yc };
}

/** B̂ = (X'X)⁻¹X'(Y − ZU). */
function leastSquares(m: ModelSetup, Yc: Float64Array, U: Float64Array): Float64Array {
  const { N, K, p, X, Lx } = m;
  const XtR = new Float64Array(p * K);
  for (let i = 0; i < N; i++) {
    const g = m.group[i]!;
    for (let k = 0; k < K; k++) {
      const r = Yc[i * K + k]! - (g >= 0 ? U[g * K + k]! : 0);
      for (let a = 0; a < p; a++) XtR[a * K + k] = XtR[a * K + k]! + X[i * p + a]! * r;
    }
  }
  const col = new Float64Array(p);
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < p; a++) col[a] = XtR[a * K + k]!;
    solveChol(Lx, p, col);
    for (let a = 0; a < p; a++) XtR[a * K + k] = col[a]!;
  }
  return XtR;
}

function solveChol(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
  solveUpper(L, n, b);
}

/** Solve L'x = b in place. */
function solveUpper(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
}

/** m.XB = X B. */
function formFitted(m: ModelSetup, B: Float64Array): void {
  const { N, K, p, X, XB } = m;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < K; k++) {
      let mu = 0;
      for (let a = 0; a < p; a++) mu += X[i * p + a]! * B[a * K + k]!;
      XB[i * K + k] = mu;
    }
  }
}

/** E'E with E = Y − XB − ZU (XB formed at the current B). */
function residualCrossProduct(m: ModelSetup, Yc: Float64Array, U: Float64Array): Float64Array {
  const { N, K, XB } = m;
  const S = new Float64Array(K * K);
  const e = new Float64Array(K);
  for (let i = 0; i < N; i++) {
    const g = m.group[i]!;
    for (let k = 0; k < K; k++) e[k] = Yc[i * K + k]! - (XB[i * K + k]! + (g >= 0 ? U[g * K + k]! : 0));
    for (let a = 0; a < K; a++) for (let b = 0; b <= a; b++) S[a * K + b] = S[a * K + b]! + e[a]! * e[b]!;
  }
  for (let a = 0; a < K; a++) for (let b = 0; b < a; b++) S[b * K + a] = S[a * K + b]!;
  return S;
}

/** Σ ~ inverse Wishart(df, S) (density ∝ |Σ|^−(df+K+1)/2 exp(−tr(SΣ⁻¹)/2)) by Bartlett's decomposition. */
export function drawInverseWishart(rng: Rng, df: number, S: Float64Array, K: number): Float64Array {
  const M = Float64Array.from(S);
  if (!choleskyInPlace(M, K)) throw new ConvergenceError('The imputation sampler met a scale matrix that is not positive definite (too few participants for the number of visits?).');
  // Σ⁻¹ ~ Wishart(df, S⁻¹) = M⁻ᵀ A A' M⁻¹ with A Bartlett's lower factor, so Σ = (M A⁻ᵀ)(M A⁻ᵀ)'.
  const Am = new Float64Array(K * K);
  for (let j = 0; j < K; j++) {
    Am[j * K + j] = Math.sqrt(2 * gammaVariate(rng, (df - j) / 2));
    for (let i = j + 1; i < K; i++) Am[i * K + j] = rng.normal();
  }
  const Ai = invertLower(Am, K);
  const T = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
    let s = 0;
    for (let l = 0; l <= i; l++) s += M[i * K + l]! * Ai[j * K + l]!;
    T[i * K + j] = s;
  }
  const Sigma = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let l = 0; l < K; l++) s += T[i * K + l]! * T[j * K + l]!;
    Sigma[i * K + j] = s;
    Sigma[j * K + i] = s;
  }
  return Sigma;
}

/** One sweep of the parameter draws (B, Σ, U, Ψ) given the completed data. */
export function drawParameters(m: ModelSetup, st: ChainState, rng: Rng, prior: { df: number; S: Float64Array }): void {
  const { N, K, p, G } = m;
  // B | Y, U, Σ: B̂ + Lx⁻ᵀ W L_Σ' with W standard normal p × K.
  const Bhat = leastSquares(m, st.Yc, st.U);
  const Ls = Float64Array.from(st.Sigma);
  if (!choleskyInPlace(Ls, K)) throw new ConvergenceError('The imputation sampler’s Σ lost positive definiteness.');
  const W = new Float64Array(p * K);
  for (let a = 0; a < p; a++) for (let k = 0; k < K; k++) W[a * K + k] = rng.normal();
  const col = new Float64Array(p);
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < p; a++) col[a] = W[a * K + k]!;
    solveUpper(m.Lx, p, col);
    for (let a = 0; a < p; a++) W[a * K + k] = col[a]!;
  }
  for (let a = 0; a < p; a++) for (let k = 0; k < K; k++) {
    let s = 0;
    for (let l = 0; l <= k; l++) s += W[a * K + l]! * Ls[k * K + l]!;
    st.B[a * K + k] = Bhat[a * K + k]! + s;
  }
  formFitted(m, st.B);
  // Σ | Y, U, B: IW(N, E'E) under the Jeffreys prior.
  st.Sigma = drawInverseWishart(rng, N, residualCrossProduct(m, st.Yc, st.U), K);
  if (G === 0) return;
  // u_g | …: precision Ψ⁻¹ + n_g Σ⁻¹, mean (precision)⁻¹ Σ⁻¹ Σ_i (y_i − B'x_i).
  const Si = invertSpd(st.Sigma, K)!;
  const Pi = invertSpd(st.Psi, K);
  if (!Pi) throw new ConvergenceError('The imputation sampler’s group covariance lost positive definiteness.');
  const r = new Float64Array(K);
  const rhs = new Float64Array(K);
  const prec = new Float64Array(K * K);
  for (let g = 0; g < G; g++) {
    const mem = m.members[g]!;
    r.fill(0);
    for (let j = 0; j < mem.length; j++) {
      const i = mem[j]!;
      for (let k = 0; k < K; k++) r[k] = r[k]! + st.Yc[i * K + k]! - m.XB[i * K + k]!;
    }
    for (let a = 0; a < K * K; a++) prec[a] = Pi[a]! + mem.length * Si[a]!;
    for (let a = 0; a < K; a++) {
      let s = 0;
      for (let b = 0; b < K; b++) s += Si[a * K + b]! * r[b]!;
      rhs[a] = s;
    }
    if (!choleskyInPlace(prec, K)) throw new ConvergenceError('The imputation sampler met a group precision that is not positive definite.');
    solveChol(prec, K, rhs);
    const z = new Float64Array(K);
    for (let k = 0; k < K; k++) z[k] = rng.normal();
    solveUpper(prec, K, z);
    for (let k = 0; k < K; k++) st.U[g * K + k] = rhs[k]! + z[k]!;
  }
  const UtU = Float64Array.from(prior.S);
  for (let g = 0; g < G; g++) for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) UtU[a * K + b] = UtU[a * K + b]! + st.U[g * K + a]! * st.U[g * K + b]!;
  st.Psi = drawInverseWishart(rng, G + prior.df, UtU, K);
}

/** The prior of Ψ: IW(K + 1, (K + 1)·ψ₀·diag(Σ̂₀)). */
export function groupPrior(m: ModelSetup, st: ChainState): { df: number; S: Float64Array } {
  const K = m.K;
  const S = new Float64Array(K * K);
  for (let k = 0; k < K; k++) S[k * K + k] = (K + 1) * GROUP_PRIOR_SHARE * st.Sigma[k * K + k]!;
  return { df: K + 1, S };
}

/** How a participant's missing scores are centred: own-arm means (MAR) or a reference-based rule. */
export type Strategy = 'MAR' | 'J2R' | 'CR' | 'CIR';

/**
 * The mean vector of participant i's follow-ups under a strategy (rbmi's definitions; Carpenter,
 * Roger & Kenward 2013): `own` = B'x_i + z_i u_g, `ref` = B'x_i with the arm set to control (no
 * group). MAR: own. J2R: own up to the last observed visit d, ref after. CR: ref throughout. CIR:
 * after d, own at d plus the reference's change since d; with no follow-up observed, ref (as rbmi).
 * Control participants, and treated participants with no visit after dropout, are MAR.
 */
export function strategyMean(m: ModelSetup, st: ChainState, i: number, strategy: Strategy, out: Float64Array, ref: Float64Array): void {
  const { K, p, X } = m;
  const B = st.B;
  const g = m.group[i]!;
  const a = m.arm[i]!;
  if (strategy === 'MAR') {
    // The own-arm mean only (XB formed at the current B): the data augmentation's draws.
    for (let k = 0; k < K; k++) out[k] = m.XB[i * K + k]! + (g >= 0 ? st.U[g * K + k]! : 0);
    return;
  }
  const skip = a > 0 ? m.armColumn + a - 1 : -1;
  for (let k = 0; k < K; k++) {
    let mu = 0;
    let r = 0;
    for (let c = 0; c < p; c++) {
      const v = X[i * p + c]! * B[c * K + k]!;
      mu += v;
      if (c !== skip) r += v;
    }
    out[k] = mu + (g >= 0 ? st.U[g * K + k]! : 0);
    ref[k] = r;
  }
  const d = m.lastObserved[i]!;
  if (a === 0 || d === K - 1) return;
  const ownD = d >= 0 ? out[d]! : 0;
  const refD = d >= 0 ? ref[d]! : 0;
  for (let k = 0; k < K; k++) {
    if (strategy === 'CR') out[k] = ref[k]!;
    else if (k <= d) continue;
    else if (strategy === 'J2R' || d < 0) out[k] = ref[k]!;
    else out[k] = ownD + ref[k]! - refD;
  }
}

/**
 * Draw (rng) or set to their conditional mean (rng null) the missing follow-ups of every
 * participant given the observed ones: y_M | y_O ~ N(μ_M + Σ_MO Σ_OO⁻¹(y_O − μ_O), Σ_MM − Σ_MO Σ_OO⁻¹ Σ_OM).
 */
export function imputeMissing(m: ModelSetup, st: ChainState, strategy: Strategy, rng: Rng | null): void {
  formFitted(m, st.B);
  imputeAtFitted(m, st, strategy, rng);
}

/** `imputeMissing` with m.XB already formed at st.B (within a sweep, after B's draw). */
function imputeAtFitted(m: ModelSetup, st: ChainState, strategy: Strategy, rng: Rng | null): void {
  const { N, K } = m;
  const full = (1 << K) - 1;
  const cache: ({ O: number[]; M: number[]; A: Float64Array; Lc: Float64Array } | undefined)[] = new Array(full + 1);
  const mu = new Float64Array(K);
  const ref = new Float64Array(K);
  const z = new Float64Array(K);
  for (let i = 0; i < N; i++) {
    const pat = m.pattern[i]!;
    if (pat === full) continue;
    let c = cache[pat];
    if (!c) {
      c = conditional(st.Sigma, K, pat);
      cache[pat] = c;
    }
    strategyMean(m, st, i, strategy, mu, ref);
    const nO = c.O.length;
    const nM = c.M.length;
    if (rng) for (let j = 0; j < nM; j++) z[j] = rng.normal();
    for (let j = 0; j < nM; j++) {
      let v = mu[c.M[j]!]!;
      for (let o = 0; o < nO; o++) v += c.A[j * nO + o]! * (m.Y[i * K + c.O[o]!]! - mu[c.O[o]!]!);
      for (let l = 0; l <= j; l++) v += c.Lc[j * nM + l]! * z[l]!;
      st.Yc[i * K + c.M[j]!] = v;
    }
  }
}

function conditional(Sigma: Float64Array, K: number, pat: number): { O: number[]; M: number[]; A: Float64Array; Lc: Float64Array } {
  const O: number[] = [];
  const M: number[] = [];
  for (let k = 0; k < K; k++) (pat & (1 << k) ? O : M).push(k);
  const nO = O.length;
  const nM = M.length;
  const A = new Float64Array(nM * nO);
  const Cm = new Float64Array(nM * nM);
  for (let a = 0; a < nM; a++) for (let b = 0; b < nM; b++) Cm[a * nM + b] = Sigma[M[a]! * K + M[b]!]!;
  if (nO > 0) {
    const Soo = new Float64Array(nO * nO);
    for (let a = 0; a < nO; a++) for (let b = 0; b < nO; b++) Soo[a * nO + b] = Sigma[O[a]! * K + O[b]!]!;
    const Si = invertSpd(Soo, nO)!;
    for (let j = 0; j < nM; j++) for (let o = 0; o < nO; o++) {
      let s = 0;
      for (let q = 0; q < nO; q++) s += Sigma[M[j]! * K + O[q]!]! * Si[q * nO + o]!;
      A[j * nO + o] = s;
    }
    for (let a = 0; a < nM; a++) for (let b = 0; b < nM; b++) {
      let s = 0;
      for (let o = 0; o < nO; o++) s += A[a * nO + o]! * Sigma[O[o]! * K + M[b]!]!;
      Cm[a * nM + b] = Cm[a * nM + b]! - s;
    }
  }
  if (!choleskyInPlace(Cm, nM)) throw new ConvergenceError('The imputation sampler met a conditional covariance that is not positive definite.');
  return { O, M, A, Lc: Cm };
}

/**
 * The shared burn-in: data augmentation from the initial state for `burnIn` sweeps (MAR draws).
 * Every imputation branches from the state it reaches (see {@link branchImputation}).
 */
export function burnInState(m: ModelSetup, rng: Rng, burnIn: number): BurnedIn {
  const state = initialState(m);
  // The group covariance's prior is set from the initial state's Σ̂₀ and kept for every branch.
  const prior = groupPrior(m, state);
  for (let it = 0; it < burnIn; it++) {
    drawParameters(m, state, rng, prior);
    imputeAtFitted(m, state, 'MAR', rng);
  }
  return { state, prior };
}

/** The chain after the shared burn-in, with the prior it ran under (plain typed arrays: clonable to a worker). */
export interface BurnedIn {
  state: ChainState;
  prior: { df: number; S: Float64Array };
}

/**
 * One imputation: `between` further sweeps from a copy of the burned-in state with the
 * imputation's own generator, then the imputation drawn from the last parameters under the
 * strategy. Branches depend only on the burned-in state and their own generator, so they can
 * run in any order or on any thread with identical results.
 */
export function branchImputation(m: ModelSetup, start: BurnedIn, rng: Rng, between: number, strategy: Strategy): Float64Array {
  const s0 = start.state;
  const st: ChainState = { B: s0.B.slice(), Sigma: s0.Sigma.slice(), U: s0.U.slice(), Psi: s0.Psi.slice(), Yc: s0.Yc.slice() };
  const prior = start.prior;
  for (let it = 0; it < between; it++) {
    drawParameters(m, st, rng, prior);
    imputeAtFitted(m, st, 'MAR', rng);
  }
  // The data augmentation step above left MAR draws; the reported imputation is one more draw
  // from the last parameters under the requested strategy.
  if (strategy !== 'MAR') imputeAtFitted(m, st, strategy, rng);
  return st.Yc;
}

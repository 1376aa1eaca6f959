/**
 * Iteratively reweighted least squares as R's glm.fit, on centred columns, and the
 * negative-binomial θ alternation of MASS::glm.nb. Unchecked: `fitGlm` validates first.
 *
 * Every weighted least-squares step is the OLS stage (`leastSquares`) on the working columns
 * √w·(X − 1s') with the working response √w·(z − offset): with an intercept, s holds the
 * column means, so the cross-products X'WX are formed on centred columns and no answer depends
 * on a covariate's origin; β = T⁻¹β_s maps back (T as in least-squares.ts). The final solve, at
 * the weights of the estimate, is kept: its M is (X_s'WX_s)⁻¹ and its residuals are the
 * working residuals √w(z − η), so the OLS sandwich on it is the GLM sandwich.
 */
import { ConvergenceError } from '../../errors/index.js';
import { logGammaRaw } from '../../distributions/gamma-function.js';
import { aliasedColumns, crossProducts, leastSquares, unshiftCovariance, type LeastSquares } from '../ols/least-squares.js';
import { makeFamily, type Family } from './family.js';

export interface IrlsProblem {
  /** Full design, column-major n × p. */
  X: Float64Array;
  n: number;
  p: number;
  /** Column 0 is the intercept. */
  intercept: boolean;
  /** Response (binomial: proportion of successes). */
  y: Float64Array;
  /** Prior weights (binomial: times the trials). */
  wt: Float64Array;
  offset: Float64Array;
  epsilon: number;
  maxIterations: number;
}

export interface IrlsFit {
  family: Family;
  /** Kept and aliased columns of the full design. */
  kept: number[];
  aliased: number[];
  /** Coefficients of the kept columns, original parameterisation. */
  beta: Float64Array;
  /** Centring shift of each kept column in the final solve (weighted means). */
  shift: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  deviance: number;
  iterations: number;
  converged: boolean;
  /** Step-halving had to pull η or μ back into the family's valid region (R's "boundary"). */
  boundary: boolean;
  /** The weighted least-squares solve at the estimate (centred parameterisation, no shift of its own). */
  ls: LeastSquares;
  /** Working weights at the estimate. */
  w: Float64Array;
  /** Unscaled covariance (X'WX)⁻¹ in the original parameterisation, r × r. */
  unscaled: Float64Array;
  /** Kept columns (indices into `kept`) whose estimates diverge (infinite MLE), from probing iterations. */
  diverging: number[];
}

function deviance(f: Family, y: Float64Array, mu: Float64Array, wt: Float64Array): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) d += f.devResid(y[i]!, mu[i]!, wt[i]!);
  return d;
}

/** A weighted least-squares step: the solve, its weights and centring, and β in both parameterisations. */
interface Step {
  ls: LeastSquares;
  w: Float64Array;
  /** Weighted column means of the kept columns (0 for the intercept, and without an intercept). */
  shift: Float64Array;
  /** β of the original parameterisation. */
  beta: Float64Array;
}

/** The IRLS state along the iterations. */
class Irls {
  readonly n: number;
  kept: number[];
  aliased: number[] = [];
  constructor(
    readonly prob: IrlsProblem,
    public family: Family,
  ) {
    this.n = prob.n;
    this.kept = Array.from({ length: prob.p }, (_, j) => j);
  }

  /** Working weights at η, μ. */
  weights(eta: Float64Array, mu: Float64Array): Float64Array {
    const { wt } = this.prob;
    const f = this.family;
    const w = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const me = f.muEta(eta[i]!);
      w[i] = (wt[i]! * me * me) / f.variance(mu[i]!);
    }
    return w;
  }

  /**
   * One weighted least-squares step at η, μ, on the columns centred at their weighted means
   * (orthogonal to the intercept in the weighted inner product). Columns are aliased by R's rule
   * against their uncentred weighted norms Σw x², as glm.fit's QR of √w·X, with the one
   * rank-deficiency routine of OLS and mixed models.
   */
  solve(eta: Float64Array, mu: Float64Array): Step {
    const { X, y, offset, intercept } = this.prob;
    const f = this.family;
    const n = this.n;
    const w = this.weights(eta, mu);
    const zw = new Float64Array(n);
    const sw = new Float64Array(n);
    let sumW = 0;
    for (let i = 0; i < n; i++) {
      sw[i] = Math.sqrt(w[i]!);
      sumW += w[i]!;
      zw[i] = sw[i]! * (eta[i]! - offset[i]! + (y[i]! - mu[i]!) / f.muEta(eta[i]!));
    }
    const build = () => {
      const r = this.kept.length;
      const shift = new Float64Array(r);
      const Xw = new Float64Array(n * r);
      this.kept.forEach((j, c) => {
        if (intercept && j === 0) {
          for (let i = 0; i < n; i++) Xw[c * n + i] = sw[i]!;
          return;
        }
        let s = 0;
        if (intercept) {
          for (let i = 0; i < n; i++) s += w[i]! * X[j * n + i]!;
          s /= sumW;
        }
        shift[c] = s;
        for (let i = 0; i < n; i++) Xw[c * n + i] = sw[i]! * (X[j * n + i]! - s);
      });
      return { Xw, shift, r };
    };
    let { Xw, shift, r } = build();
    const { XtX } = crossProducts(Xw, zw, n, r);
    const rawNorm2 = Float64Array.from(shift, (s, c) => XtX[c * r + c]! + sumW * s * s);
    const { kept, aliased } = aliasedColumns(XtX, rawNorm2, r);
    if (aliased.length) {
      this.aliased = [...this.aliased, ...aliased.map((c) => this.kept[c]!)].sort((a, b) => a - b);
      this.kept = kept.map((c) => this.kept[c]!);
      ({ Xw, shift, r } = build());
    }
    const ls = leastSquares(Xw, zw, n, r, false);
    return { ls, w, shift, beta: this.unshift(ls.beta, shift) };
  }

  /** β of the original parameterisation from the centred one: only the intercept changes. */
  unshift(betaS: Float64Array, shift: Float64Array): Float64Array {
    const beta = Float64Array.from(betaS);
    if (this.prob.intercept && this.kept[0] === 0) for (let c = 1; c < beta.length; c++) beta[0] = beta[0]! - shift[c]! * betaS[c]!;
    return beta;
  }

  /** η = Xβ + offset, evaluated about the centre (the intercept's value there plus centred columns). */
  linearPredictor(beta: Float64Array, shift: Float64Array): Float64Array {
    const { X, offset } = this.prob;
    const n = this.n;
    let centre = 0;
    const eta = Float64Array.from(offset);
    this.kept.forEach((j, c) => {
      const b = beta[c]!;
      if (this.prob.intercept && j === 0) {
        centre += b;
        return;
      }
      const s = shift[c]!;
      centre += s * b;
      for (let i = 0; i < n; i++) eta[i] = eta[i]! + (X[j * n + i]! - s) * b;
    });
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + centre;
    return eta;
  }

  mu(eta: Float64Array): Float64Array {
    const f = this.family;
    return eta.map((e) => f.linkinv(e));
  }

  valid(eta: Float64Array, mu: Float64Array): boolean {
    const f = this.family;
    for (let i = 0; i < this.n; i++) if (!f.validEta(eta[i]!) || !f.validMu(mu[i]!)) return false;
    return true;
  }
}

/** Probing iterations after convergence: a coefficient whose estimate is infinite keeps moving by O(1) per step. */
const PROBE_STEPS = 8;
/** Iterations allowed after R's criterion is met, to bring the step below 1e-10 standard errors. */
const POLISH_STEPS = 10;

/**
 * Fit by IRLS with R's starting values (or from `etaStart`), step-halving when the deviance is
 * not finite, η or μ leave the valid region, or (after the first step, as glm2) the deviance rises.
 * @throws ConvergenceError when no starting value gives a finite deviance.
 */
export function irls(prob: IrlsProblem, family: Family, etaStart?: Float64Array): IrlsFit {
  const st = new Irls(prob, family);
  const { y, wt, n, epsilon, maxIterations } = prob;
  let eta: Float64Array;
  if (etaStart) {
    eta = Float64Array.from(etaStart);
  } else {
    eta = new Float64Array(n);
    for (let i = 0; i < n; i++) eta[i] = family.linkfun(family.initialMu(y[i]!, wt[i]!));
  }
  let mu = st.mu(eta);
  let devOld = deviance(family, y, mu, wt);
  let betaOld: Float64Array | null = null;
  let boundary = false;
  let converged = false;
  let iter = 0;
  let polish = 0;
  for (iter = 1; iter <= maxIterations; iter++) {
    const step = st.solve(eta, mu);
    const beta = step.beta;
    const r = beta.length;
    if (betaOld && betaOld.length !== r) betaOld = null;
    eta = st.linearPredictor(beta, step.shift);
    mu = st.mu(eta);
    let dev = deviance(family, y, mu, wt);
    let halvings = 0;
    const bad = () => !Number.isFinite(dev) || !st.valid(eta, mu) || (iter > 1 && dev > devOld * (1 + 1e-12) + 1e-12);
    while (bad()) {
      if (betaOld === null) {
        if (!Number.isFinite(dev) || !st.valid(eta, mu)) {
          throw new ConvergenceError(
            `No valid set of coefficients was found for the ${family.name} family with the ${family.link} link: the first IRLS step gives an invalid mean or an infinite deviance. Check the response and the link (e.g. an inverse link needs a positive linear predictor).`,
          );
        }
        break;
      }
      if (++halvings > 60) break;
      if (!st.valid(eta, mu)) boundary = true;
      for (let c = 0; c < r; c++) beta[c] = (beta[c]! + betaOld[c]!) / 2;
      eta = st.linearPredictor(beta, step.shift);
      mu = st.mu(eta);
      dev = deviance(family, y, mu, wt);
    }
    if (converged || Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      // R stops here. The deviance is flat near the optimum, so its criterion leaves an error in
      // β of order √ε standard errors for non-canonical links (Fisher scoring converges linearly
      // there): polish until the step is below 1e-10 standard errors, at most POLISH_STEPS more.
      let change = 0;
      if (betaOld) {
        const V = unshiftCovariance(step.ls.M, step.shift, interceptCarrier(r), r);
        for (let c = 0; c < r; c++) change = Math.max(change, Math.abs(beta[c]! - betaOld[c]!) / Math.sqrt(V[c * r + c]!));
      }
      const done = converged && (!(change > 1e-10) || ++polish >= POLISH_STEPS);
      converged = true;
      devOld = dev;
      betaOld = beta;
      if (done) break;
      continue;
    }
    devOld = dev;
    betaOld = beta;
  }
  iter = Math.min(iter, maxIterations);
  // The solve at the estimate's own weights gives the covariance and the working residuals.
  let final = st.solve(eta, mu);
  if (!betaOld || final.beta.length !== betaOld.length) {
    eta = st.linearPredictor(final.beta, final.shift);
    mu = st.mu(eta);
    betaOld = final.beta;
    final = st.solve(eta, mu);
  }
  const { ls, w, shift } = final;
  // The solve's own coefficients are the next iterate; the sandwich needs the working
  // residuals √w(z − η) = √w(y − μ)/μ'(η) at the estimate itself.
  for (let i = 0; i < n; i++) {
    ls.residuals[i] = (Math.sqrt(w[i]!) * (y[i]! - mu[i]!)) / family.muEta(eta[i]!);
    ls.fitted[i] = NaN;
  }
  const r = st.kept.length;
  const beta = betaOld;
  const unscaled = unshiftCovariance(ls.M, shift, interceptCarrier(r), r);
  const diverging = probeDivergence(st, eta, mu, beta);
  return {
    family,
    kept: st.kept,
    aliased: st.aliased,
    beta,
    shift,
    eta,
    mu,
    deviance: deviance(family, y, mu, wt),
    iterations: iter,
    converged,
    boundary,
    ls,
    w,
    unscaled,
    diverging,
  };
}

/**
 * Infinite estimates (separation for binomial, a zero-count cell for counts) show as
 * coefficients that keep moving by about one unit of the linear predictor per Newton step
 * while finite ones stay put (Lesaffre & Albert 1989; the idea of brglm2's
 * check_infinite_estimates). Only fits with fitted means near the boundary are probed.
 */
function probeDivergence(st: Irls, eta0: Float64Array, mu0: Float64Array, beta0: Float64Array): number[] {
  const f = st.family;
  const { X, y, n, intercept } = st.prob;
  if (f.name === 'gaussian' || f.name === 'gamma') return [];
  let near = false;
  for (let i = 0; i < n; i++) {
    const m = mu0[i]!;
    if (f.name === 'binomial' ? Math.min(m, 1 - m) < 1e-5 : m < 1e-5 && y[i] === 0) {
      near = true;
      break;
    }
  }
  if (!near) return [];
  const r = st.kept.length;
  const keptBefore = st.kept.slice();
  const aliasedBefore = st.aliased.slice();
  let eta = eta0;
  let mu = mu0;
  const path: Float64Array[] = [beta0];
  for (let k = 0; k < PROBE_STEPS; k++) {
    const step = st.solve(eta, mu);
    if (st.kept.length !== r) {
      st.kept = keptBefore;
      st.aliased = aliasedBefore;
      return [];
    }
    eta = st.linearPredictor(step.beta, step.shift);
    mu = st.mu(eta);
    path.push(step.beta);
  }
  // Scale of a coefficient's column on the linear predictor: its RMS deviation (1 for the intercept).
  const out: number[] = [];
  const half = PROBE_STEPS / 2;
  for (let c = 0; c < r; c++) {
    const j = st.kept[c]!;
    let scale = 1;
    if (!(intercept && j === 0)) {
      let m = 0;
      for (let i = 0; i < n; i++) m += X[j * n + i]!;
      m /= n;
      let s2 = 0;
      for (let i = 0; i < n; i++) s2 += (X[j * n + i]! - m) ** 2;
      scale = Math.sqrt(s2 / n);
    }
    const first = Math.abs(path[half]![c]! - path[0]![c]!) * scale;
    const second = Math.abs(path[PROBE_STEPS]![c]! - path[half]![c]!) * scale;
    if (first + second > 0.1 && second > 0.5 * first) out.push(c);
  }
  return out;
}

/** The ML estimate of the NB2 size θ at fixed means. */
export interface ThetaMl {
  /** `Infinity` when the likelihood rises all the way to θ → ∞ (no overdispersion: the Poisson limit). */
  theta: number;
  se: number;
  converged: boolean;
}

/** ψ(x) for x > 0: recurrence up to 10, then the asymptotic series. */
export function digamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const x2 = 1 / (x * x);
  return (
    r +
    Math.log(x) -
    0.5 / x -
    x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 * (1 / 132 - x2 * (691 / 32760 - x2 / 12))))))
  );
}

/** ψ′(x) for x > 0: recurrence up to 10, then the asymptotic series. */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r += 1 / (x * x);
    x += 1;
  }
  const ix = 1 / x;
  const x2 = ix * ix;
  return (
    r +
    ix +
    0.5 * x2 +
    ix * x2 * (1 / 6 - x2 * (1 / 30 - x2 * (1 / 42 - x2 * (1 / 30 - x2 * (5 / 66 - x2 * (691 / 2730 - x2 * (7 / 6)))))))
  );
}

/**
 * Newton's method on θ for the NB2 log-likelihood at fixed μ (MASS::theta.ml), from its moment
 * start Σw/Σw(y/μ − 1)², to a relative step of 1e-12; SE from the observed information at the estimate.
 * Unlike theta.ml, each step must not lower the log-likelihood, and where it is not concave in θ
 * the step goes up the score on log θ: theta.ml's Newton steps can run away from an interior
 * maximum towards θ = ∞ (on zero-heavy counts with θ near 0.1, MASS stops at its iteration limit
 * with θ ≈ 6e4); where theta.ml converges the two reach the same θ.
 */
export function thetaMl(y: Float64Array, mu: Float64Array, wt: Float64Array, maxIterations = 100): ThetaMl {
  const n = y.length;
  // As θ → ∞ the score is Σ w((y − μ)² − y)/(2θ²) + O(θ⁻³): without that excess variation the
  // likelihood increases up to the Poisson limit.
  let excess = 0;
  let sw = 0;
  let moment = 0;
  for (let i = 0; i < n; i++) {
    excess += wt[i]! * ((y[i]! - mu[i]!) ** 2 - y[i]!);
    sw += wt[i]!;
    moment += wt[i]! * (y[i]! / mu[i]! - 1) ** 2;
  }
  if (!(excess > 0)) return { theta: Infinity, se: Infinity, converged: true };
  const score = (th: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      const mi = mu[i]!;
      s += wt[i]! * (digamma(th + yi) - digamma(th) + Math.log(th) + 1 - Math.log(th + mi) - (yi + th) / (mi + th));
    }
    return s;
  };
  const info = (th: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      const mi = mu[i]!;
      s += wt[i]! * (-trigamma(th + yi) + trigamma(th) - 1 / th + 2 / (mi + th) - (yi + th) / (mi + th) ** 2);
    }
    return s;
  };
  // The θ-dependent part of the log-likelihood.
  const loglik = (th: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      s += wt[i]! * (logGammaRaw(th + yi) - logGammaRaw(th) + th * Math.log(th) - (th + yi) * Math.log(th + mu[i]!));
    }
    return s;
  };
  let t = sw / moment;
  let lt = loglik(t);
  let converged = false;
  for (let it = 0; it < maxIterations; it++) {
    const sc = score(t);
    const i = info(t);
    // Newton where the log-likelihood is concave in θ; else a step up the score on log θ.
    let next = i > 0 ? t + sc / i : t * Math.exp(Math.sign(sc));
    if (!(next > 0)) next = t * Math.exp(Math.sign(sc));
    let ln = loglik(next);
    // Halve the step on log θ while it lowers the log-likelihood (beyond its rounding).
    const noise = 1e-12 * Math.max(1, Math.abs(lt));
    for (let h = 0; h < 60 && !(ln >= lt - noise); h++) {
      next = t * Math.sqrt(next / t);
      ln = loglik(next);
    }
    if (Math.abs(next - t) <= 1e-12 * Math.max(1, t)) {
      t = next;
      converged = true;
      break;
    }
    t = next;
    lt = ln;
    if (t > 1e15) break;
  }
  const i = info(t);
  return { theta: t, se: i > 0 ? 1 / Math.sqrt(i) : Number.NaN, converged: converged && i > 0 };
}

function nbLogLik(y: Float64Array, mu: Float64Array, wt: Float64Array, theta: number): number {
  const f = Number.isFinite(theta) ? makeFamily('negativeBinomial', 'log', theta) : makeFamily('poisson');
  let ll = 0;
  for (let i = 0; i < y.length; i++) ll += f.logDensity(y[i]!, mu[i]!, wt[i]!, 1);
  return ll;
}

export interface NegativeBinomialFit {
  fit: IrlsFit;
  theta: ThetaMl;
  outerIterations: number;
  converged: boolean;
}

/**
 * NB2 by ML as MASS::glm.nb: a Poisson fit, θ by ML at its means, then IRLS at fixed θ and θ
 * at the new means in turn until the log-likelihood and θ settle.
 */
export function negativeBinomialFit(prob: IrlsProblem): NegativeBinomialFit {
  let fit = irls(prob, makeFamily('poisson', 'log'));
  let theta = thetaMl(prob.y, fit.mu, prob.wt);
  let ll = nbLogLik(prob.y, fit.mu, prob.wt, theta.theta);
  const d1 = Math.sqrt(2 * Math.max(1, prob.n - fit.kept.length));
  let outer = 0;
  let converged = false;
  while (outer < prob.maxIterations) {
    outer++;
    if (!Number.isFinite(theta.theta)) {
      converged = true;
      break;
    }
    const fam = makeFamily('negativeBinomial', 'log', theta.theta);
    fit = irls(prob, fam, fit.eta);
    const next = thetaMl(prob.y, fit.mu, prob.wt);
    const llNext = nbLogLik(prob.y, fit.mu, prob.wt, next.theta);
    const change = Math.abs(llNext - ll) / d1 + (Number.isFinite(next.theta) ? Math.abs(next.theta - theta.theta) / theta.theta : 1);
    theta = next;
    ll = llNext;
    if (change < prob.epsilon) {
      converged = true;
      // The means belong to the previous θ: one last IRLS at the final θ (a step of order epsilon).
      if (Number.isFinite(theta.theta)) fit = irls(prob, makeFamily('negativeBinomial', 'log', theta.theta), fit.eta);
      break;
    }
  }
  if (!Number.isFinite(theta.theta)) fit = irls(prob, makeFamily('poisson', 'log'), fit.eta);
  return { fit, theta, outerIterations: outer, converged };
}

/**
 * The carrier of the constant for the IRLS centring: the intercept, first of the kept columns.
 * Only an intercept model centres (its shift is zero otherwise), so e₁ is right whenever it matters.
 */
export function interceptCarrier(r: number): Float64Array {
  const a = new Float64Array(r);
  if (r > 0) a[0] = 1;
  return a;
}

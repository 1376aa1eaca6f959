/**
 * GLM families and links, shared by `fitGlm` and `fitGlmm`. Every function reproduces R's
 * family object (stats::binomial, poisson, Gamma, gaussian; MASS::negative.binomial),
 * including its clamps at extreme η, so that fits agree with R also where probabilities
 * saturate. See docs/methods/glm.md.
 */
import { ArgumentError, ValidationError, issue, type ValidationIssue } from '../../errors/index.js';
import { checkOptions, optionKeys } from '../../errors/checks.js';
import { logGammaRaw, stirlingError } from '../../distributions/gamma-function.js';
import { normalCdfRaw, normalPdfRaw, normalQuantileFromTails } from '../../distributions/normal.js';
import { bd0, logBinomialRaw } from '../../distributions/saddle-point.js';

export type FamilyName = 'gaussian' | 'binomial' | 'poisson' | 'negativeBinomial' | 'gamma';
export type LinkName = 'identity' | 'logit' | 'probit' | 'cloglog' | 'log' | 'inverse';

export interface Family {
  readonly name: FamilyName;
  readonly link: LinkName;
  /** NB2 size θ (Var = μ + μ²/θ); only for negativeBinomial. */
  readonly theta?: number;
  linkfun(mu: number): number;
  /** Inverse link, clamped as R does (e.g. logit: η beyond ±30 gives ε or 1 − ε). */
  linkinv(eta: number): number;
  /** dμ/dη, never exactly 0 (R's pmax(…, .Machine$double.eps)). */
  muEta(eta: number): number;
  variance(mu: number): number;
  /** R's dev.resids: weighted unit deviance wt·d(y, μ). */
  devResid(y: number, mu: number, wt: number): number;
  /**
   * Log-density of one observation as R's family$aic counts it. Binomial: y a proportion with
   * `wt` trials, dbinom(round(wt·y), round(wt), μ); Poisson, NB: wt·log f(y); gamma:
   * wt·log dgamma(y, 1/φ, scale = μφ); gaussian: log dnorm(y, μ, √(φ/wt)).
   */
  logDensity(y: number, mu: number, wt: number, dispersion: number): number;
  validMu(mu: number): boolean;
  validEta(eta: number): boolean;
  /** Starting μ from y, as R's family$initialize (binomial: (wt·y + 0.5)/(wt + 1); poisson: y + 0.1; …). */
  initialMu(y: number, wt: number): number;
  /** Whether the dispersion is estimated (gaussian, gamma) or fixed at 1 (binomial, poisson, NB). */
  readonly estimatesDispersion: boolean;
}

/** Canonical/default links: binomial logit, poisson log, negativeBinomial log, gamma inverse (R's default), gaussian identity. */
export const DEFAULT_LINK: Record<FamilyName, LinkName> = {
  gaussian: 'identity',
  binomial: 'logit',
  poisson: 'log',
  negativeBinomial: 'log',
  gamma: 'inverse',
};

/** The links each family accepts (R's families accept these and a few more this library does not offer). */
export const FAMILY_LINKS: Record<FamilyName, readonly LinkName[]> = {
  gaussian: ['identity', 'log', 'inverse'],
  binomial: ['logit', 'probit', 'cloglog'],
  poisson: ['log'],
  negativeBinomial: ['log'],
  gamma: ['inverse', 'log', 'identity'],
};

export const FAMILY_NAMES = Object.keys(DEFAULT_LINK) as FamilyName[];

const EPS = 2.220446049250313e-16;
const INV_EPS = 1 / EPS;
// R's logit clamp (THRESH in family.c) and probit clamp (−qnorm(ε)).
const LOGIT_THRESH = 30;
const PROBIT_THRESH = 8.125890664701906;

interface Link {
  linkfun(mu: number): number;
  linkinv(eta: number): number;
  muEta(eta: number): number;
  validEta(eta: number): boolean;
}

const always = (): boolean => true;

const LINKS: Record<LinkName, Link> = {
  identity: { linkfun: (mu) => mu, linkinv: (eta) => eta, muEta: () => 1, validEta: always },
  log: {
    linkfun: (mu) => Math.log(mu),
    linkinv: (eta) => Math.max(Math.exp(eta), EPS),
    muEta: (eta) => Math.max(Math.exp(eta), EPS),
    validEta: always,
  },
  inverse: {
    linkfun: (mu) => 1 / mu,
    linkinv: (eta) => 1 / eta,
    muEta: (eta) => -1 / (eta * eta),
    validEta: (eta) => Number.isFinite(eta) && eta !== 0,
  },
  logit: {
    linkfun: (mu) => Math.log(mu / (1 - mu)),
    linkinv: (eta) => {
      const t = eta < -LOGIT_THRESH ? EPS : eta > LOGIT_THRESH ? INV_EPS : Math.exp(eta);
      return t / (1 + t);
    },
    muEta: (eta) => {
      if (eta > LOGIT_THRESH || eta < -LOGIT_THRESH) return EPS;
      const e = Math.exp(eta);
      return e / ((1 + e) * (1 + e));
    },
    validEta: always,
  },
  probit: {
    linkfun: (mu) => normalQuantileFromTails({ logLower: Math.log(mu), logUpper: Math.log1p(-mu), lower: mu, upper: 1 - mu }),
    linkinv: (eta) => normalCdfRaw(Math.min(Math.max(eta, -PROBIT_THRESH), PROBIT_THRESH), true, false),
    muEta: (eta) => Math.max(normalPdfRaw(eta, false), EPS),
    validEta: always,
  },
  cloglog: {
    linkfun: (mu) => Math.log(-Math.log1p(-mu)),
    linkinv: (eta) => Math.max(Math.min(-Math.expm1(-Math.exp(eta)), 1 - EPS), EPS),
    muEta: (eta) => {
      const e = Math.min(eta, 700);
      return Math.max(Math.exp(e) * Math.exp(-Math.exp(e)), EPS);
    },
    validEta: always,
  },
};

/** R's round(): halves go to the even neighbour (round(0.5) is 0), unlike Math.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** y·log(y/μ), 0 at y = 0 (R's y_log_y). */
function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/** R's dpois_raw on the log scale, for real x ≥ 0 (Loader's saddle point). */
function logPoissonRaw(x: number, lambda: number): number {
  if (lambda === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (x < 0) return Number.NEGATIVE_INFINITY;
  if (x === 0) return -lambda;
  return -stirlingError(x) - bd0(x, lambda) - 0.5 * Math.log(2 * Math.PI * x);
}

/** log dgamma(x, shape, scale) as R computes it (through dpois_raw, accurate for large shapes). */
function logGammaDensity(x: number, shape: number, scale: number): number {
  if (x < 0) return Number.NEGATIVE_INFINITY;
  if (x === 0) return shape < 1 ? Number.POSITIVE_INFINITY : shape > 1 ? Number.NEGATIVE_INFINITY : -Math.log(scale);
  if (shape < 1) return logPoissonRaw(shape, x / scale) + Math.log(shape / x);
  return logPoissonRaw(shape - 1, x / scale) - Math.log(scale);
}

interface Variance {
  variance(mu: number): number;
  validMu(mu: number): boolean;
  devResid(y: number, mu: number, wt: number): number;
  logDensity(y: number, mu: number, wt: number, dispersion: number): number;
  initialMu(y: number, wt: number): number;
  estimatesDispersion: boolean;
}

const positiveMu = (mu: number): boolean => Number.isFinite(mu) && mu > 0;

function varianceFunctions(name: FamilyName, theta: number): Variance {
  switch (name) {
    case 'binomial':
      return {
        variance: (mu) => mu * (1 - mu),
        validMu: (mu) => Number.isFinite(mu) && mu > 0 && mu < 1,
        devResid: (y, mu, wt) => 2 * wt * (yLogY(y, mu) + yLogY(1 - y, 1 - mu)),
        logDensity: (y, mu, wt) => {
          return wt > 0 ? logBinomialRaw(roundHalfEven(wt * y), roundHalfEven(wt), mu, 1 - mu) : 0;
        },
        initialMu: (y, wt) => (wt * y + 0.5) / (wt + 1),
        estimatesDispersion: false,
      };
    case 'poisson':
      return {
        variance: (mu) => mu,
        validMu: positiveMu,
        devResid: (y, mu, wt) => 2 * (y > 0 ? wt * (y * Math.log(y / mu) - (y - mu)) : mu * wt),
        logDensity: (y, mu, wt) => wt * logPoissonRaw(y, mu),
        initialMu: (y) => y + 0.1,
        estimatesDispersion: false,
      };
    case 'negativeBinomial':
      return {
        variance: (mu) => mu + (mu * mu) / theta,
        validMu: (mu) => mu > 0,
        devResid: (y, mu, wt) =>
          2 * wt * (y * Math.log(Math.max(1, y) / mu) - (y + theta) * Math.log((y + theta) / (mu + theta))),
        // Γ-ratio form with θ·log1p(μ/θ): R's aic term cancels when θ is large and μ small.
        logDensity: (y, mu, wt) =>
          wt *
          (logGammaRaw(y + theta) -
            logGammaRaw(theta) -
            logGammaRaw(y + 1) -
            theta * Math.log1p(mu / theta) +
            (y > 0 ? y * Math.log(mu / (mu + theta)) : 0)),
        initialMu: (y) => y + (y === 0 ? 1 / 6 : 0),
        estimatesDispersion: false,
      };
    case 'gamma':
      return {
        variance: (mu) => mu * mu,
        validMu: positiveMu,
        devResid: (y, mu, wt) => -2 * wt * (Math.log(y === 0 ? 1 : y / mu) - (y - mu) / mu),
        logDensity: (y, mu, wt, dispersion) => wt * logGammaDensity(y, 1 / dispersion, mu * dispersion),
        initialMu: (y) => y,
        estimatesDispersion: true,
      };
    case 'gaussian':
      return {
        variance: () => 1,
        validMu: always,
        devResid: (y, mu, wt) => wt * (y - mu) * (y - mu),
        logDensity: (y, mu, wt, dispersion) =>
          -0.5 * Math.log(2 * Math.PI * dispersion) + 0.5 * Math.log(wt) - (wt * (y - mu) * (y - mu)) / (2 * dispersion),
        initialMu: (y) => y,
        estimatesDispersion: true,
      };
  }
}

/**
 * A family with its link, validated: an unknown family, a link the family does not take,
 * or a missing/invalid θ for the negative binomial is an `ArgumentError` naming the valid choices.
 *
 * @param name - `'binomial'`, `'poisson'`, `'negativeBinomial'`, `'gamma'` or `'gaussian'`.
 * @param link - @defaultValue the family's default link ({@link DEFAULT_LINK}).
 * @param theta - the negative-binomial size θ > 0 (required for, and only for, `negativeBinomial`).
 * @example
 * const f = makeFamily('binomial', 'logit');
 * f.linkinv(0); // 0.5
 */
export function makeFamily(name: FamilyName, link?: LinkName, theta?: number): Family {
  if (typeof name !== 'string' || !(FAMILY_NAMES as string[]).includes(name)) {
    throw new ArgumentError('family', name, `one of ${FAMILY_NAMES.map((f) => JSON.stringify(f)).join(', ')}`);
  }
  const lk = link ?? DEFAULT_LINK[name];
  const allowed = FAMILY_LINKS[name];
  if (!allowed.includes(lk)) {
    throw new ArgumentError('link', lk, `a link of the ${name} family: ${allowed.map((l) => JSON.stringify(l)).join(', ')}`);
  }
  if (name === 'negativeBinomial') {
    if (typeof theta !== 'number' || !Number.isFinite(theta) || !(theta > 0)) {
      throw new ArgumentError('theta', theta, 'a finite negative-binomial size θ > 0');
    }
  } else if (theta !== undefined) {
    throw new ArgumentError('theta', theta, `nothing: θ belongs to the negativeBinomial family, not ${name}`);
  }
  const L = LINKS[lk];
  const V = varianceFunctions(name, theta ?? Number.NaN);
  return {
    name,
    link: lk,
    ...(name === 'negativeBinomial' ? { theta: theta as number } : {}),
    linkfun: L.linkfun,
    linkinv: L.linkinv,
    muEta: L.muEta,
    validEta: L.validEta,
    variance: V.variance,
    validMu: V.validMu,
    devResid: V.devResid,
    logDensity: V.logDensity,
    initialMu: V.initialMu,
    estimatesDispersion: V.estimatesDispersion,
  };
}

/** Where the response comes from, for the words of a response error. */
export interface ResponseContext {
  /** @defaultValue `'data'` */
  table?: string;
  /** @defaultValue `'response'` */
  field?: string;
  /** The column holding the binomial trials, when there is one. */
  trialsField?: string;
  /** Accept non-integer counts for Poisson and negative binomial (quasi-likelihood use). @defaultValue false */
  allowNonInteger?: boolean;
}

/**
 * Check a response against its family, listing every bad row in one `ValidationError`.
 * Binomial: `y` are successes out of `wt` trials (0/1 when `wt` is 1): whole numbers with
 * 0 ≤ y ≤ wt and wt ≥ 1 whole. Poisson, negative binomial: whole numbers ≥ 0 (unless
 * `allowNonInteger`). Gamma: > 0. Every family: finite numbers.
 *
 * @param rowNumbers - the 1-based data row of each element, for the messages.
 * @example
 * checkResponse(makeFamily('poisson'), [0, 2, 1.5], [1, 1, 1], [1, 2, 3]);
 * // throws ValidationError: data row 3, field "response": received 1.5, expected a whole number ≥ 0 (a count) …
 */
const RESPONSE_CONTEXT_KEYS = optionKeys<ResponseContext>()(['table', 'field', 'trialsField', 'allowNonInteger']);

export function checkResponse(
  family: Family,
  y: readonly number[],
  wt: readonly number[],
  rowNumbers: readonly number[],
  context: ResponseContext = {},
): void {
  checkOptions('context', context, RESPONSE_CONTEXT_KEYS);
  const table = context.table ?? 'data';
  const field = context.field ?? 'response';
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const row = rowNumbers[i] ?? i + 1;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      issues.push(issue(table, row, field, v, 'a finite number'));
      continue;
    }
    switch (family.name) {
      case 'binomial': {
        const n = wt[i]!;
        if (context.trialsField !== undefined) {
          if (!(Number.isInteger(n) && n >= 1)) {
            issues.push(issue(table, row, context.trialsField, n, 'a whole number of trials ≥ 1'));
            break;
          }
          if (!(Number.isInteger(v) && v >= 0 && v <= n)) {
            issues.push(issue(table, row, field, v, `a whole number of successes from 0 to the ${n} trials in "${context.trialsField}"`));
          }
        } else if (v !== 0 && v !== 1) {
          issues.push(issue(table, row, field, v, '0 or 1 for a binomial response (give successes out of trials with the `trials` option)'));
        }
        break;
      }
      case 'poisson':
      case 'negativeBinomial':
        if (v < 0 || (!context.allowNonInteger && !Number.isInteger(v))) {
          issues.push(
            issue(table, row, field, v, context.allowNonInteger ? 'a number ≥ 0' : `a whole number ≥ 0 (a count) for the ${family.name} family`),
          );
        }
        break;
      case 'gamma':
        if (!(v > 0)) issues.push(issue(table, row, field, v, 'a number > 0 for the gamma family (costs of 0 need a two-part model)'));
        break;
      case 'gaussian':
        break;
    }
  }
  if (issues.length) throw new ValidationError(issues, `The response does not fit the ${family.name} family`);
}

/**
 * The covariance structures of an MMRM, parametrised exactly as R's mmrm does (its
 * "Covariance Structures" vignette and src/covariance.h), so that the variance parameters θ,
 * their covariance and the Kenward–Roger adjustment (whose second-derivative term depends on
 * the parametrisation) are mmrm's.
 *
 * Σ = D P D with D the standard deviations (one, or one per visit for the `h` structures),
 * log σ as parameters; correlations ρ = θ/√(1 + θ²) (`f⁻¹`), except compound symmetry, where
 * ρ = logit⁻¹(θ)(1 + a) − a, a = 1/(m − 1). The unstructured Σ = L L' has L_ii = σ_i and
 * L_ij = σ_i θ_k (j < i, row by row). θ lists the log standard deviations first.
 */
import { ArgumentError } from '../../errors/index.js';
import type { CovarianceStructure } from '../../formula/parse.js';

/** Number of variance parameters of a structure on m visits. */
export function parameterCount(structure: CovarianceStructure, m: number): number {
  switch (structure) {
    case 'us':
      return (m * (m + 1)) / 2;
    case 'cs':
    case 'ar1':
      return 2;
    case 'csh':
    case 'ar1h':
      return m + 1;
    case 'toep':
    case 'ad':
      return m;
    case 'toeph':
    case 'adh':
      return 2 * m - 1;
  }
}

/** Whether a structure has one standard deviation per visit. */
export function heterogeneous(structure: CovarianceStructure): boolean {
  return structure === 'us' || structure.endsWith('h');
}

/** The names of θ, e.g. `log(sd[VIS1])`, `rho[1]` (the transformed correlation parameters). */
export function parameterNames(structure: CovarianceStructure, visits: readonly string[]): string[] {
  const m = visits.length;
  const sds = heterogeneous(structure) ? visits.map((v) => `log(sd[${v}])`) : ['log(sd)'];
  const k = parameterCount(structure, m) - sds.length;
  if (structure === 'us') {
    const out: string[] = [];
    for (let i = 1; i < m; i++) for (let j = 0; j < i; j++) out.push(`chol[${visits[i]},${visits[j]}]`);
    return [...sds, ...out];
  }
  return [...sds, ...Array.from({ length: k }, (_, i) => (k === 1 ? 'theta(rho)' : `theta(rho[${i + 1}])`))];
}

const toCorrelation = (t: number) => t / Math.sqrt(1 + t * t);

/**
 * Σ(θ) for m visits, row-major m × m; null when the correlation matrix is not positive definite
 * (possible for Toeplitz correlations far from the optimum).
 */
export function covarianceMatrix(structure: CovarianceStructure, theta: ArrayLike<number>, m: number, off = 0): Float64Array | null {
  const S = new Float64Array(m * m);
  if (structure === 'us') {
    const L = new Float64Array(m * m);
    let k = off + m;
    for (let i = 0; i < m; i++) {
      const sd = Math.exp(theta[off + i]!);
      L[i * m + i] = sd;
      for (let j = 0; j < i; j++) L[i * m + j] = sd * theta[k++]!;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let c = 0; c <= j; c++) s += L[i * m + c]! * L[j * m + c]!;
        S[i * m + j] = s;
        S[j * m + i] = s;
      }
    }
    return S;
  }
  const het = heterogeneous(structure);
  const nSd = het ? m : 1;
  const sd = (i: number) => Math.exp(theta[off + (het ? i : 0)]!);
  const c0 = off + nSd;
  let corr: (i: number, j: number) => number;
  switch (structure) {
    case 'cs':
    case 'csh': {
      const a = 1 / (m - 1);
      const rho = (1 / (1 + Math.exp(-theta[c0]!))) * (1 + a) - a;
      corr = () => rho;
      break;
    }
    case 'ar1':
    case 'ar1h': {
      const rho = toCorrelation(theta[c0]!);
      corr = (i, j) => rho ** (i - j);
      break;
    }
    case 'toep':
    case 'toeph': {
      const rho = Array.from({ length: m - 1 }, (_, k) => toCorrelation(theta[c0 + k]!));
      corr = (i, j) => rho[i - j - 1]!;
      break;
    }
    case 'ad':
    case 'adh': {
      const rho = Array.from({ length: m - 1 }, (_, k) => toCorrelation(theta[c0 + k]!));
      corr = (i, j) => {
        let r = 1;
        for (let k = j; k < i; k++) r *= rho[k]!;
        return r;
      };
      break;
    }
  }
  for (let i = 0; i < m; i++) {
    const si = sd(i);
    S[i * m + i] = si * si;
    for (let j = 0; j < i; j++) {
      const v = si * sd(j) * corr(i, j);
      S[i * m + j] = v;
      S[j * m + i] = v;
    }
  }
  if (structure === 'toep' || structure === 'toeph') {
    // mmrm takes the Cholesky factor of the correlation matrix; one that has none is outside the model.
    if (!choleskyOk(S, m)) return null;
  }
  return S;
}

function choleskyOk(a: Float64Array, n: number): boolean {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! ** 2;
    if (!(d > 0)) return false;
    L[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return true;
}

/** Start: every log standard deviation at log(sd0), correlations at 0 (compound symmetry's θ = 0 as mmrm). */
export function startTheta(structure: CovarianceStructure, m: number, sd0: number): number[] {
  const k = parameterCount(structure, m);
  const nSd = heterogeneous(structure) ? m : 1;
  return Array.from({ length: k }, (_, i) => (i < nSd ? Math.log(sd0) : 0));
}

/** The fewest visits a structure needs (a correlation needs two). */
export function checkVisitCount(structure: CovarianceStructure, m: number, time: string, group: string | null): void {
  if (m < 2) {
    throw new ArgumentError(
      `data.${time}`,
      `${m} visit level${m === 1 ? '' : 's'}${group ? ` in group ${group}` : ''}`,
      `at least 2 visits for the covariance structure "${structure}" (it has correlations between visits); with one visit use fitOls`,
    );
  }
}

/**
 * Distributions and special functions, written for rcteval and checked against R: see
 * docs/methods/distributions.md for the methods and the accuracy achieved.
 */
export type { CdfOptions, QuantileOptions, DensityOptions } from './options.js';
export { logGamma, logGamma1p, logBeta } from './gamma-function.js';
export { regularizedIncompleteBeta } from './incomplete-beta.js';
export { regularizedIncompleteGamma } from './incomplete-gamma.js';
export { normalPdf, normalCdf, normalQuantile, type NormalParameters } from './normal.js';
export { studentTPdf, studentTCdf, studentTQuantile } from './student-t.js';
export { chiSquaredPdf, chiSquaredCdf, chiSquaredQuantile } from './chi-squared.js';
export { fPdf, fCdf, fQuantile } from './f.js';
export { betaPdf, betaCdf, betaQuantile } from './beta.js';
export { noncentralTCdf, noncentralTNcpInterval, type NcpIntervalOptions } from './noncentral-t.js';
export { binomialPmf, binomialCdf } from './binomial.js';
export { hypergeometricPmf, hypergeometricCdf } from './hypergeometric.js';
export { brentRoot, type BrentOptions } from './root-finding.js';

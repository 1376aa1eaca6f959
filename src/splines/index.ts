/** Spline bases: B-splines (R's splineDesign) and natural cubic splines (R's ns). */
export { splineDesign } from './spline-design.js';
export { naturalSpline, quantileType7, type NaturalSplineBasis, type NaturalSplineOptions } from './natural-spline.js';

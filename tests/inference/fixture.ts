/** Row types of the inference tests' R fixture (tests/fixtures/r/inference/inference.json) used by more than one test file. */

/** A two-group comparison, x1 of n1 against x2 of n2, with R's results by key (e.g. `riskRatio95`: estimate, SE of the log, limits). */
export interface TwoRow {
  x1: number;
  n1: number;
  x2: number;
  n2: number;
  [key: string]: number | number[] | undefined;
}

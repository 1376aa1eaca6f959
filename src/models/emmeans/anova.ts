/**
 * Type III F tests of each fixed-effect term, as lmerTest's `anova(fit, type = 3)`.
 *
 * The hypothesis for a term is built from marginal means, so it does not depend on the
 * contrast coding: for a term of factors F (and numeric covariates N), take the
 * reference grid over F with the other factors averaged (equal weights) and the other
 * covariates at their means, differentiate in N, and apply to each factor of F the
 * contrasts "level − first level", multiplied across F. For `arm` in `arm * visit` this
 * gives the arm difference averaged over visits (L = [0, 1, 0, 0, ⅓, ⅓] under
 * treatment coding), as lmerTest's type 3 hypothesis matrices do.
 *
 * F = (Lβ)'(LVL')⁻¹(Lβ)/q with Satterthwaite (lmerTest's contestMD) or Kenward–Roger
 * denominator df.
 */
import { fCdf } from '../../distributions/f.js';
import { ArgumentError } from '../../errors/index.js';
import { fillDesign, type EncodedVariable } from '../../formula/frame.js';
import { cross } from './marginal-means.js';
import { linearModelView } from './view.js';

export interface AnovaRow {
  term: string;
  numDf: number;
  denDf: number;
  statistic: number;
  pValue: number;
  /** The hypothesis matrix over the model's columns. */
  L: number[][];
  /** With asymptotic df (GLMs with a fixed dispersion): the Wald χ² = numDf·F on numDf df, same p-value. */
  chiSquare?: number;
}

export interface AnovaTable {
  kind: 'anova';
  type: 3;
  rows: AnovaRow[];
  ddf: string;
  method: string;
}

/**
 * Type III tests for every fixed-effect term.
 * @example
 * anova(fit).rows; // [{ term: 'arm', numDf: 1, denDf: 51.08, statistic: 0.0237, pValue: 0.878 }, …]
 */
export function anova(fit: object, options: { ddf?: 'Satterthwaite' | 'Kenward-Roger' } = {}): AnovaTable {
  const view = linearModelView(fit, options.ddf);
  if (!view.dfF) throw new ArgumentError('options.ddf', view.ddf, 'a df method with F tests (Satterthwaite or Kenward-Roger)');
  const pAll = view.spec.columnNames.length;
  const factorVars = [...new Set(view.spec.terms.flatMap((t) => t.variables))].filter((v) => view.variables[v]!.kind === 'factor');
  const rows: AnovaRow[] = [];
  for (const term of view.spec.terms) {
    const F = term.variables.filter((v) => view.variables[v]!.kind === 'factor');
    const N = term.variables.filter((v) => view.variables[v]!.kind === 'numeric');
    const others = factorVars.filter((v) => !F.includes(v));
    const levels = (v: string) => (view.variables[v] as { levels: string[] }).levels;
    const cells = cross(F.map(levels));
    const combos = cross(others.map(levels));
    // Inclusion–exclusion over the numeric variables of the term: the mixed difference
    // at (mean + 1) vs mean is the derivative, exact because the design is multilinear.
    const corners = cross(N.map(() => ['0', '1']));
    const nRows = cells.length * combos.length * corners.length;
    const enc: Record<string, EncodedVariable> = {};
    for (const v of [...F, ...others]) enc[v] = { info: view.variables[v]!, codes: new Int32Array(nRows) };
    for (const [v, m] of Object.entries(view.numericMeans)) enc[v] = { info: view.variables[v]!, values: new Float64Array(nRows).fill(m) };
    let r = 0;
    const sign: number[] = [];
    for (const cell of cells) {
      for (const combo of combos) {
        for (const corner of corners) {
          F.forEach((v, i) => (enc[v]!.codes![r] = levels(v).indexOf(cell[i]!)));
          others.forEach((v, i) => (enc[v]!.codes![r] = levels(v).indexOf(combo[i]!)));
          let sg = 1;
          N.forEach((v, i) => {
            if (corner[i] === '1') enc[v]!.values![r] = view.numericMeans[v]! + 1;
            else sg = -sg;
          });
          sign.push(sg);
          r++;
        }
      }
    }
    const X = fillDesign(view.spec, enc, Int32Array.from({ length: nRows }, (_, i) => i));
    const per = combos.length * corners.length;
    const means = cells.map((_, c) => {
      const l = new Array<number>(pAll).fill(0);
      for (let k = 0; k < per; k++) {
        const row = c * per + k;
        const w = sign[row]! / combos.length;
        for (let j = 0; j < pAll; j++) l[j] = l[j]! + w * X[j * nRows + row]!;
      }
      return l;
    });
    // Contrasts "level − first" per factor, multiplied across the term's factors.
    const perFactor = F.map((v) => {
      const n = levels(v).length;
      return Array.from({ length: n - 1 }, (_, k) => {
        const c = new Array<number>(n).fill(0);
        c[0] = -1;
        c[k + 1] = 1;
        return c;
      });
    });
    const combosC = cross(perFactor.map((p) => p.map((_, i) => String(i))));
    const L = combosC.map((cc) => {
      const l = new Array<number>(pAll).fill(0);
      cells.forEach((cell, ci) => {
        let w = 1;
        F.forEach((v, k) => (w *= perFactor[k]![Number(cc[k])]![levels(v).indexOf(cell[k]!)]!));
        if (w === 0) return;
        for (let j = 0; j < pAll; j++) l[j] = l[j]! + w * means[ci]![j]!;
      });
      return l;
    });
    const Lk = L.map((l) => Float64Array.from(view.kept.map((j) => l[j]!)));
    const { F: stat, numDf, denDf } = view.dfF(Lk);
    rows.push({
      term: term.label,
      numDf,
      denDf,
      statistic: stat,
      pValue: fCdf(stat, numDf, denDf, { lowerTail: false }),
      L: L.map((l) => l.map((x) => (Math.abs(x) < 1e-14 ? 0 : x))),
      ...(denDf === Infinity ? { chiSquare: stat * numDf } : {}),
    });
  }
  return { kind: 'anova', type: 3, rows, ddf: view.ddf, method: `type III F tests (marginal-means hypotheses); denominator df: ${view.ddf}` };
}

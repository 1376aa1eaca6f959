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
import { dict } from '../../data/own.js';
import { fCdf } from '../../distributions/f.js';
import { ArgumentError } from '../../errors/index.js';
import { fillDesign, type EncodedVariable } from '../../formula/frame.js';
import { MIN_DF, type Estimability } from '../../results/not-estimable.js';
import { cross, NOT_IN_ROW_SPACE } from './marginal-means.js';
import { linearModelView, type LinearModelView } from './view.js';
import { checkOptions, optionKeys } from '../../errors/checks.js';

/** A type III test; one the design cannot form has `estimable: false`, `null` numbers and the reason. */
export interface AnovaRow extends Estimability {
  term: string;
  numDf: number;
  denDf: number | null;
  statistic: number | null;
  pValue: number | null;
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
  checkOptions('options', options, optionKeys<{ ddf?: 'Satterthwaite' | 'Kenward-Roger' }>()(['ddf']));
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
    const enc = dict<EncodedVariable>();
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
    const Lout = L.map((l) => l.map((x) => (Math.abs(x) < 1e-14 ? 0 : x)));
    const reason = untestable(view, L, Lk);
    if (reason !== null) {
      rows.push({ term: term.label, numDf: L.length, denDf: null, statistic: null, pValue: null, L: Lout, estimable: false, reason });
      continue;
    }
    const { F: stat, numDf, denDf } = view.dfF(Lk);
    const why = !Number.isFinite(stat) || numDf < 1 ? 'the F statistic is not defined (the hypothesis has no estimable direction)' : !(denDf >= MIN_DF) ? `its denominator degrees of freedom are numerically zero (${denDf.toPrecision(2)})` : null;
    rows.push(
      why === null
        ? { term: term.label, numDf, denDf, statistic: stat, pValue: fCdf(stat, numDf, denDf, { lowerTail: false }), L: Lout, estimable: true, reason: null, ...(denDf === Infinity ? { chiSquare: stat * numDf } : {}) }
        : { term: term.label, numDf, denDf: null, statistic: null, pValue: null, L: Lout, estimable: false, reason: why },
    );
  }
  return { kind: 'anova', type: 3, rows, ddf: view.ddf, method: `type III F tests (marginal-means hypotheses); denominator df: ${view.ddf}` };
}

/** Why the hypothesis L (rows over all columns; Lk over the kept ones) cannot be tested, or null. */
function untestable(view: LinearModelView, L: number[][], Lk: Float64Array[]): string | null {
  for (const l of L) {
    const norm = Math.sqrt(l.reduce((a, v) => a + v * v, 0)) || 1;
    if (view.nullBasis.some((nb) => Math.abs(nb.reduce((a, v, j) => a + v * l[j]!, 0)) > 1e-8 * norm)) return NOT_IN_ROW_SPACE;
  }
  for (const l of Lk) {
    const r = view.notEstimable?.(l) ?? null;
    if (r !== null) return r;
  }
  return null;
}

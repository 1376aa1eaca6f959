/**
 * Predictions from a mixed model for new data, as lme4's `predict(fit, newdata,
 * re.form)`: the fixed part Xβ, plus (with `includeRandom`) each row's conditional modes
 * Zb for the groups seen in the fit.
 */
import { ArgumentError } from '../../errors/index.js';
import { encodeNewData, fillDesign, type ModelFrame } from '../../formula/frame.js';
import { formatNumberLevel } from '../../formula/levels.js';
import { toColumnSource, type ColumnSource, type ModelData } from '../data-input.js';
import type { ReTerm } from './structure.js';
import { getState } from './state.js';
import type { LmmFit } from './types.js';
import { checkBoolean, checkOptions, optionKeys } from '../../errors/checks.js';
import { notAFit } from '../fit-state.js';

export interface PredictOptions {
  /**
   * Add the conditional modes of the random effects (lme4's `re.form = NULL`); without,
   * the population-level prediction (`re.form = NA`).
   * @defaultValue true
   */
  includeRandom?: boolean;
  /**
   * For a group level not in the fit: predict at the population level for that term
   * (lme4's `allow.new.levels = TRUE`) instead of raising an error.
   * @defaultValue false
   */
  allowNewLevels?: boolean;
}

/**
 * Predict the response for `newdata`.
 * @throws ArgumentError for a missing column, a factor level the fit has not seen, or
 *   (unless allowed) an unknown group level, naming the row.
 * @example
 * predict(fit, [{ Days: 3, Subject: '308' }]); // [ 292.1… ] (with Subject 308's own intercept and slope)
 */
export function predict(fit: LmmFit, newdata: ModelData, options: PredictOptions = {}): number[] {
  checkOptions('options', options, optionKeys<PredictOptions>()(['includeRandom', 'allowNewLevels']));
  checkBoolean('options.includeRandom', options.includeRandom);
  checkBoolean('options.allowNewLevels', options.allowNewLevels);
  const s = getState(fit);
  if (!s) throw notAFit('fit', fit, ['lmm']);
  const src = toColumnSource(newdata, 'newdata');
  const n = src.nRows;
  const { frame } = s;
  const fixedVars = [...new Set(frame.spec.terms.flatMap((t) => t.variables))];
  const enc = encodeNewData(frame.variables, fixedVars, src);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const X = fillDesign(frame.spec, enc, rows);
  const out = new Array<number>(n).fill(0);
  s.kept.forEach((j, c) => {
    const b = s.beta[c]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! + X[j * n + i]! * b;
  });
  if (options.includeRandom === false) return out;
  // Modes by level name: the reported table omits partial nesting's placeholder cluster (whose
  // random effect multiplies 0), so positions in it are not positions in the term's levels.
  const modes = s.cp.terms.map((t, ti) => {
    const tab = fit.randomEffects[ti]!;
    const byLevel = new Map(tab.levels.map((l, i) => [l, tab.values[i]!]));
    return t.levels.map((l) => byLevel.get(l) ?? new Array<number>(t.k).fill(0));
  });
  addConditionalModes(frame, s.cp.terms, modes, src, out, options.allowNewLevels === true);
  return out;
}

/**
 * Add each row's Zb to `out` (lme4's `re.form = NULL`): the conditional modes `modes[term][level]`
 * of the groups seen in the fit; a new level adds nothing when `allowNewLevels`, else an error.
 * Shared by the LMM and GLMM predictions.
 */
export function addConditionalModes(
  frame: ModelFrame,
  terms: readonly Pick<ReTerm, 'frameIndex' | 'levels' | 'k' | 'groupName'>[],
  modes: readonly (readonly (readonly number[])[])[],
  src: ColumnSource,
  out: number[],
  allowNewLevels: boolean,
): void {
  const n = src.nRows;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  terms.forEach((t, ti) => {
    const fr = frame.random[t.frameIndex]!;
    const reVars = [...new Set(fr.spec.terms.flatMap((x) => x.variables))];
    const renc = encodeNewData(frame.variables, reVars, src);
    const Z = fillDesign(fr.spec, renc, rows);
    const cols = fr.term.group.map((g) => {
      if (!src.has(g)) throw new ArgumentError(`newdata.${g}`, undefined, `a column "${g}" (grouping factor of (${fr.term.label}))`);
      return src.column(g);
    });
    const index = new Map(t.levels.map((l, i) => [l, i]));
    const values = modes[ti]!;
    for (let i = 0; i < n; i++) {
      const key = cols.map((c) => {
        const v = c[i];
        return typeof v === 'number' ? formatNumberLevel(v) : String(v);
      }).join(':');
      const lev = index.get(key);
      if (lev === undefined) {
        if (allowNewLevels) continue;
        throw new ArgumentError(`newdata[${i}].${t.groupName}`, key, `a level seen in the fit, or options.allowNewLevels = true for a population-level prediction`);
      }
      const b = values[lev]!;
      for (let c = 0; c < t.k; c++) out[i] = out[i]! + Z[c * n + i]! * b[c]!;
    }
  });
}

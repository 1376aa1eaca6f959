/**
 * Contrasts of estimated marginal means, as R's emmeans `contrast()`: pairwise,
 * revpairwise, trt.vs.ctrl, custom weights, and interaction contrasts (products of
 * per-factor contrasts, e.g. the difference between arms in the change from baseline).
 *
 * Each contrast is a linear function c'μ = (c'L)β of the means, so its SE and df come
 * from the model exactly as for the means. P-value adjustment is within each `by` group
 * by default (emmeans's family); intervals are adjusted by Bonferroni for the step-wise
 * p-value methods (Holm, Hochberg, Hommel, BH, BY), by Šidák for Šidák, as emmeans does.
 */
import { ArgumentError } from '../../errors/index.js';
import { P_ADJUST_METHODS, pAdjust, type PAdjustMethod } from '../../inference/p-adjust.js';
import { notEstimable, waldRow } from '../../results/not-estimable.js';
import { estimateLinear, viewOf, type MarginalMeans } from './marginal-means.js';
import { checkOneOf, checkOptions, isPlainObject, optionKeys } from '../../errors/checks.js';

const CONTRAST_OPTION_KEYS = optionKeys<ContrastOptions>()(['adjust', 'family', 'reference', 'ciLevel']);
import { onResponseScale } from './response-scale.js';
import type { WaldEstimate } from '../../results/types.js';

export type ContrastMethod = 'pairwise' | 'revpairwise' | 'trt.vs.ctrl' | Record<string, number[]>;

export interface ContrastOptions {
  /**
   * P-value adjustment across the contrasts of a family.
   * @defaultValue 'none'
   */
  adjust?: PAdjustMethod | 'sidak';
  /**
   * The family for the adjustment: each `by` group on its own (emmeans's default), or
   * all contrasts together.
   * @defaultValue 'by'
   */
  family?: 'by' | 'all';
  /** Reference level index for `trt.vs.ctrl`. @defaultValue 0 (the first level) */
  reference?: number;
  /** @defaultValue the means' ciLevel */
  ciLevel?: number;
}

/** A contrast; one of non-estimable means is not estimable itself (null numbers, the reason). */
export interface ContrastRow extends WaldEstimate {
  contrast: string;
  /** The `by` levels of this contrast, e.g. `{ visit: '9m' }`. */
  by: Record<string, string>;
  /** The adjustment applied to `pValue` and `ci`. */
  adjust: string;
  /** Models with a link: what the estimate is, e.g. `odds ratio`, `rate ratio`, `risk difference`, `difference (logit scale)`. */
  scale?: string;
}

export interface ContrastResult {
  kind: 'contrasts';
  rows: ContrastRow[];
  /** Linear functions of β (over the model's columns), one per row. */
  L: number[][];
  method: string;
  ddf: string;
}

const CONTRAST_METHODS = ['pairwise', 'revpairwise', 'trt.vs.ctrl'] as const;

function checkContrastOptions(options: ContrastOptions): void {
  checkOptions('options', options, CONTRAST_OPTION_KEYS);
  if (options.adjust !== undefined) checkOneOf('options.adjust', options.adjust, [...P_ADJUST_METHODS, 'sidak']);
  if (options.family !== undefined) checkOneOf('options.family', options.family, ['by', 'all']);
}

/** Contrast coefficient vectors for n levels with their labels. */
export function contrastCoefficients(method: ContrastMethod, levels: string[], reference = 0): { name: string; c: number[] }[] {
  if (typeof method === 'string') checkOneOf('method', method, CONTRAST_METHODS);
  else if (!isPlainObject(method)) throw new ArgumentError('method', method, `one of ${CONTRAST_METHODS.map((m) => `"${m}"`).join(', ')} or an object { name: weights }`);
  const n = levels.length;
  const out: { name: string; c: number[] }[] = [];
  if (method === 'pairwise' || method === 'revpairwise') {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const c = new Array<number>(n).fill(0);
        if (method === 'pairwise') {
          c[i] = 1;
          c[j] = -1;
          out.push({ name: `${levels[i]} - ${levels[j]}`, c });
        } else {
          c[j] = 1;
          c[i] = -1;
          out.push({ name: `${levels[j]} - ${levels[i]}`, c });
        }
      }
    }
    // emmeans lists revpairwise by the first-named level, then the second.
    if (method === 'revpairwise') out.sort((a, b) => levels.indexOf(a.name.split(' - ')[0]!) - levels.indexOf(b.name.split(' - ')[0]!) || levels.indexOf(a.name.split(' - ')[1]!) - levels.indexOf(b.name.split(' - ')[1]!));
    return out;
  }
  if (method === 'trt.vs.ctrl') {
    if (!(reference >= 0 && reference < n)) throw new ArgumentError('options.reference', reference, `an index from 0 to ${n - 1}`);
    for (let j = 0; j < n; j++) {
      if (j === reference) continue;
      const c = new Array<number>(n).fill(0);
      c[j] = 1;
      c[reference] = -1;
      out.push({ name: `${levels[j]} - ${levels[reference]}`, c });
    }
    return out;
  }
  for (const [name, c] of Object.entries(method)) {
    if (!Array.isArray(c) || c.length !== n || c.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new ArgumentError(`method.${name}`, c, `${n} finite weights, one per level (${levels.join(', ')})`);
    }
    out.push({ name, c });
  }
  return out;
}

/**
 * Contrast marginal means within each `by` group.
 * @example
 * const mm = marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] });
 * contrast(mm, 'revpairwise').rows; // SFT − control at each visit
 */
export function contrast(mm: MarginalMeans, method: ContrastMethod, options: ContrastOptions = {}): ContrastResult {
  checkContrastOptions(options);
  const view = viewOf(mm);
  const inner = mm.specs.filter((s) => !mm.by.includes(s));
  if (inner.length === 0) throw new ArgumentError('means', mm.specs, 'at least one factor not in `by` to contrast');
  // The contrasted "levels" are the combinations of the non-by factors.
  const groups = new Map<string, number[]>();
  mm.rows.forEach((r, i) => {
    const key = mm.by.map((b) => r.levels[b]).join('\u0000');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  });
  const built: { name: string; by: Record<string, string>; L: number[]; group: string }[] = [];
  for (const [key, idx] of groups) {
    const labels = idx.map((i) => inner.map((v) => mm.rows[i]!.levels[v]).join(' '));
    const coefs = contrastCoefficients(method, labels, options.reference ?? 0);
    const by = Object.fromEntries(mm.by.map((b) => [b, mm.rows[idx[0]!]!.levels[b]!]));
    for (const { name, c } of coefs) built.push({ name, by, L: combine(mm, idx, c), group: key });
  }
  const name = typeof method === 'string' ? method : 'custom';
  return finish(mm, view, built, options, `${name} contrasts of ${mm.specs.join(' × ')} means${mm.by.length ? ` by ${mm.by.join(', ')}` : ''}`);
}

/**
 * Interaction contrasts: the product of a contrast for each factor, e.g.
 * `{ arm: 'revpairwise', visit: 'trt.vs.ctrl' }` gives (SFT − control) × (visit − baseline):
 * the between-arm difference in change from baseline at each visit.
 */
export function interactionContrast(mm: MarginalMeans, methods: Record<string, ContrastMethod>, options: ContrastOptions = {}): ContrastResult {
  checkContrastOptions(options);
  const view = viewOf(mm);
  const factors = Object.keys(methods);
  for (const f of factors) if (!mm.specs.includes(f)) throw new ArgumentError('methods', f, `one of the means' factors (${mm.specs.join(', ')})`);
  const levels = factors.map((f) => [...new Set(mm.rows.map((r) => r.levels[f]!))]);
  const perFactor = factors.map((f, i) => contrastCoefficients(methods[f]!, levels[i]!, options.reference ?? 0));
  // Cells of the other factors stay as separate groups (like `by`).
  const rest = mm.specs.filter((s) => !factors.includes(s));
  const groups = new Map<string, number[]>();
  mm.rows.forEach((r, i) => {
    const key = rest.map((b) => r.levels[b]).join('\u0000');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  });
  const built: { name: string; by: Record<string, string>; L: number[]; group: string }[] = [];
  const combos = crossIdx(perFactor.map((p) => p.length));
  for (const [key, idx] of groups) {
    const by = Object.fromEntries(rest.map((b) => [b, mm.rows[idx[0]!]!.levels[b]!]));
    for (const combo of combos) {
      const weights = idx.map((i) => {
        let w = 1;
        factors.forEach((f, k) => {
          const li = levels[k]!.indexOf(mm.rows[i]!.levels[f]!);
          w *= perFactor[k]![combo[k]!]!.c[li]!;
        });
        return w;
      });
      const nm = factors.map((_, k) => perFactor[k]![combo[k]!]!.name).join(' : ');
      built.push({ name: nm, by, L: combine(mm, idx, weights), group: key });
    }
  }
  const desc = factors.map((f) => `${f} ${typeof methods[f] === 'string' ? methods[f] : 'custom'}`).join(' × ');
  return finish(mm, view, built, options, `interaction contrasts (${desc})`);
}

function combine(mm: MarginalMeans, idx: number[], c: number[]): number[] {
  const p = mm.columnNames.length;
  const L = new Array<number>(p).fill(0);
  idx.forEach((i, k) => {
    const w = c[k]!;
    if (w === 0) return;
    const row = mm.L[i]!;
    for (let j = 0; j < p; j++) L[j] = L[j]! + w * row[j]!;
  });
  return L;
}

function crossIdx(sizes: number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of sizes) {
    const next: number[][] = [];
    for (let i = 0; i < n; i++) for (const o of out) next.push([...o, i]);
    out = next;
  }
  return out;
}

function finish(
  mm: MarginalMeans,
  view: ReturnType<typeof viewOf>,
  built: { name: string; by: Record<string, string>; L: number[]; group: string }[],
  options: ContrastOptions,
  method: string,
): ContrastResult {
  const ciLevel = options.ciLevel ?? mm.ciLevel;
  const adjust = options.adjust ?? 'none';
  const rows: ContrastRow[] = built.map((b) => {
    const e = estimateLinear(view, b.L, ciLevel);
    return { contrast: b.name, by: b.by, ...e, ciLevel, adjust };
  });
  if (adjust !== 'none') {
    const families = new Map<string, number[]>();
    built.forEach((b, i) => {
      const key = (options.family ?? 'by') === 'all' ? '' : b.group;
      if (!families.has(key)) families.set(key, []);
      families.get(key)!.push(i);
    });
    for (const idx of families.values()) {
      const est = idx.filter((i) => rows[i]!.estimable);
      const m = est.length;
      if (m === 0) continue;
      const raw = est.map((i) => rows[i]!.pValue!);
      const adj = adjust === 'sidak' ? raw.map((p) => 1 - (1 - p) ** m) : pAdjust(raw, adjust);
      est.forEach((i, k) => {
        const r = rows[i]!;
        r.pValue = adj[k]!;
        // Simultaneous intervals: Šidák for Šidák, Bonferroni otherwise (emmeans's rule).
        const level = adjust === 'sidak' ? ciLevel ** (1 / m) : 1 - (1 - ciLevel) / m;
        const w = waldRow(r.estimate!, r.se!, r.df!, level);
        if (w.estimable) r.ci = w.ci;
        else rows[i] = { ...notEstimable(r, w.reason!), estimate: r.estimate };
      });
    }
  }
  return onResponseScale(mm, { kind: 'contrasts', rows, L: built.map((b) => b.L), method: `${method}; df: ${view.ddf}; p-value adjustment: ${adjust}${adjust !== 'none' ? ` within ${(options.family ?? 'by') === 'all' ? 'all contrasts' : 'each by group'}` : ''}`, ddf: view.ddf });
}

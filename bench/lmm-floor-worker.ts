/**
 * One case of the floor benchmark (bench/lmm-floor.bench.ts), in its own process:
 * simulate the SFT-shaped data (untimed), warm up, then time the case's repeats.
 * Usage: node --expose-gc --import tsx bench/lmm-floor-worker.ts <case> <nParticipants> <repeats>
 *
 * Cases:
 *   pass                  one pass: formCrossProducts on the frame's typed arrays (see below)
 *   fit:<form>:<spelling> fitLmm with asymptotic df, then the same with Satterthwaite df (the
 *                         default), and the Satterthwaite Hessian and Jacobian (varparInfo) alone
 *   form:    columns (an object of typed arrays) | rows (an array of row objects, same values)
 *   spelling: option (`(1 | id)` with options.partialNesting) | lme4 (`(0 + trt | group)`, each
 *             control participant its own group level)
 */
import { fitLmm, lmmFrame } from '../src/models/lmm/fit.js';
import { buildReTerms, formCrossProducts, type InternalColumns } from '../src/models/lmm/structure.js';
import { planColumns } from '../src/models/centring.js';
import { getState } from '../src/models/lmm/state.js';
import { varparInfo } from '../src/models/lmm/satterthwaite.js';
import { simulateLongColumns } from '../src/simulate/columns.js';
import { median } from './worker.js';

const [kind = 'pass', participantsArg = '122000', repeatsArg = '5'] = process.argv.slice(2);
const nParticipants = Number(participantsArg);
const repeats = Number(repeatsArg);
const sim = simulateLongColumns({ nParticipants, seed: 2026 });
const n = sim.nRows;
const visitLevels = sim.levels.visit.map((_, i) => String(i));
const levels = { arm: ['0', '1'], visit: visitLevels };

// lme4's spelling: treated participants in their therapy group, each control participant a
// group level of its own (numbered after the therapy groups), trt the treated arm's indicator.
const groupLme4 = new Int32Array(n);
for (let i = 0; i < n; i++) groupLme4[i] = sim.group[i]! >= 0 ? sim.group[i]! : sim.nGroups + sim.id[i]!;
const trt = Float64Array.from(sim.arm);

const spellings = {
  option: {
    formula: 'score ~ arm * visit + (1 | id)',
    options: { factors: ['arm', 'visit'], levels, partialNesting: { cluster: 'group', arm: 'arm', treated: '1' } },
    columns: { score: sim.score, arm: sim.arm, visit: sim.visit, id: sim.id, group: sim.group } as Record<string, ArrayLike<number>>,
  },
  lme4: {
    formula: 'score ~ arm * visit + (1 | id) + (0 + trt | group)',
    options: { factors: ['arm', 'visit'], levels },
    columns: { score: sim.score, arm: sim.arm, visit: sim.visit, id: sim.id, group: groupLme4, trt } as Record<string, ArrayLike<number>>,
  },
};

/** The same values as row objects (controls' group missing in the option's spelling, as in trial rows). */
function rowsOf(columns: Record<string, ArrayLike<number>>, controlGroupNull: boolean): Record<string, number | null>[] {
  const names = Object.keys(columns);
  const out: Record<string, number | null>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r: Record<string, number | null> = {};
    for (const k of names) r[k] = columns[k]![i]!;
    if (controlGroupNull && r.group! < 0) r.group = null;
    out[i] = r;
  }
  return out;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const time = (f: () => unknown): number => {
  gc();
  const t = performance.now();
  f();
  return performance.now() - t;
};
const warmups = n <= 50_000 ? 3 : 1;
const out: Record<string, unknown> = { case: kind, nParticipants, nRows: n };

/**
 * "One pass": the cross-products the fit needs (the nested block layout of participants in
 * therapy groups and its aggregation by (group, Z1'Z1 class)) formed from typed arrays already
 * in memory (X, y, each random term's Z and level codes: the partially nested model's frame,
 * built untimed), on the fit's centred and scaled columns. Every case times it too, interleaved
 * with its own repeats, so that its ratio compares times taken under the same load.
 */
function passTimer(): { pass: () => unknown; passRaw: () => unknown; p: number; n1: number; n2: number } {
  const s = spellings.option;
  const frame = lmmFrame(s.formula, s.columns, s.options);
  const terms = buildReTerms(frame);
  const p = frame.spec.columnNames.length;
  const plan = planColumns(frame.X, frame.y, frame.n, p);
  const columns: InternalColumns = { xShift: plan.centre, xMul: plan.scale.map((d) => 1 / d), yShift: plan.yCentre, yMul: 1 / plan.yScale, zMul: terms.map((t) => new Float64Array(t.k).fill(1)) };
  return {
    pass: () => formCrossProducts(terms, frame.X, frame.y, frame.n, p, { columns }),
    passRaw: () => formCrossProducts(terms, frame.X, frame.y, frame.n, p, { columns, aggregate: false }),
    p,
    n1: terms[0]!.levels.length,
    n2: terms[1]!.levels.length,
  };
}
const floor = passTimer();
for (let w = 0; w < warmups + 2; w++) floor.pass();
const passes: number[] = [];

if (kind === 'pass') {
  const s = spellings.option;
  for (let w = 0; w < warmups + 2; w++) floor.passRaw();
  const tRaw: number[] = [];
  const frameT: number[] = [];
  for (let w = 0; w < warmups + 1; w++) lmmFrame(s.formula, s.columns, s.options);
  for (let r = 0; r < repeats; r++) {
    passes.push(time(floor.pass));
    tRaw.push(time(floor.passRaw));
    frameT.push(time(() => lmmFrame(s.formula, s.columns, s.options)));
  }
  Object.assign(out, { passMs: median(passes), passWithoutClassesMs: median(tRaw), frameFromColumnsMs: median(frameT), p: floor.p, n1: floor.n1, n2: floor.n2 });
} else {
  const [, form, spelling] = kind.split(':') as [string, 'columns' | 'rows', 'option' | 'lme4'];
  const s = spellings[spelling];
  const data = form === 'columns' ? s.columns : rowsOf(s.columns, spelling === 'option');
  const asymptotic = { ...s.options, ddf: 'asymptotic' as const };
  // As many warm-up calls of each fit as of the pass (warmups + 2): V8 keeps optimising a fit's
  // functions over its first few calls, and a fit warmed less than the pass it is divided by
  // would be charged for that.
  for (let w = 0; w < warmups + 2; w++) {
    fitLmm(s.formula, data, asymptotic);
    fitLmm(s.formula, data, s.options);
  }
  const fits: number[] = [];
  const fitsSatt: number[] = [];
  const varpar: number[] = [];
  let summary: Record<string, unknown> = {};
  for (let r = 0; r < repeats; r++) {
    passes.push(time(floor.pass));
    fits.push(
      time(() => {
        const fit = fitLmm(s.formula, data, asymptotic);
        summary = {
          evaluations: fit.optimizer.evaluations,
          remlCriterion: fit.remlCriterion,
          theta: fit.theta,
          fixed: fit.fixedEffects.map((x) => [x.term, x.estimate, x.se]),
        };
      }),
    );
    let df: number[] = [];
    fitsSatt.push(
      time(() => {
        const fit = fitLmm(s.formula, data, s.options);
        df = fit.fixedEffects.map((x) => x.df!);
        // The Satterthwaite pieces alone, formed again on the fit's own state.
        const st = getState(fit)!;
        const { varpar: _formed, ...fresh } = st;
        const t0 = performance.now();
        varparInfo(fresh);
        varpar.push(performance.now() - t0);
      }) - varpar[varpar.length - 1]!,
    );
    summary.df = df;
  }
  Object.assign(out, { form, spelling, passMs: median(passes), fitMs: median(fits), fitSatterthwaiteMs: median(fitsSatt), varparMs: median(varpar), ...summary });
}
out.maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify(out) + '\n');

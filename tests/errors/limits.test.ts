/**
 * Every size a user controls has a limit, and going past it is a typed error saying the limit
 * (issue 10, class 4): a willingness-to-pay grid of 1e12 points used to crash the process with
 * V8's "invalid size", a 1e7-point grid to hang, a formula of thousands of terms to overflow
 * the stack.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, FormulaError, ValidationError } from '../../src/errors/index.js';
import { LIMITS } from '../../src/errors/checks.js';
import { parseAnalysisPlan } from '../../src/analysis/plan.js';
import { wtpGrid } from '../../src/analysis/adapters/economics.js';
import { checkWtpGrid, costEffectiveness, costsByArm, type CostParticipant } from '../../src/economics/index.js';
import { openWorkerPool } from '../../src/parallel/pool.js';
import { breakEvenGroupSize, discountWeights, levelOneCostAssessment } from '../../src/economics/index.js';
import { naturalSpline } from '../../src/splines/natural-spline.js';
import { doseResponse } from '../../src/dose-response/dose-response.js';
import { brentRoot } from '../../src/distributions/root-finding.js';
import { fitLmm } from '../../src/models/lmm/fit.js';
import { analyzeTrial } from '../../src/analysis/analyze.js';
import { parseFormula } from '../../src/formula/parse.js';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { mixedPlan } from '../analysis/helpers.js';
import { caught } from './helpers.js';

const people: CostParticipant[] = [
  { id: 'c1', arm: 'control', group: null, costs: { a: 1 } },
  { id: 'c2', arm: 'control', group: null, costs: { a: 2 } },
  { id: 't1', arm: 'SFT', group: 'g1', costs: { a: 3 } },
  { id: 't2', arm: 'SFT', group: 'g2', costs: { a: 4 } },
];
const effects = people.map((p, i) => ({ id: p.id, effect: i }));

describe('willingness-to-pay grids', () => {
  const base = mixedPlan() as Record<string, unknown>;
  const economics = base['economics'] as Record<string, unknown>;
  it('a plan range of 1e12 points is a plan error saying the limit (it crashed the process)', () => {
    try {
      parseAnalysisPlan({ ...base, economics: { ...economics, wtp: { from: 0, to: 1e12, by: 1 } } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const issue = (e as ValidationError).issues[0]!;
      expect(issue.field).toBe('economics.wtp.by');
      expect(issue.expected).toContain(`at most ${LIMITS.gridPoints} grid points`);
    }
    // 1e7 points (it hung) and the largest allowed range
    expect(() => parseAnalysisPlan({ ...base, economics: { ...economics, wtp: { from: 0, to: 1e7, by: 1 } } })).toThrow(ValidationError);
    const plan = parseAnalysisPlan({ ...base, economics: { ...economics, wtp: { from: 0, to: LIMITS.gridPoints - 1, by: 1 } } });
    expect(wtpGrid(plan.economics!)).toHaveLength(LIMITS.gridPoints);
    expect(() => parseAnalysisPlan({ ...base, economics: { ...economics, wtp: { from: 0, to: LIMITS.gridPoints, by: 1 } } })).toThrow(ValidationError);
  });
  it('wtpGrid refuses an oversized range it is given directly, before allocating it', () => {
    const plan = parseAnalysisPlan(base).economics!;
    expect(() => wtpGrid({ ...plan, wtp: { from: 0, to: 1e12, by: 1 } })).toThrow(ArgumentError);
    expect(() => wtpGrid({ ...plan, wtp: { from: 0, to: 1e12, by: 1 } })).toThrow(`at most ${LIMITS.gridPoints} points`);
  });
  it('an array grid in the API is limited too', async () => {
    const tooLong = Array.from({ length: LIMITS.gridPoints + 1 }, (_, i) => i);
    expect(() => checkWtpGrid(tooLong)).toThrow(`at most ${LIMITS.gridPoints} willingness-to-pay values`);
    const e = await caught(() => costEffectiveness({ participants: people, effects }, { wtp: tooLong, replicates: 200 }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('wtp');
  });
});

describe('replicates and threads', () => {
  it('replicates above the limit are an error saying it', async () => {
    expect(() => costsByArm(people, { replicates: LIMITS.replicates + 1 })).toThrow(`a whole number from 1 to ${LIMITS.replicates}`);
    const e = await caught(() => costEffectiveness({ participants: people, effects }, { replicates: 1e12 }));
    expect((e as ArgumentError).argument).toBe('replicates');
  });
  it('threads above the limit are an error before any worker starts', async () => {
    expect(() => openWorkerPool({ threads: 1e6 })).toThrow(`a whole number from 1 to ${LIMITS.threads}`);
    const e = await caught(() => costEffectiveness({ participants: people, effects }, { threads: 1e6, replicates: 200 }));
    expect((e as ArgumentError).argument).toBe('threads');
    const f = await caught(() => analyzeTrial(simulateTrialData({ nParticipants: 40 }).data, mixedPlan(), { threads: 1e6 }));
    expect((f as ArgumentError).argument).toBe('options.threads');
  });
});

describe('splines, grids and loops', () => {
  it('spline df and knots', () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    expect(() => naturalSpline(x, { df: 1e6 })).toThrow(`a whole number from 1 to ${LIMITS.splineDf}`);
    expect(() => naturalSpline(x, { knots: Array.from({ length: LIMITS.splineDf + 1 }, (_, i) => 1 + i / 1000) })).toThrow(`at most ${LIMITS.splineDf} interior knots`);
    expect(naturalSpline(x, { df: 4 }).basis.length).toBe(50);
  });
  it('the dose–response prediction grid', () => {
    const trial = simulateTrialData({ nParticipants: 40 }).data;
    const grid = Array.from({ length: LIMITS.gridPoints + 1 }, (_, i) => i);
    expect(() => doseResponse(trial, { instrument: 'PSP', visit: '9m', grid })).toThrow(`at most ${LIMITS.gridPoints} grid points`);
  });
  it('year-by-year and size-by-size loops', () => {
    expect(() => discountWeights(1e9, 0.04)).toThrow('at most 1000');
    expect(() => levelOneCostAssessment({ horizonYears: 1e12, coursesPerYear: 1, participantsPerCourse: 8, items: [] })).toThrow(ArgumentError);
    expect(() => breakEvenGroupSize({ fixedCostPerCourse: 1000 }, 10, { maxSize: 1e12 })).toThrow('a whole number from 1 to 1000000');
    expect(() => brentRoot((v) => v, -1, 1, { maxIterations: 1e12 })).toThrow(ArgumentError);
    expect(() => fitLmm('y ~ 1 + (1 | g)', { y: [1, 2, 3, 4], g: ['a', 'a', 'b', 'b'] }, { control: { maxEvaluations: 1e12 } })).toThrow(ArgumentError);
  });
});

describe('formulas', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`;
    }
    return 'no error';
  };
  it('thousands of terms, deep parentheses and long text are FormulaErrors saying the limit, not a stack overflow', () => {
    const many = `y ~ ${Array.from({ length: 20_000 }, (_, i) => `x${i}`).join(' + ')}`;
    expect(code(() => parseFormula(many))).toMatch(/^FormulaError: .*limit of a model formula/);
    const terms = `y ~ ${Array.from({ length: LIMITS.formulaTerms + 1 }, (_, i) => `x${i}`).join('+')}`;
    expect(code(() => parseFormula(terms))).toContain(`FormulaError: The formula has more than ${LIMITS.formulaTerms} variables`);
    const deep = `y ~ ${'('.repeat(5000)}x${')'.repeat(5000)}`;
    expect(code(() => parseFormula(deep))).toContain(`FormulaError: Parentheses are nested more than ${LIMITS.formulaDepth} deep`);
    const long = `y ~ ${'x'.repeat(LIMITS.formulaLength)}`;
    expect(code(() => parseFormula(long))).toContain(`FormulaError: The formula has ${long.length} characters`);
    for (const text of [many, terms, deep, long]) expect(() => parseFormula(text)).toThrow(FormulaError);
  });
  it('products that expand past the limit are FormulaErrors; powers stop once nothing new appears', () => {
    const product = `y ~ ${Array.from({ length: 30 }, (_, i) => `x${i}`).join(' * ')}`;
    expect(code(() => parseFormula(product))).toContain(`FormulaError: This product expands to more than ${LIMITS.formulaTerms} terms`);
    expect(code(() => parseFormula(`y ~ (${Array.from({ length: 30 }, (_, i) => `x${i}`).join(' + ')})^30`))).toMatch(/^FormulaError: This product expands/);
    expect(parseFormula('y ~ (a + b)^1000000').fixed.map((t) => t.join(':'))).toEqual(['a', 'b', 'a:b']);
  });
  it('formulas at the limits still parse', () => {
    const atDepth = `y ~ ${'('.repeat(LIMITS.formulaDepth)}x${')'.repeat(LIMITS.formulaDepth)}`;
    expect(parseFormula(atDepth).fixed).toEqual([['x']]);
    const atTerms = `y ~ ${Array.from({ length: LIMITS.formulaTerms - 1 }, (_, i) => `x${i}`).join('+')}`;
    expect(parseFormula(atTerms).fixed).toHaveLength(LIMITS.formulaTerms - 1);
    expect(parseFormula(`y ~ ${Array.from({ length: 8 }, (_, i) => `x${i}`).join(' * ')}`).fixed).toHaveLength(255);
  });
});

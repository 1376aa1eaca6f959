/**
 * Shared fixtures of the analysis, report and CLI tests: a small simulated trial, the
 * bundled plans, and one cached analysis per configuration (fitting is the slow part).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateTrialData } from '../../src/simulate/trial-data.js';
import { readCsvFile } from '../../src/data/read-file.js';
import { validateTrial } from '../../src/data/validate.js';
import type { TrialData } from '../../src/data/types.js';
import { analyzeTrial, type AnalyzeOptions } from '../../src/analysis/analyze.js';
import { parseAnalysisPlan, planDesign, type AnalysisPlanInput } from '../../src/analysis/plan.js';
import type { SectionResult, TrialAnalysis } from '../../src/analysis/types.js';
import { expect } from 'vitest';
import { validationIssues } from '../thrown.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
}

/** A 120-person synthetic SFT-like trial (seed 5): partially nested, three visits, costs. */
export function smallTrial(seed = 5, nParticipants = 120): TrialData {
  return simulateTrialData({ seed, nParticipants }).data;
}

/** A mixed-model plan for the simulated trial, with economics (few replicates, for speed). */
export function mixedPlan(overrides: Partial<AnalysisPlanInput> = {}): AnalysisPlanInput {
  return {
    title: 'Test trial',
    seed: 11,
    design: { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'], visitMonths: { baseline: 0, '9m': 9, '15m': 15 }, ungroupedArms: ['control'] },
    outcomes: [
      { instrument: 'PSP', role: 'primary' },
      { instrument: 'MHRM', role: 'primary' },
    ],
    primaryVisit: '9m',
    model: { type: 'mixed', partialNesting: { cluster: 'group', treated: 'SFT' } },
    multiplicity: { method: 'holm' },
    economics: { replicates: 400, planePoints: 200, wtp: { from: 0, to: 100000, by: 25000 }, analyses: [{ outcome: 'PSP', visit: '9m' }] },
    ...overrides,
  };
}

const cache = new Map<string, Promise<TrialAnalysis>>();

/** `analyzeTrial` of the small trial with a plan, computed once per test process. */
export function cachedAnalysis(key: string, plan: AnalysisPlanInput, trial: () => TrialData = () => smallTrial(), options: AnalyzeOptions = {}): Promise<TrialAnalysis> {
  let p = cache.get(key);
  if (!p) {
    p = analyzeTrial(trial(), plan, { threads: 1, ...options });
    cache.set(key, p);
  }
  return p;
}

/** The committed SFT sample, validated with the bundled plan's design. */
export async function sftSample(): Promise<TrialData> {
  const plan = parseAnalysisPlan(readJson('examples/sft-trial/plan.json'));
  const participants = await readCsvFile(join(ROOT, 'data-samples/sft-participants.csv'), { table: 'participants', numericColumns: plan.data.numericColumns });
  const measurements = await readCsvFile(join(ROOT, 'data-samples/sft-measurements.csv'), { table: 'measurements' });
  return validateTrial({ participants, measurements }, { design: planDesign(plan) });
}

/** The issues of a plan that must fail, as field, expected and message; fails the test when it is accepted. */
export function planProblems(plan: unknown): { field: string; expected: string; message: string }[] {
  return validationIssues(() => parseAnalysisPlan(plan)).map((i) => ({ field: i.field, expected: i.expected, message: i.message }));
}

/** A copy of `mixedPlan()` changed in place by `change` (a plan as a user's JSON would have it). */
export function withChange(change: (p: Record<string, any>) => void): unknown {
  const p = JSON.parse(JSON.stringify(mixedPlan())) as Record<string, any>;
  change(p);
  return p;
}

/** The result of a section that ran; fails the test with the section's status otherwise. */
export function doneResult<T>(section: SectionResult<T>): T {
  if (section.status !== 'done') return expect.fail(`the section is ${section.status}, not done`);
  return section.result;
}

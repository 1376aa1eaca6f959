/** Shared test data: the R fixture and seeded synthetic trials with known costs and effects. */
import { cachedFixture } from '../distributions/fixture.js';
import { createRng } from '../../src/random/rng.js';
import type { CostParticipant, EffectRecord } from '../../src/economics/index.js';

export { thrown } from '../thrown.js';

export interface FixtureParticipant {
  id: string;
  arm: string;
  group: string | null;
  operation: number;
  healthcare: number;
  baseline: number;
  followup: number;
  effect: number;
  age: number;
}

export interface StatSummary {
  t0: number;
  mean: number;
  sd: number;
  quantiles: { probs: number[]; values: number[] };
  L: number[];
  acceleration: number;
  percentile: [number, number];
  bca: [number, number];
}

export interface Fixture {
  meta: Record<string, unknown> & { lambda_nb: number };
  participants: FixtureParticipant[];
  units: { key: string; arm: string; n: number; sumC: number; sumE: number; stratum: number }[];
  cluster_boot: Record<'dC' | 'dE' | 'nb' | 'meanC_control' | 'meanC_treated', StatSummary>;
  ceac: { wtp: number[]; probability: number[]; prob_cost_saving: number; prob_effect_positive: number };
  exact: { R: number; statistic: string; t0: number; t: number[]; L: number[]; perc90: number[]; bca90: number[]; perc95: number[]; bca95: number[] }[];
  individual: StatSummary;
  ancova_effect: number;
  nbr: {
    wtp: number;
    coef: number[];
    names: string[];
    G: number;
    classical: { se: number[]; ci_treated: number[]; df: number; p_treated: number };
    HC1: { se: number[]; ci_treated: number[]; df: number; p_treated: number };
    CR1: { se: number[]; ci_treated: number[]; df: number; p_treated: number };
  }[];
  nbr_plain: { wtp: number; estimate: number; se: number }[];
  distributions: {
    pnorm: { x: number[]; value: number[] };
    qnorm: { p: number[]; value: number[] };
    qt: { p: number; df: number; value: number }[];
    pt: { t: number; df: number; value: number }[];
  };
}

/** The committed R fixture (tests/fixtures/r/economics/bootstrap.json). */
export const fixture = cachedFixture<Fixture>('economics/bootstrap.json');

/** The fixture as library input. */
export function fixtureInput(): { participants: CostParticipant[]; effects: EffectRecord[] } {
  const f = fixture();
  return {
    participants: f.participants.map((p) => ({ id: p.id, arm: p.arm, group: p.group, costs: { operation: p.operation, healthcare: p.healthcare } })),
    effects: f.participants.map((p) => ({ id: p.id, effect: p.effect, baseline: p.baseline, followUp: p.followup, covariates: { age: p.age } })),
  };
}

export interface SyntheticSpec {
  seed: number;
  nControl: number;
  /** Therapy groups in the treated arm; 0 = treated participants are individuals. */
  nGroups: number;
  groupSize: number;
  /** Treated participants when nGroups = 0. */
  nTreated?: number;
  costControl: number;
  costTreated: number;
  costSd: number;
  effectControl: number;
  effectTreated: number;
  effectSd: number;
  /** SD of a group's shared effect shift. */
  groupSd?: number;
}

/** A trial with known mean costs and effects per arm (normal costs floored at 0 are avoided by a large mean). */
export function synthetic(spec: SyntheticSpec): { participants: CostParticipant[]; effects: EffectRecord[] } {
  const rng = createRng(spec.seed);
  const participants: CostParticipant[] = [];
  const effects: EffectRecord[] = [];
  let i = 0;
  const add = (arm: string, group: string | null, cost: number, effect: number) => {
    const id = `S${++i}`;
    participants.push({ id, arm, group, costs: { care: Math.max(0, cost) } });
    effects.push({ id, effect });
  };
  for (let j = 0; j < spec.nControl; j++) add('control', null, spec.costControl + spec.costSd * rng.normal(), spec.effectControl + spec.effectSd * rng.normal());
  if (spec.nGroups > 0) {
    for (let g = 0; g < spec.nGroups; g++) {
      const shift = (spec.groupSd ?? 0) * rng.normal();
      for (let j = 0; j < spec.groupSize; j++) {
        add('treated', `G${g + 1}`, spec.costTreated + spec.costSd * rng.normal(), spec.effectTreated + shift + spec.effectSd * rng.normal());
      }
    }
  } else {
    for (let j = 0; j < (spec.nTreated ?? spec.nControl); j++) {
      add('treated', null, spec.costTreated + spec.costSd * rng.normal(), spec.effectTreated + spec.effectSd * rng.normal());
    }
  }
  return { participants, effects };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

/**
 * The subgroup R fixture (tests/fixtures/r/subgroups/subgroups.json, script subgroups.R): its
 * synthetic SFT sample rebuilt into TrialData and the six subgroup variables R derives, shared by
 * tests/subgroups/subgroups.fixtures.test.ts and docs/validation.md (scripts/docs/validation.ts).
 */
import { readFileSync } from 'node:fs';
import { validateTrial } from '../../src/data/validate.js';
import type { SubgroupSpec } from '../../src/subgroups/definitions.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const subgroupFixture: any = JSON.parse(readFileSync(new URL('../fixtures/r/subgroups/subgroups.json', import.meta.url), 'utf8'));

const rowsOf = (t: Record<string, unknown[]>) => t[Object.keys(t)[0]!]!.map((_, i) => Object.fromEntries(Object.keys(t).map((k) => [k, t[k]![i]])));

/** The fixture's trial (PSP at baseline, 9 and 15 months; control ungrouped). */
export const subgroupTrial = validateTrial(
  { participants: rowsOf(subgroupFixture.participants), measurements: rowsOf(subgroupFixture.measurements) },
  { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], instruments: ['PSP'], ungroupedArms: ['control'] } },
);

/** The subgroup variables of the fixture, by its keys. */
export const subgroupSpecs: Record<string, SubgroupSpec> = {
  chapter: { kind: 'diagnosis-chapter', prespecified: true },
  ageBand: { kind: 'age-band', prespecified: true },
  tsd: { kind: 'time-since-diagnosis' },
  sex: { kind: 'sex' },
  baselineLevel: { kind: 'baseline-level', prespecified: true },
  cohort: { kind: 'column', column: 'cohort' },
};

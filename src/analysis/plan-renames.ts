/**
 * Plan keys and values that were renamed so that a plan uses the API's words (issue 14). Plans
 * are strict, so an old key would fail anyway as "no such field"; this table turns that into a
 * message naming the new key and the line to write instead, computed from the old value.
 *
 * Each entry is found where the old plan had it (`at`, with `'*'` for any array index); the
 * schema's own issue for the same spot is dropped in its favour (see parseAnalysisPlan).
 */

/** One renamed key (or value) of the plan. */
export interface PlanRename {
  /** Path of the object holding the key; `'*'` matches every index of an array. */
  at: readonly string[];
  key: string;
  /** Only when the value passes this test (a renamed value rather than key, or a misplaced API shape). */
  when?: (value: unknown) => boolean;
  /** Also drop the schema's issue at this key of the same object (e.g. the missing discriminator). */
  alsoDrops?: string;
  /** The "expected" half of the issue, given the old value. */
  expected: (value: unknown) => string;
}

const json = (v: unknown): string => JSON.stringify(v);

const SUBGROUP_KIND: Readonly<Record<string, string>> = {
  diagnosisChapter: 'diagnosis-chapter',
  ageBand: 'age-band',
  sex: 'sex',
  baselineLevel: 'baseline-level',
  timeSinceDiagnosis: 'time-since-diagnosis',
  column: 'column',
};

const SD_METHOD: Readonly<Record<string, string>> = { 'baseline-pooled': 'pooled', 'baseline-control': 'control', 'baseline-total': 'total' };

function kebabKind(v: unknown): string {
  return typeof v === 'string' && Object.hasOwn(SUBGROUP_KIND, v) ? SUBGROUP_KIND[v]! : 'diagnosis-chapter';
}

function sdMethodOf(v: unknown): string {
  return typeof v === 'string' && Object.hasOwn(SD_METHOD, v) ? SD_METHOD[v]! : 'pooled';
}

function partialNestingOf(v: unknown): string {
  if (v === null) return '"partialNesting": null';
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const cluster = typeof o['cluster'] === 'string' ? o['cluster'] : 'group';
  const treated = typeof o['treatedArm'] === 'string' ? o['treatedArm'] : '<treated arm>';
  return `"partialNesting": { "cluster": ${json(cluster)}, "treated": ${json(treated)} }`;
}

function cutoffOf(v: unknown): string {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const [first] = Object.keys(o);
  const example = first === undefined ? '{ "WHO5": { "value": 50 } }' : `{ ${json(first)}: ${json(o[first])} }`;
  return `"cutoff": ${example.length > 90 ? `{ ${json(first)}: { "value": …, "label": … } }` : example}`;
}

/** Every rename, oldest plan words first. */
export const PLAN_RENAMES: readonly PlanRename[] = [
  {
    at: ['model'],
    key: 'clustering',
    expected: (v) =>
      `"partialNesting" instead: \`model.clustering { cluster, treatedArm }\` was renamed \`model.partialNesting { cluster, arm, treated }\`, the words of fitLmm's partialNesting ("arm" is always the column "arm" in a plan and may be left out); write ${partialNestingOf(v)}`,
  },
  {
    at: ['model', 'partialNesting'],
    key: 'treatedArm',
    alsoDrops: 'treated',
    expected: (v) => `"treated" instead: \`treatedArm\` was renamed \`treated\` (fitLmm's partialNesting { cluster, arm, treated }); write "treated": ${json(v)}`,
  },
  {
    at: ['model'],
    key: 'residualVarianceByArm',
    expected: (v) =>
      `"residualVarianceBy" instead: \`model.residualVarianceByArm\` was renamed \`model.residualVarianceBy\`, as fitLmm's residualVarianceBy; write "residualVarianceBy": ${v === true ? '"arm"' : 'null'}`,
  },
  {
    at: ['effectSizes'],
    key: 'standardizer',
    expected: (v) =>
      `"sdMethod" instead: \`effectSizes.standardizer\` was renamed \`effectSizes.sdMethod\` with standardizedModelEffect's values ('pooled', 'control', 'total'; the baseline SD is implied); write "sdMethod": ${json(sdMethodOf(v))}`,
  },
  {
    at: ['effectSizes'],
    key: 'sdMethod',
    when: (v) => typeof v === 'string' && Object.hasOwn(SD_METHOD, v),
    expected: (v) => `${json(sdMethodOf(v))}: the values of sdMethod are standardizedModelEffect's, without the "baseline-" prefix`,
  },
  {
    at: ['clinicalSignificance'],
    key: 'cutoffScores',
    expected: (v) =>
      `a score under "cutoff" instead: \`clinicalSignificance.cutoffScores\` was merged into \`clinicalSignificance.cutoff\`, as clinicalSignificance's cutoff ({ value, label }), which takes one choice for every outcome or a map instrument → cut-off ('auto', 'a', 'b', 'c', 'none' or { value, label }; outcomes left out get 'auto'); write ${cutoffOf(v)}`,
  },
  {
    at: ['clinicalSignificance'],
    key: 'cutoff',
    when: (v) => v !== null && typeof v === 'object' && Object.hasOwn(v, 'value'),
    expected: (v) =>
      `a map instrument → cut-off: in a plan a score belongs to its instrument (the section runs over several outcomes, while clinicalSignificance takes one instrument); write "cutoff": { "<instrument>": ${json(v)} }`,
  },
  {
    at: ['doseResponse'],
    key: 'splineDf',
    expected: (v) => `"spline" instead: \`doseResponse.splineDf\` was renamed \`doseResponse.spline { df }\`, as doseResponse's spline option; write "spline": { "df": ${json(v)} }`,
  },
  {
    at: ['economics', 'analyses', '*'],
    key: 'effect',
    expected: (v) => `"effectEstimator" instead: \`effect\` was renamed \`effectEstimator\`, as costEffectiveness's option; write "effectEstimator": ${json(v)}`,
  },
  {
    at: ['subgroups'],
    key: 'test',
    when: (v) => v === 'likelihood-ratio',
    expected: () => `"LRT": the likelihood-ratio test was renamed "LRT", subgroupAnalysis's name for it`,
  },
  {
    at: ['subgroups', 'variables', '*'],
    key: 'by',
    alsoDrops: 'kind',
    expected: (v) =>
      `"kind" instead: \`by\` was renamed \`kind\` with defineSubgroup's kebab-case values (diagnosis-chapter, age-band, sex, baseline-level, time-since-diagnosis, column); write "kind": ${json(kebabKind(v))}`,
  },
  {
    at: ['subgroups', 'variables', '*'],
    key: 'kind',
    when: (v) => typeof v === 'string' && Object.hasOwn(SUBGROUP_KIND, v) && SUBGROUP_KIND[v] !== v,
    expected: (v) => `${json(kebabKind(v))}: subgroup kinds are defineSubgroup's kebab-case names`,
  },
  {
    at: ['subgroups', 'variables', '*'],
    key: 'ageBands',
    expected: () => `"bands" instead: \`ageBands\` was renamed \`bands\`, as defineSubgroup's age-band option ({ min, max?, label? }; leave max out for an open band)`,
  },
  {
    at: ['subgroups', 'variables', '*'],
    key: 'levelBands',
    expected: () => `"bands" instead: \`levelBands\` was renamed \`bands\` (defineSubgroup's baseline-level option, keyed by instrument in a plan, e.g. "bands": { "MHRM": [ … ] })`,
  },
];

/** A rename found in a plan: the path of the old key, its value and the message. */
export interface FoundRename {
  path: (string | number)[];
  value: unknown;
  expected: string;
  /** Paths whose schema issues this message replaces. */
  replaces: (string | number)[][];
}

function objectsAt(input: unknown, at: readonly string[]): { path: (string | number)[]; object: Record<string, unknown> }[] {
  let found: { path: (string | number)[]; value: unknown }[] = [{ path: [], value: input }];
  for (const step of at) {
    const next: typeof found = [];
    for (const f of found) {
      if (step === '*') {
        if (Array.isArray(f.value)) f.value.forEach((v, i) => next.push({ path: [...f.path, i], value: v }));
      } else if (f.value !== null && typeof f.value === 'object' && !Array.isArray(f.value) && Object.hasOwn(f.value, step)) {
        next.push({ path: [...f.path, step], value: (f.value as Record<string, unknown>)[step] });
      }
    }
    found = next;
  }
  return found.filter((f) => f.value !== null && typeof f.value === 'object' && !Array.isArray(f.value)).map((f) => ({ path: f.path, object: f.value as Record<string, unknown> }));
}

/** Every old key or value of {@link PLAN_RENAMES} in a plan as written. */
export function findRenames(input: unknown): FoundRename[] {
  const out: FoundRename[] = [];
  for (const r of PLAN_RENAMES) {
    for (const { path, object } of objectsAt(input, r.at)) {
      if (!Object.hasOwn(object, r.key)) continue;
      const value = object[r.key];
      if (r.when && !r.when(value)) continue;
      const replaces = [[...path, r.key]];
      if (r.alsoDrops !== undefined && !Object.hasOwn(object, r.alsoDrops)) replaces.push([...path, r.alsoDrops]);
      out.push({ path: [...path, r.key], value, expected: r.expected(value), replaces });
    }
  }
  return out;
}

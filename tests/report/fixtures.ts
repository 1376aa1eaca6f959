/**
 * Section results for the figure and report tests (clinical significance, dose–response,
 * subgroups), so that those tests check the report's own logic independently of the capability
 * modules (whose adapters are tested in tests/analysis/section-adapters.test.ts). They are TEST
 * INPUTS with the shape the report reads, derived from the simulated data by simple fixed rules
 * so that the figures have realistic content; they are not estimates, and nothing in src uses them.
 */
import type { ClinicalSignificanceSection, DoseResponseSection, SubgroupsSection, TrialAnalysis } from '../../src/analysis/types.js';

const ORDER = ['recovered', 'improved', 'unchanged', 'deteriorated', 'harmed'];

/** Categories by a fixed rule: change beyond ±8 points is reliable; a cut-off of 55. */
export function clinicalFixture(a: TrialAnalysis, instrument = 'PSP', visit = '9m'): ClinicalSignificanceSection {
  const threshold = 8;
  const cutoff = 55;
  const pts = a.trajectories ?? [];
  const byId = new Map<string, { arm: string; b?: number; f?: number }>();
  for (const p of pts) {
    if (p.instrument !== instrument) continue;
    const e = byId.get(p.id) ?? { arm: p.arm };
    if (p.visit === a.design.visits[0]) e.b = p.score;
    if (p.visit === visit) e.f = p.score;
    byId.set(p.id, e);
  }
  const participants: ClinicalSignificanceSection['participants'] = [];
  for (const [id, e] of byId) {
    if (e.b === undefined || e.f === undefined) continue;
    const d = e.f - e.b;
    const category = d > threshold ? (e.b < cutoff && e.f >= cutoff ? 'recovered' : 'improved') : d < -threshold ? (e.b >= cutoff && e.f < cutoff ? 'harmed' : 'deteriorated') : 'unchanged';
    participants.push({ instrument, visit, id, arm: e.arm, baseline: e.b, followUp: e.f, category });
  }
  const categories: ClinicalSignificanceSection['categories'] = [];
  const missing: ClinicalSignificanceSection['missing'] = [];
  for (const arm of a.design.arms) {
    const mine = participants.filter((p) => p.arm === arm);
    for (const c of ORDER) {
      const n = mine.filter((p) => p.category === c).length;
      categories.push({ instrument, visit, arm, category: c, n, denominator: mine.length, percent: mine.length ? (100 * n) / mine.length : null });
    }
    missing.push({ instrument, visit, arm, noFollowUp: a.data.byArm[arm]! - mine.length, noBaseline: 0, notClassifiable: 0 });
  }
  return {
    settings: [{ instrument, visit, method: 'fixture rule', reliability: 0.8, reliabilitySource: 'test', criticalValue: 1.96, threshold, cutoff: { type: 'c', value: cutoff, formula: 'fixture' }, direction: 'higher-better' }],
    categories,
    missing,
    comparisons: [
      {
        instrument,
        visit,
        outcome: 'reliably improved',
        arm: 'SFT',
        reference: 'control',
        riskDifference: { estimate: 0.1, ci: [-0.02, 0.22], method: 'fixture' },
        riskRatio: { estimate: 1.4, ci: [0.9, 2.1] },
        oddsRatio: null,
        nnt: { estimate: 10, text: '10 (benefit) – not reached' },
        test: { method: 'fixture', pValue: 0.1 },
      },
    ],
    ordinal: [{ instrument, visit, arm: 'SFT', reference: 'control', oddsRatio: { estimate: 1.5, ci: [0.9, 2.5], pValue: 0.12 }, superiority: { estimate: 0.56, ci: [0.48, 0.64], pValue: 0.13 }, method: 'fixture' }],
    participants,
    categoryOrder: ORDER,
    method: 'Fixture for report tests',
    diagnostics: [],
  };
}

/** A straight line with a band, and observed points from the data (attendance = a fixed function of the id). */
export function doseFixture(a: TrialAnalysis, instrument = 'PSP', visit = '9m'): DoseResponseSection {
  const curves: DoseResponseSection['curves'] = [];
  for (let x = 0; x <= 36; x += 4) curves.push({ instrument, visit, form: 'linear', x, estimate: 45 + 0.2 * x, lower: 42 + 0.18 * x, upper: 48 + 0.22 * x });
  const observed = (a.trajectories ?? [])
    .filter((p) => p.instrument === instrument && p.visit === visit && p.arm === 'SFT')
    .map((p) => ({ instrument, visit, x: Number(p.id.replace(/\D/g, '')) % 37, y: p.score }));
  return {
    estimates: [{ instrument, visit, form: 'linear', term: 'per session', estimate: 0.2, se: 0.05, df: 18, ci: [0.1, 0.3], pValue: 0.001, n: observed.length, nClusters: 19, method: 'fixture' }],
    curves,
    observed,
    tests: [{ instrument, visit, form: 'linear', statistic: 16, numDf: 1, denDf: 18, pValue: 0.001, method: 'fixture' }],
    causal: [{ instrument, visit, estimand: 'CACE', estimate: 4, se: 2, ci: [0.1, 7.9], pValue: 0.045, firstStageF: 120, method: 'fixture' }],
    exposureLabel: 'sessions attended',
    method: 'Fixture for report tests (exploratory)',
    diagnostics: [],
  };
}

/** Two subgroup variables, one level not estimable. */
export function subgroupFixture(instrument = 'PSP', visit = '9m'): SubgroupsSection {
  return {
    tests: [
      { instrument, visits: [visit], variable: 'diagnosisChapter', label: 'Main diagnosis', prespecified: true, method: 'fixture LRT', statistic: 7.1, numDf: 3, denDf: null, pValue: 0.069, pAdjusted: 0.138, adjust: 'holm' },
      { instrument, visits: [visit], variable: 'sex', label: 'Sex', prespecified: false, method: 'fixture LRT', statistic: 0.2, numDf: 1, denDf: null, pValue: 0.65, pAdjusted: 0.65, adjust: 'holm' },
    ],
    rows: [
      { instrument, visit, variable: 'diagnosisChapter', level: 'F2', nByArm: { control: 30, SFT: 28 }, estimable: true, reason: null, estimate: 6.5, ci: [1.2, 11.8], ciLevel: 0.95 },
      { instrument, visit, variable: 'diagnosisChapter', level: 'F3', nByArm: { control: 10, SFT: 11 }, estimable: true, reason: null, estimate: 1.1, ci: [-6, 8.2], ciLevel: 0.95 },
      { instrument, visit, variable: 'diagnosisChapter', level: 'F6', nByArm: { control: 0, SFT: 3 }, estimable: false, reason: 'no control participant in this level', estimate: null, ci: null, ciLevel: 0.95 },
      { instrument, visit, variable: 'sex', level: 'female', nByArm: { control: 34, SFT: 30 }, estimable: true, reason: null, estimate: 3.9, ci: [-0.5, 8.3], ciLevel: 0.95 },
      { instrument, visit, variable: 'sex', level: 'male', nByArm: { control: 25, SFT: 24 }, estimable: true, reason: null, estimate: 3.1, ci: [-2, 8.2], ciLevel: 0.95 },
    ],
    method: 'Fixture for report tests',
    diagnostics: [],
  };
}

/** The analysis with every optional section filled from the fixtures. */
export function withSections(a: TrialAnalysis): TrialAnalysis {
  return {
    ...a,
    clinicalSignificance: { status: 'done', result: clinicalFixture(a) },
    doseResponse: { status: 'done', result: doseFixture(a) },
    subgroups: { status: 'done', result: subgroupFixture() },
  };
}

/** Round every number to 3 significant digits and shorten long data arrays, for snapshots. */
export function snapshotForm(value: unknown, key = ''): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(3));
  if (Array.isArray(value)) {
    const items = value.map((v) => snapshotForm(v));
    return key === 'values' && items.length > 6 ? { first: items.slice(0, 4), length: items.length } : items;
  }
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshotForm(v, k)]));
  return value;
}

/** Number of drawn items in the SVG's marks of a type (e.g. `symbol`, `rect`, `line`), aria or not. */
export function countItems(svg: string, markType: string): number {
  let n = 0;
  const parts = svg.split(`class="mark-${markType} role-mark`).slice(1);
  for (const p of parts) {
    const body = p.slice(p.indexOf('>') + 1, p.indexOf('</g>'));
    n += (body.match(/<path/g) ?? []).length + (body.match(/<rect/g) ?? []).length + (body.match(/<text/g) ?? []).length + (body.match(/<line/g) ?? []).length;
  }
  return n;
}

/**
 * The computation the browser test runs in headless Chromium and again in Node: the committed
 * SFT sample from CSV bytes → validateTrial → the partially nested arm × visit model of PSP →
 * marginal means, arm contrasts by visit, the difference in change → a standardized effect →
 * a one-outcome analysis plan through analyzeTrial. It imports the core (`rcteval`) only, so
 * the same code proves the core runs in a browser and gives Node's numbers there.
 */
import {
  analyzeTrial,
  contrast,
  fitLmm,
  fromCsv,
  interactionContrast,
  marginalMeans,
  standardizedModelEffect,
  trialToRows,
  validateTrial,
  type AnalysisPlanInput,
  type TrialAnalysis,
} from '../../src/index.js';

export const DESIGN = {
  arms: ['control', 'SFT'],
  visits: ['baseline', '9m', '15m'],
  instruments: ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'],
  ungroupedArms: ['control'],
};

/** A one-outcome plan (no resampling sections), so the page stays quick. */
export const PLAN: AnalysisPlanInput = {
  title: 'SFT sample in a browser',
  seed: 1,
  design: { ...DESIGN, visitMonths: { baseline: 0, '9m': 9, '15m': 15 } },
  outcomes: [{ instrument: 'PSP', role: 'primary' }],
  primaryVisit: '9m',
  model: { type: 'mixed', partialNesting: { cluster: 'group', treated: 'SFT' } },
};

/** Numbers compared between the page and Node. */
export interface PipelineResult {
  participants: number;
  measurements: number;
  nObs: number;
  nGroups: Record<string, number>;
  remlCriterion: number | null;
  fixedEffects: { term: string; estimate: number; se: number | null; df: number | null }[];
  armDifferences: { visit: string; estimate: number | null; se: number | null; df: number | null; pValue: number | null }[];
  differenceInChange: { estimate: number | null; se: number | null; pValue: number | null }[];
  effectSize: { estimate: number | null; ci: [number, number] | null };
  analysisPrimary: { visit: string; estimate: number | null; pValue: number | null }[];
}

/** Run the pipeline; `analysis` is returned too so the page can draw its figures. */
export async function runSftPipeline(participantsCsv: Uint8Array, measurementsCsv: Uint8Array): Promise<{ result: PipelineResult; analysis: TrialAnalysis }> {
  const participants = fromCsv(participantsCsv, { table: 'participants', numericColumns: ['bed_days', 'support_hours'] });
  const measurements = fromCsv(measurementsCsv, { table: 'measurements' });
  const trial = validateTrial({ participants, measurements }, { design: DESIGN });
  const rows = trialToRows(trial, { instrument: 'PSP' });
  const fit = fitLmm('score ~ arm * visit + (1 | id)', rows, {
    levels: { arm: DESIGN.arms, visit: DESIGN.visits },
    partialNesting: { cluster: 'group', arm: 'arm', treated: 'SFT' },
  });
  const byVisit = contrast(marginalMeans(fit, ['arm', 'visit'], { by: ['visit'] }), 'revpairwise');
  const did = interactionContrast(marginalMeans(fit, ['arm', 'visit']), { arm: 'revpairwise', visit: 'trt.vs.ctrl' });
  const at9 = byVisit.rows.find((r) => r.by.visit === '9m')!;
  const baseline = Object.fromEntries(DESIGN.arms.map((arm) => [arm, rows.filter((r) => r.arm === arm && r.visit === 'baseline' && typeof r.score === 'number').map((r) => r.score as number)]));
  const d = standardizedModelEffect(at9, { baseline }, { sdMethod: 'pooled' });
  const analysis = await analyzeTrial(trial, PLAN, { threads: 1 });
  const result: PipelineResult = {
    participants: trial.participants.length,
    measurements: trial.measurements.length,
    nObs: fit.nObs,
    nGroups: { ...fit.nGroups },
    remlCriterion: fit.remlCriterion,
    fixedEffects: fit.fixedEffects.map((f) => ({ term: f.term, estimate: f.estimate, se: f.se, df: f.df })),
    armDifferences: byVisit.rows.map((r) => ({ visit: String(r.by.visit), estimate: r.estimate, se: r.se, df: r.df, pValue: r.pValue })),
    differenceInChange: did.rows.map((r) => ({ estimate: r.estimate, se: r.se, pValue: r.pValue })),
    effectSize: { estimate: d.estimate, ci: d.ci },
    analysisPrimary: analysis.outcomes[0]!.differences.map((x) => ({ visit: x.visit, estimate: x.estimate, pValue: x.pValue })),
  };
  return { result, analysis };
}

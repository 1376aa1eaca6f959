/**
 * Every public function rejects an unknown option (and an unknown key of a nested options
 * object) with an ArgumentError naming the key and the nearest valid key, as plans do. The
 * table lists one call per function; the last test checks, with the TypeScript compiler, that
 * the table covers every exported function taking an options object.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import { ArgumentError } from '../../src/errors/index.js';
import * as core from '../../src/index.js';
import * as nodeEntry from '../../src/node/index.js';
import * as reportEntry from '../../src/report/index.js';
import { caught } from './helpers.js';

// The three public entries: rcteval, rcteval/report, rcteval/node.
const ENTRIES = ['src/index.ts', 'src/report/index.ts', 'src/node/index.ts'];
const api = { ...core, ...reportEntry, ...nodeEntry };

type Call = () => unknown;
// Arguments before the options are never looked at: each function checks its options first.
const any = null as never;

/** [function, call with a misspelt key, the argument path named, the suggestion] */
const TABLE: [string, Call, string, string | null][] = [
  // Distributions
  ['normalPdf', () => api.normalPdf(0, { mean: 0, lg: true } as never), 'options.lg', 'log'],
  ['normalCdf', () => api.normalCdf(0, { sdd: 1 } as never), 'options.sdd', 'sd'],
  ['normalQuantile', () => api.normalQuantile(0.5, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['studentTPdf', () => api.studentTPdf(0, 3, { logg: true } as never), 'options.logg', 'log'],
  ['studentTCdf', () => api.studentTCdf(0, 3, { lowerTial: false } as never), 'options.lowerTial', 'lowerTail'],
  ['studentTQuantile', () => api.studentTQuantile(0.5, 3, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['chiSquaredPdf', () => api.chiSquaredPdf(1, 3, { logg: true } as never), 'options.logg', 'log'],
  ['chiSquaredCdf', () => api.chiSquaredCdf(1, 3, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['chiSquaredQuantile', () => api.chiSquaredQuantile(0.5, 3, { lg: true } as never), 'options.lg', 'log'],
  ['fPdf', () => api.fPdf(1, 3, 4, { logg: true } as never), 'options.logg', 'log'],
  ['fCdf', () => api.fCdf(1, 3, 4, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['fQuantile', () => api.fQuantile(0.5, 3, 4, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['betaPdf', () => api.betaPdf(0.5, 2, 2, { logg: true } as never), 'options.logg', 'log'],
  ['betaCdf', () => api.betaCdf(0.5, 2, 2, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['betaQuantile', () => api.betaQuantile(0.5, 2, 2, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['binomialPmf', () => api.binomialPmf(1, 3, 0.5, { logg: true } as never), 'options.logg', 'log'],
  ['binomialCdf', () => api.binomialCdf(1, 3, 0.5, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['hypergeometricPmf', () => api.hypergeometricPmf(1, 3, 3, 2, { logg: true } as never), 'options.logg', 'log'],
  ['hypergeometricCdf', () => api.hypergeometricCdf(1, 3, 3, 2, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['noncentralTCdf', () => api.noncentralTCdf(1, 5, 1, { lowertail: false } as never), 'options.lowertail', 'lowerTail'],
  ['noncentralTNcpInterval', () => api.noncentralTNcpInterval(2, 18, { cilevel: 0.9 } as never), 'options.cilevel', 'ciLevel'],
  // Inference
  ['pAdjust', () => api.pAdjust([0.01, 0.02], 'holm', { nn: 3 } as never), 'options.nn', 'n'],
  ['proportionInterval', () => api.proportionInterval(3, 10, { methd: 'wilson' } as never), 'options.methd', 'method'],
  ['riskDifference', () => api.riskDifference({ x1: 1, n1: 5, x2: 2, n2: 5 }, { continuty: true } as never), 'options.continuty', 'continuity'],
  ['riskRatio', () => api.riskRatio({ x1: 1, n1: 5, x2: 2, n2: 5 }, { zeroCorection: 0.5 } as never), 'options.zeroCorection', 'zeroCorrection'],
  ['oddsRatio', () => api.oddsRatio({ x1: 1, n1: 5, x2: 2, n2: 5 }, { mehtod: 'woolf' } as never), 'options.mehtod', 'method'],
  ['chiSquareTest', () => api.chiSquareTest([[1, 2], [3, 4]], { corect: false } as never), 'options.corect', 'correct'],
  ['fisherExactTest', () => api.fisherExactTest([[1, 2], [3, 4]], { alternativ: 'less' } as never), 'options.alternativ', 'alternative'],
  // Effect sizes
  ['cohensD', () => api.cohensD([1, 2, 3], [2, 3, 4], { pooledsd: false } as never), 'options.pooledsd', 'pooledSd'],
  ['hedgesG', () => api.hedgesG([1, 2, 3], [2, 3, 4], { corection: 'exact' } as never), 'options.corection', 'correction'],
  ['glassDelta', () => api.glassDelta([1, 2, 3], [2, 3, 4], { muu: 0 } as never), 'options.muu', 'mu'],
  ['pairedD', () => api.pairedD([1, 2, 3], [2, 3, 5], { typ: 'z' } as never), 'options.typ', 'type'],
  ['pairedG', () => api.pairedG([1, 2, 3], [2, 3, 5], { ciMetod: 'exact' } as never), 'options.ciMetod', 'ciMethod'],
  ['interpretEffectSize', () => api.interpretEffectSize(0.5, { rule: 'cohen1988' } as never), 'options.rule', 'rules'],
  ['standardizedModelEffect', () => api.standardizedModelEffect(any, any, { sdmethod: 'pooled' } as never), 'options.sdmethod', 'sdMethod'],
  // Models
  ['buildModelFrame', () => api.buildModelFrame(any, any, { level: {} } as never), 'options.level', 'levels'],
  ['fitLmm', () => api.fitLmm('y ~ x + (1 | g)', any, { rmel: true } as never), 'options.rmel', 'reml'],
  ['fitLmm (partialNesting)', () => api.fitLmm('y ~ x', any, { partialNesting: { cluster: 'g', arm: 'a', treatd: 'T' } } as never), 'options.partialNesting.treatd', 'treated'],
  ['fitLmm (control)', () => api.fitLmm('y ~ x', any, { control: { maxEvaluation: 10 } } as never), 'options.control.maxEvaluation', 'maxEvaluations'],
  ['fitLmmFrame', () => api.fitLmmFrame(any, { dff: 'Satterthwaite' } as never), 'options.dff', 'ddf'],
  ['fitLmmSql', () => api.fitLmmSql('y ~ x + (1 | g)', any, { rmel: true } as never), 'options.rmel', 'reml'],
  ['describeOutcomesSql', () => api.describeOutcomesSql(any, any, { column: {} } as never), 'options.column', 'columns'],
  ['flowCountsSql (columns)', () => api.flowCountsSql(any, any, { columns: { visits: 'wave' } } as never), 'options.columns.visits', 'visit'],
  ['fitLmmSql (control)', () => api.fitLmmSql('y ~ x + (1 | g)', any, { control: { maxEvaluation: 10 } } as never), 'options.control.maxEvaluation', 'maxEvaluations'],
  ['duckdbEngine', () => api.duckdbEngine({ pth: ':memory:' } as never), 'options.pth', 'path'],
  ['postgresEngine', () => api.postgresEngine({ hots: '127.0.0.1' } as never), 'options.hots', 'host'],
  // MMRM
  ['fitMmrm', () => api.fitMmrm('y ~ x + us(v | id)', any, { rmel: true } as never), 'options.rmel', 'reml'],
  ['fitMmrm (partialNesting)', () => api.fitMmrm('y ~ x + us(v | id)', any, { partialNesting: { cluster: 'g', arm: 'a', treatd: 'T' } } as never), 'options.partialNesting.treatd', 'treated'],
  ['fitMmrm (control)', () => api.fitMmrm('y ~ x + us(v | id)', any, { control: { strt: [0] } } as never), 'options.control.strt', 'start'],
  ['fitMmrmFrame', () => api.fitMmrmFrame(any, any, { dff: 'Satterthwaite' } as never), 'options.dff', 'ddf'],
  ['parseFormula', () => api.parseFormula('y ~ x', { covarance: true } as never), 'options.covarance', 'covariance'],
  ['fitOls', () => api.fitOls('y ~ x', any, { vcv: 'HC3' } as never), 'options.vcv', 'vcov'],
  ['fitOlsFrame', () => api.fitOlsFrame(any, { clustr: 'g' } as never, undefined), 'options.clustr', 'cluster'],
  ['likelihoodRatioTest', () => api.likelihoodRatioTest(any, any, { refitt: true } as never), 'options.refitt', 'refit'],
  ['predict', () => api.predict(any, any, { includeRandm: false } as never), 'options.includeRandm', 'includeRandom'],
  ['marginalMeans', () => api.marginalMeans(any, ['arm'], { byy: ['visit'] } as never), 'options.byy', 'by'],
  ['contrast', () => api.contrast(any, 'pairwise', { adjst: 'holm' } as never), 'options.adjst', 'adjust'],
  ['interactionContrast', () => api.interactionContrast(any, {}, { referense: 0 } as never), 'options.referense', 'reference'],
  ['anova', () => api.anova(any, { dff: 'Kenward-Roger' } as never), 'options.dff', 'ddf'],
  // Data
  ['parseCsv', () => api.parseCsv('a\n1', { delimeter: ';' } as never), 'options.delimeter', 'delimiter'],
  ['fromCsv', () => api.fromCsv('a\n1', { delimeter: ';' } as never), 'options.delimeter', 'delimiter'],
  ['readCsvFile', () => api.readCsvFile('/nonexistent.csv', { missng: [''] } as never), 'options.missng', 'missing'],
  ['fromRows', () => api.fromRows([], { tabel: 'participants' } as never), 'options.tabel', 'table'],
  ['fromArquero', () => api.fromArquero(any, { parsetext: true } as never), 'options.parsetext', 'parseText'],
  ['fromDanfo', () => api.fromDanfo(any, { nanIsMising: true } as never), 'options.nanIsMising', 'nanIsMissing'],
  ['validateTrial', () => api.validateTrial(any, { design: any, instrumets: any } as never), 'options.instrumets', 'instruments'],
  ['validateTrial (design)', () => api.validateTrial(any, { design: { arms: [], visits: [], instruments: [], ungroupedArm: [] } } as never), 'options.design.ungroupedArm', 'ungroupedArms'],
  ['trialToRows', () => api.trialToRows(any, { instrument: 'PSP', visit: ['9m'] } as never), 'options.visit', 'visits'],
  ['checkInclusion', () => api.checkInclusion([], { minage: 18 } as never), 'options.minage', 'minAge'],
  ['checkInclusion (diagnosisRule)', () => api.checkInclusion([], { diagnosisRule: { include: [], exlude: [] } } as never), 'options.diagnosisRule.exlude', 'exclude'],
  ['createInstrumentRegistry', () => api.createInstrumentRegistry([], { bse: any } as never), 'options.bse', 'base'],
  ['baselineTable', () => api.baselineTable(any, { agebands: [] } as never), 'options.agebands', 'ageBands'],
  // Synthetic data
  ['simulateTrial', () => api.simulateTrial({ nParticipant: 50 } as never), 'options.nParticipant', 'nParticipants'],
  ['simulateTrialData', () => api.simulateTrialData({ sed: 2 } as never), 'options.sed', 'seed'],
  ['simulateLongColumns', () => api.simulateLongColumns({ treatedshare: 0.5 } as never), 'options.treatedshare', 'treatedShare'],
  ['sampleCsv', () => api.sampleCsv({ groupSize: { min: 7, mx: 9 } } as never), 'options.groupSize.mx', 'max'],
  ['writeSample', () => api.writeSample('/nonexistent/dir', { nSite: 3 } as never), 'options.nSite', 'nSites'],
  // Dose–response and subgroups
  ['attendanceData', () => api.attendanceData(any, { instrument: 'PSP', visit: '9m', treatedarm: 'SFT' } as never), 'options.treatedarm', 'treatedArm'],
  ['attendanceEffects', () => api.attendanceEffects(any, { instrument: 'PSP', visit: '9m', atleast: [1] } as never), 'options.atleast', 'atLeast'],
  ['doseResponse', () => api.doseResponse(any, { instrument: 'PSP', visit: '9m', fom: 'spline' } as never), 'options.fom', 'form'],
  ['doseResponse (spline)', () => api.doseResponse(any, { instrument: 'PSP', visit: '9m', spline: { dff: 3 } } as never), 'options.spline.dff', 'df'],
  ['twoStageLeastSquares', () => api.twoStageLeastSquares(any, { outcome: 'y', endogenous: 'x', instruments: ['z'], covariate: [] } as never), 'options.covariate', 'covariates'],
  ['naturalSpline', () => api.naturalSpline([1, 2, 3], { dff: 3 } as never), 'options.dff', 'df'],
  ['subgroupAnalysis', () => api.subgroupAnalysis(any, { instrument: 'PSP', subgroups: [], visit: ['9m'] } as never), 'options.visit', 'visits'],
  ['defineSubgroup', () => api.defineSubgroup(api.simulateTrialData({ nParticipants: 40 }).data, { kind: 'sex' }, { registy: any } as never), 'context.registy', 'registry'],
  ['defineSubgroup (spec)', () => api.defineSubgroup(api.simulateTrialData({ nParticipants: 40 }).data, { kind: 'time-since-diagnosis', cutpoints: [1] } as never), 'spec.cutpoints', 'cutPoints'],
  // Clinical significance
  ['clinicalSignificance', () => api.clinicalSignificance({ baseline: [10, 20], followUp: [12, 25] }, { relability: 0.5 } as never), 'options.relability', 'reliability'],
  ['clinicalSignificance (norms)', () => api.clinicalSignificance({ baseline: [10, 20], followUp: [12, 25] }, { norms: { clinicl: { mean: 1, sd: 1 } } } as never), 'options.norms.clinicl', 'clinical'],
  ['compareClinicalSignificance', () => api.compareClinicalSignificance(any, { referenc: 'control' } as never), 'options.referenc', 'reference'],
  ['numberNeededToTreat', () => api.numberNeededToTreat(any, { evnt: 'benefit' } as never), 'options.evnt', 'event'],
  ['proportionalOddsComparison', () => api.proportionalOddsComparison([1, 2], [2, 1], { cilevel: 0.9 } as never), 'options.cilevel', 'ciLevel'],
  ['probabilityOfSuperiority', () => api.probabilityOfSuperiority([1, 2], [2, 1], { cilevel: 0.9 } as never), 'options.cilevel', 'ciLevel'],
  ['clinicalCutoff', () => api.clinicalCutoff('a', { clinicl: { mean: 1, sd: 1 } } as never, 'higher-better'), 'norms.clinicl', 'clinical'],
  // Economics
  ['participantCostTotals', () => api.participantCostTotals([], { missng: 'zero' } as never), 'options.missng', 'missing'],
  ['costsByArm', () => api.costsByArm([], { replicate: 50 } as never), 'options.replicate', 'replicates'],
  ['costEffectiveness', () => api.costEffectiveness(any, { replicate: 50 } as never), 'options.replicate', 'replicates'],
  ['fitGlmm', () => api.fitGlmm('y ~ x + (1 | g)', any, { family: 'poisson', nAGQ: 5 } as never), 'options.nAGQ', 'nAgq'],
  ['glmmDevianceFunction', () => api.glmmDevianceFunction('y ~ x + (1 | g)', any, { family: 'poisson', ofset: 'e' } as never), 'options.ofset', 'offset'],
  ['predictGlm', () => api.predictGlm(any, [], { typ: 'response' } as never), 'options.typ', 'type'],
  ['predictGlmm', () => api.predictGlmm(any, [], { conditonal: false } as never), 'options.conditonal', 'conditional'],
  ['likelihoodRatioTestGlm', () => api.likelihoodRatioTestGlm(any, any, { tset: 'F' } as never), 'options.tset', 'test'],
  ['fitGlm', () => api.fitGlm('y ~ x', any, { famly: 'poisson' } as never), 'options.famly', 'family'],
  ['qalys', () => api.qalys(any, { discountRat: 0.03 } as never), 'options.discountRat', 'discountRate'],
  ['baselineAdjustedDifference', () => api.baselineAdjustedDifference(any, { vcv: 'HC3' } as never), 'options.vcv', 'vcov'],
  ['incrementalQaly', () => api.incrementalQaly(any, { cilevel: 0.9 } as never), 'options.cilevel', 'ciLevel'],
  ['incrementalCost', () => api.incrementalCost(any, { baselineCategry: 'x' } as never), 'options.baselineCategry', 'baselineCategory'],
  ['influenceOfLargest', () => api.influenceOfLargest(any, { shar: 0.05 } as never), 'options.shar', 'share'],
  ['costUtility', () => api.costUtility(any, { replicate: 50 } as never), 'options.replicate', 'replicates'],
  ['gammaCostModel', () => api.gammaCostModel(any, { vcv: 'CR2' } as never), 'options.vcv', 'vcov'],
  ['twoPartCostModel', () => api.twoPartCostModel(any, { replicate: 50 } as never), 'options.replicate', 'replicates'],
  ['largestCostsInfluence', () => api.largestCostsInfluence(any, { shar: 0.05 } as never), 'options.shar', 'share'],
  ['netBenefitRegression', () => api.netBenefitRegression(any, { covariate: [] } as never), 'options.covariate', 'covariates'],
  ['attachCosts', () => api.attachCosts([], [], { allowNegativ: true } as never), 'options.allowNegativ', 'allowNegative'],
  ['openWorkerPool', () => api.openWorkerPool({ thread: 2 } as never), 'options.thread', 'threads'],
  // Power (issue 16)
  ['partiallyNestedPower', () => api.partiallyNestedPower(any, { alhpa: 0.05 } as never), 'options.alhpa', 'alpha'],
  ['partiallyNestedPower (design)', () => api.partiallyNestedPower({ nGroups: 10, groupSize: 8, effect: 0.3, icc: 0.05, retension: 0.8 } as never), 'design.retension', 'retention'],
  ['solvePartiallyNested', () => api.solvePartiallyNested(any, { solvefor: 'nGroups' } as never), 'options.solvefor', 'solveFor'],
  ['powerBySimulation', () => api.powerBySimulation({ replicate: 10 } as never), 'options.replicate', 'replicates'],
  ['simulateFromFit', () => api.simulateFromFit(any, { nsimm: 2 } as never), 'options.nsimm', 'nsim'],
  ['parametricBootstrap', () => api.parametricBootstrap(any, { cilevel: 0.9 } as never), 'options.cilevel', 'ciLevel'],
  ['powerCurve', () => api.powerCurve(any, { vari: 'nGroups' } as never), 'options.vari', 'vary'],
  ['simulationDesignFor', () => api.simulationDesignFor({ nGroups: 4, groupSize: 8, effect: 0.3, icc: 0.05, iccc: 1 } as never), 'design.iccc', 'icc'],
  ['runPowerPlan', () => api.runPowerPlan(any, { thread: 2 } as never), 'options.thread', 'threads'],
  ['bootstrapLrt', () => api.bootstrapLrt(any, any, { sed: 1 } as never), 'options.sed', 'seed'],
  ['groupCourseCost', () => api.groupCourseCost({ fixedCostPerCourse: 1, participantsPerCourse: 8, dropoutrate: 0.1 } as never), 'inputs.dropoutrate', 'dropoutRate'],
  ['groupCourseCost (substitution)', () => api.groupCourseCost({ fixedCostPerCourse: 1, participantsPerCourse: 8, substitution: { hoursPerParticipant: 1, costPerHours: 2 } } as never), 'inputs.substitution.costPerHours', 'costPerHour'],
  ['groupSizeTable', () => api.groupSizeTable({ fixedCostPerCourse: 1, participantsPerCourse: 8, dropout: 1 } as never, [6, 8]), 'inputs.dropout', 'dropouts'],
  ['breakEvenGroupSize', () => api.breakEvenGroupSize({ fixedCostPerCourse: 1 }, 10, { maxsize: 20 } as never), 'options.maxsize', 'maxSize'],
  ['levelOneCostAssessment', () => api.levelOneCostAssessment({ horizonYears: 1, coursesPerYear: 1, participantsPerCourse: 8, items: [], discountrate: 0 } as never), 'inputs.discountrate', 'discountRate'],
  [
    'levelOneCostAssessment (item)',
    () => api.levelOneCostAssessment({ horizonYears: 1, coursesPerYear: 1, participantsPerCourse: 8, items: [{ label: 'x', category: 'c', amount: 1, per: 'once', sved: true }] } as never),
    'items[0].sved',
    'saved',
  ],
  // Analysis and report
  ['analyzeTrial', () => api.analyzeTrial(any, any, { thread: 2 } as never), 'options.thread', 'threads'],
  ['analyzeTrial (adapters)', () => api.analyzeTrial(any, any, { adapters: { economic: any } } as never), 'options.adapters.economic', 'economics'],
  ['buildReportModel', () => api.buildReportModel(any, { titel: 'x' } as never), 'options.titel', 'title'],
  ['buildReport', () => api.buildReport(any, { smallCellk: 5 } as never), 'options.smallCellk', 'smallCellK'],
  ['writeReport', () => api.writeReport(any, '/nonexistent/dir', { figure: false } as never), 'options.figure', 'figures'],
  ['renderMarkdown', () => api.renderMarkdown(any, { figuredir: 'f' } as never), 'options.figuredir', 'figureDir'],
  // Missing data
  ['poolEstimates', () => api.poolEstimates(any, { dfcomplete: 3 } as never), 'options.dfcomplete', 'dfComplete'],
  ['poolFits', () => api.poolFits(any, { cilevel: 0.9 } as never), 'options.cilevel', 'ciLevel'],
  ['poolMarginalMeans', () => api.poolMarginalMeans(any, ['arm'], { dfComplet: 3 } as never), 'options.dfComplet', 'dfComplete'],
  ['poolContrasts', () => api.poolContrasts(any, ['arm'], 'pairwise', { refrence: 0 } as never), 'options.refrence', 'reference'],
  ['multipleImputation', () => api.multipleImputation(any, { burnin: 5 } as never), 'options.burnin', 'burnIn'],
  ['fitImputations', () => api.fitImputations(any, 'score ~ arm', { model: 'ols', wher: {} } as never), 'options.wher', 'where'],
  ['tippingPoint', () => api.tippingPoint(any, any, { delta: {} } as never), 'options.delta', 'deltas'],
];

/**
 * Exported functions whose object parameters are data or results rather than options, so
 * extra keys are allowed, and the reason.
 */
const NOT_OPTIONS: Record<string, string> = {
  planDesign: 'a plan already checked strictly by parseAnalysisPlan',
  loadTrialFiles: 'a plan already checked strictly by parseAnalysisPlan',
  normaliseInstrument: 'an instrument definition (data, validated field by field)',
  flowFigure: 'a design object (any object with arms and visits, e.g. trial.design)',
  meanTrajectoryFigure: 'a design object',
  individualTrajectoryFigure: 'a design object',
  armDifferenceFigure: 'a design object',
  changeDistributionFigure: 'a design object',
  categoryBarsFigure: 'a design object',
  regrid: 'a marginal-means result (data), not options',
  missingDataChapter: 'the chapter’s results (data: missingness, effects, tipping point), not options',
  powerReportSection: 'the power results to render (data), not options',
};

describe('every public function rejects unknown options', () => {
  it.each(TABLE)('%s', async (_name, call, argument, suggestion) => {
    const e = await caught(call);
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe(argument);
    expect((e as ArgumentError).message).toContain(suggestion === null ? 'no such option.' : `did you mean "${suggestion}"?`);
  });

  it('the table covers every exported function with an options object (found with the TypeScript compiler)', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram(ENTRIES.map((e) => `${root}${e}`), config.options);
    const checker = program.getTypeChecker();
    const exports = ENTRIES.flatMap((e) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(`${root}${e}`)!)!));
    const found: string[] = [];
    for (const exported of exports) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & ts.SymbolFlags.Function)) continue;
      const declaration = symbol.declarations?.find((d) => ts.isFunctionDeclaration(d) && d.body !== undefined) as ts.FunctionDeclaration | undefined;
      if (!declaration) continue;
      const takesOptions = declaration.parameters.some((p) => {
        const t = checker.getNonNullableType(checker.getTypeAtLocation(p));
        const objectLike = t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection) || (t.isUnion() && t.types.every((u) => u.flags & ts.TypeFlags.Object));
        if (!objectLike || checker.isArrayType(t) || t.getCallSignatures().length > 0) return false;
        return t.getProperties().some((q) => q.flags & ts.SymbolFlags.Optional);
      });
      if (takesOptions) found.push(exported.name);
    }
    const covered = new Set([...TABLE.map(([name]) => name.split(' ')[0]!), ...Object.keys(NOT_OPTIONS)]);
    expect(found.filter((name) => !covered.has(name))).toEqual([]);
    expect(found.length).toBeGreaterThan(90);
  });
});

/** Descriptive tables of a trial: outcome summaries, CONSORT-style flow, baseline characteristics. */
export { describeOutcomes, type OutcomeSummaryRow } from './describe-outcomes.js';
export { flowCounts, type FlowRow, type FlowStage } from './flow-counts.js';
export {
  baselineTable,
  BASELINE_AGE_BANDS,
  type AgeBand,
  type BaselineRow,
  type BaselineTableOptions,
  type BaselineVariable,
} from './baseline-table.js';

/** Analysis plans and `analyzeTrial`: a whole pre-specified analysis in one call. */
export {
  analysisPlanSchema,
  analysisPlanJsonSchema,
  parseAnalysisPlan,
  planDesign,
  type AnalysisPlan,
  type AnalysisPlanInput,
  type PlanModel,
  type ClinicalSignificancePlan,
  type DoseResponsePlan,
  type SubgroupsPlan,
  type SubgroupVariablePlan,
  type EconomicsPlan,
} from './plan.js';
export { analyzeTrial, primaryNotEstimable, type AnalyzeOptions, type ProgressEvent } from './analyze.js';
export { defaultAdapters, type SectionAdapters, type SectionAdapter, type AnalysisContext } from './adapters/index.js';
export { wtpGrid } from './adapters/economics.js';
export type * from './types.js';

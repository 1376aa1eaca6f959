/** Subgroup analyses by interaction: definitions from the data, per-level effects, interaction tests, multiplicity, forest-plot rows. */
export { defineSubgroup, yearsSinceDiagnosis, SUBGROUP_AGE_BANDS, type SubgroupSpec, type SubgroupDefinition, type DefineSubgroupContext, type SubgroupAgeBand } from './definitions.js';
export {
  subgroupAnalysis,
  type SubgroupAnalysisOptions,
  type SubgroupAnalysisResult,
  type SubgroupVariableResult,
  type SubgroupEffect,
  type SubgroupInteractionTest,
  type SubgroupForestRow,
} from './analysis.js';
export { SubgroupLevelsError } from './errors.js';

/** The section adapters `analyzeTrial` uses by default. */
import type { ClinicalSignificancePlan, CostUtilityPlan, DoseResponsePlan, EconomicsPlan, MissingDataPlan, RegisterPlan, SubgroupsPlan } from '../plan.js';
import type { ClinicalSignificanceSection, CostUtilitySection, DoseResponseSection, EconomicsSection, MissingDataSection, RegisterSection, SubgroupsSection } from '../types.js';
import { registerAdapter } from './register.js';
import { missingDataAdapter } from './missing-data.js';
import { costUtilityAdapter } from './cost-utility.js';
import { clinicalSignificanceAdapter } from './clinical-significance.js';
import { doseResponseAdapter } from './dose-response.js';
import { economicsAdapter } from './economics.js';
import { subgroupsAdapter } from './subgroups.js';
import type { SectionAdapter } from './types.js';

export type { AnalysisContext, SectionAdapter } from './types.js';

/** One adapter per optional section of the plan. */
export interface SectionAdapters {
  clinicalSignificance: SectionAdapter<ClinicalSignificancePlan, ClinicalSignificanceSection>;
  doseResponse: SectionAdapter<DoseResponsePlan, DoseResponseSection>;
  subgroups: SectionAdapter<SubgroupsPlan, SubgroupsSection>;
  economics: SectionAdapter<EconomicsPlan, EconomicsSection>;
  costUtility: SectionAdapter<CostUtilityPlan, CostUtilitySection>;
  register: SectionAdapter<RegisterPlan, RegisterSection>;
  missingData: SectionAdapter<MissingDataPlan, MissingDataSection>;
}

/** The adapters of this build (a section whose adapter has `run: null` is reported as not available). */
export const defaultAdapters: Readonly<SectionAdapters> = Object.freeze({
  clinicalSignificance: clinicalSignificanceAdapter,
  doseResponse: doseResponseAdapter,
  subgroups: subgroupsAdapter,
  economics: economicsAdapter,
  costUtility: costUtilityAdapter,
  register: registerAdapter,
  missingData: missingDataAdapter,
});

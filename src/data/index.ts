/** Trial data: schemas, loaders, validation, inclusion criteria (browser-safe; readCsvFile is in read-file.ts, exported from `rcteval/node`). */
export type * from './types.js';
export { parseCsv, type CsvParseOptions, type CsvParseResult, type CsvProblem } from './csv.js';
export { completedYears } from './dates.js';
export { normaliseIcd10 } from './icd10.js';
export {
  canonicalField,
  decodeCsvBytes,
  fromArquero,
  fromCsv,
  fromDanfo,
  fromRows,
  isLoadedTable,
  readNumberText,
  type ArqueroLike,
  type CsvEncoding,
  type CsvLoadOptions,
  type DanfoLike,
  type DateFormat,
  type LoadedTable,
  type LoadOptions,
  type RowsLoadOptions,
  type TableName,
  type TextParseOptions,
} from './loaders.js';
export {
  isCalendarDate,
  measurementRowJsonSchema,
  measurementRowSchema,
  participantRowJsonSchema,
  participantRowSchema,
  trialDesignJsonSchema,
  trialDesignSchema,
  type MeasurementRowInput,
  type ParticipantRowInput,
} from './schema.js';
export {
  DEFAULT_SEX_CODES,
  isTrialData,
  trialToRows,
  validateTrial,
  type ModelRow,
  type TableInput,
  type TrialInput,
  type TrialToRowsOptions,
  type ValidateTrialOptions,
} from './validate.js';
export {
  checkInclusion,
  codeMatches,
  diagnosisChapter,
  diagnosisQualifies,
  SFT_CHAPTERS,
  SFT_DIAGNOSIS_RULE,
  type DiagnosisRule,
  type InclusionFailure,
  type InclusionInput,
  type InclusionOptions,
  type InclusionReport,
  type InclusionResult,
  type InclusionRule,
} from './inclusion.js';

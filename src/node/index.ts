/**
 * rcteval/node: the parts that need Node (the file system, worker threads, the command
 * line). Everything here is a thin edge over the browser-safe core: `readCsvFile` reads bytes
 * and hands them to `fromCsv`, `writeReport` writes what `buildReport` built, and the worker
 * pool runs the same seeded blocks as the calling thread would.
 */

// Reading trial data and plans from files
export { readCsvFile } from '../data/read-file.js';
export { loadTrialFiles, readPlanFile, splitLongTable, type TrialFiles } from '../cli/load.js';

// Writing reports, figures and the synthetic sample to a folder
export { writeReport, writeFigureFiles, type WrittenReport } from '../report/write.js';
export { writeSample } from '../simulate/write-sample.js';

// Worker threads for the bootstrap (results are identical on any number of threads)
export { openWorkerPool, type WorkerPool, type WorkerPoolOptions } from '../parallel/pool.js';

// Linear mixed models fitted from an SQL engine's GROUP BY aggregates, so the rows never leave it
// (DuckDB by default, PostgreSQL, or any engine behind SqlEngine; the drivers are optional
// dependencies loaded when used)
export { fitLmmSql, type SqlSource, type LmmSqlOptions, type LmmSqlFit } from '../models/lmm/sql/fit.js';
export {
  duckdbEngine,
  postgresEngine,
  standardDialect,
  type SqlEngine,
  type SqlDialect,
  type SqlColumn,
  type SqlColumnKind,
  type SqlTable,
  type DuckDbEngineOptions,
  type PostgresEngineOptions,
} from '../sql/engine.js';
// The outcome table and the participant flow from the same engines (the rows of
// describeOutcomes and flowCounts, by GROUP BY)
export { describeOutcomesSql, flowCountsSql, type TrialSqlSource, type TrialSqlOptions, type TrialSqlDesign } from '../descriptives/sql.js';

// The `rcteval` command, callable from code
export { runCli, type CliIo } from '../cli/main.js';

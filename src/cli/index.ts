/** The `rcteval` command line and its file loading, usable from code too. */
export { runCli, formatError, packageRoot, EXAMPLES, USAGE, type CliIo } from './main.js';
export { loadTrialFiles, readPlanFile, splitLongTable, type TrialFiles } from './load.js';

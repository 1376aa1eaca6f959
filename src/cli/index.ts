/** The `rcteval` command line and its file loading, usable from code too (Node only; public through `rcteval/node`). */
export { runCli, type CliIo } from './main.js';
export { loadTrialFiles, readPlanFile, splitLongTable, type TrialFiles } from './load.js';

/**
 * A small single-arm pre/post study in the style of the Danish evaluation of five group
 * interventions (seed 003): WHO-5 at the start and end of a three-month group course, where
 * most participants gave a baseline score but few answered at the end. The plan asks for at
 * least 10 complete pairs before a change is estimated, so the report says "not estimable"
 * instead of inventing a change; baseline scores are still described. Small-cell protection
 * (k = 5) is on, as for register data.
 *
 * The data are one long CSV (participant columns repeated on each measurement row), read with
 * the CLI's loader. Writes examples/pre-post/output/.
 *
 * Run: npx tsx examples/pre-post/run.ts   (or: npx rcteval example pre-post)
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// The package as a user imports it: the browser-safe core and its Node part (files). In this
// clone they resolve to dist/, which `npm ci` builds (`npm run build` after changing src/).
import { analyzeTrial } from 'rcteval';
import { loadTrialFiles, readPlanFile, writeReport } from 'rcteval/node';

const here = dirname(fileURLToPath(import.meta.url));
const plan = readPlanFile(join(here, 'plan.json'));
const trial = await loadTrialFiles({ data: join(here, 'who5-pre-post.csv') }, plan);
const analysis = await analyzeTrial(trial, plan);
await writeReport(analysis, join(here, 'output'));

const baseline = analysis.descriptives.outcomes.find((r) => r.visit === 'start' && r.instrument === 'WHO5');
console.log(`WHO-5 at the start: mean ${baseline?.mean?.toFixed(1)} (n = ${baseline?.n})`);
for (const w of analysis.outcomes[0]!.withinArm) {
  console.log(`${w.arm}, ${w.from} → ${w.visit}: ${w.estimable && w.change ? `change ${w.change.estimate.toFixed(1)} points` : `not estimable (${w.reason})`}`);
}
console.log(`Report: ${relative(process.cwd(), join(here, 'output', 'report.html'))}`);

/**
 * The bundled SFT example: the synthetic Social Skills Training trial in data-samples/ (304
 * participants, therapy groups in the SFT arm only, baseline / 9 months / 15 months), run
 * through the pre-specified analysis plan in plan.json, which asks for every analysis the SFT
 * evaluation describes (../../../shared/domain/sft-trial.md):
 *
 * - main effect on PSP and MHRM (and WHO-5) at end of course, and its waning by follow-up:
 *   partially nested mixed models, arm differences and differences in change at each visit;
 * - effect sizes (model-based d on the baseline SD) with their interpretation;
 * - clinical significance, attendance (dose–response) and subgroups, as the plan's sections;
 *   each is reported as "not available" until its capability is in the library;
 * - health-care use and costs by arm, and cost-effectiveness acceptability for PSP at 9 and
 *   15 months and for MHRM and WHO-5 at 15 months;
 * - cost-utility: QALYs from the EQ-5D-5L index over 9 and 15 months (discounted at 3.5 % after
 *   the first year), incremental QALYs adjusted for baseline utility, cost per QALY with the CE
 *   plane, acceptability and EVPI curves, and the gamma and two-part cost models;
 * - register outcomes: labour-market status shares by arm and snapshot week, an odds ratio and
 *   risk difference per week for each status from a logistic GLMM (partially nested), and
 *   bed-days from a negative-binomial model with the influence of the longest stays.
 *
 * Writes examples/sft-trial/output/: report.html (self-contained), report.md, results.json
 * and figures/ (Vega-Lite specs with their SVG).
 *
 * Run: npm run example
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// The package as a user imports it: the browser-safe core and its Node part (files). In this
// clone they resolve to dist/, which `npm ci` builds (`npm run build` after changing src/).
import { analyzeTrial, parseAnalysisPlan, planDesign, validateTrial } from 'rcteval';
import { readCsvFile, writeReport } from 'rcteval/node';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'output');

const plan = parseAnalysisPlan(JSON.parse(readFileSync(join(here, 'plan.json'), 'utf8')));
const participants = await readCsvFile(join(root, 'data-samples/sft-participants.csv'), { table: 'participants', numericColumns: plan.data.numericColumns });
const measurements = await readCsvFile(join(root, 'data-samples/sft-measurements.csv'), { table: 'measurements' });
const register = await readCsvFile(join(root, 'data-samples/sft-register.csv'), { table: 'register' });
const trial = validateTrial({ participants, measurements, register }, { design: planDesign(plan) });

const t0 = Date.now();
const analysis = await analyzeTrial(trial, plan, {
  onProgress: (e) => process.stderr.write(`[${e.step}/${e.total}] ${e.section}: ${e.detail}\n`),
});
process.stderr.write('Rendering figures and writing the report…\n');
const { report } = await writeReport(analysis, out);

for (const o of analysis.outcomes) {
  for (const d of o.differences.filter((x) => x.visit !== analysis.design.visits[0])) {
    if (d.estimate === null || d.ci === null) console.log(`${o.instrument} at ${d.visit}: ${d.arm} − ${d.reference} not estimable: ${d.reason}`);
    else console.log(`${o.instrument} at ${d.visit}: ${d.arm} − ${d.reference} = ${d.estimate.toFixed(2)} points (95% CI ${d.ci[0].toFixed(2)} to ${d.ci[1].toFixed(2)})`);
  }
}
if (analysis.economics.status === 'done') {
  for (const ce of analysis.economics.result.analyses) {
    const i = ce.ceac.wtp.indexOf(50000);
    console.log(`${ce.label}: ΔC ${Math.round(ce.incrementalCost.estimate)} DKK, ΔE ${ce.incrementalEffect.estimate.toFixed(2)}; P(cost-effective at 50,000 DKK/point) = ${i >= 0 ? ce.ceac.probability[i]!.toFixed(2) : 'n/a'}`);
  }
}
if (analysis.costUtility.status === 'done') {
  for (const h of analysis.costUtility.result.horizons) {
    const q = h.incrementalQaly.adjusted;
    const ce = h.costPerQaly;
    const icer = ce.icer.estimate === null ? `not estimable: ${ce.icer.interpretation}` : `${Math.round(ce.icer.estimate)} DKK/QALY`;
    console.log(`QALYs over ${h.label}: ΔQALY (adjusted) ${q.estimate === null ? `not estimable: ${q.reason}` : q.estimate.toFixed(3)}, ΔC ${Math.round(ce.incrementalCost.estimate)} DKK, ICER ${icer} (${ce.icer.quadrant})`);
  }
}
if (analysis.register.status === 'done') {
  const r = analysis.register.result;
  for (const c of r.contrasts) {
    const last = c.rows[c.rows.length - 1];
    const or = last?.oddsRatio;
    console.log(`${r.labels[c.status]} at ${last?.week ?? '–'}: ${!c.estimable ? `not estimable: ${c.reason}` : or && or.estimate !== null && or.ci ? `odds ratio ${or.estimate.toFixed(2)} (95% CI ${or.ci[0].toFixed(2)} to ${or.ci[1].toFixed(2)})` : `not estimable: ${or?.reason}`}`);
  }
  if (r.bedDays) {
    const rr = r.bedDays.all.rateRatio;
    const share = r.bedDays.influence.shareOfBedDays;
    console.log(`Bed-days rate ratio: ${rr.estimate !== null && rr.ci ? `${rr.estimate.toFixed(2)} (95% CI ${rr.ci[0].toFixed(2)} to ${rr.ci[1].toFixed(2)})` : `not estimable: ${rr.reason}`}; top ${Math.round(100 * r.bedDays.influence.topShare)} % of participants hold ${share === null ? '–' : `${Math.round(100 * share)} %`} of bed-days`);
  }
}
for (const d of analysis.diagnostics) console.log(`${d.severity}: ${d.message}`);
console.log(`Report: ${relative(process.cwd(), join(out, 'report.html'))} (${report.figures.length} figures, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

/**
 * Speed of the data path at register scale: the medians the tests used to assert as wall-clock
 * limits (tests never time anything; a loaded machine must not fail them).
 *  - fromCsv on 300,000 measurement rows (tests/data/loaders.test.ts checks the rows);
 *  - fromCsv + validateTrial on 20,000 participants and 300,000 measurements (tests/data/validate.test.ts);
 *  - simulateLongColumns making 3,000,000 rows (tests/simulate/columns.test.ts).
 *
 *   npx tsx bench/data.bench.ts [--runs 5]
 *
 * Prints the median and range over the runs, after one warm-up run; it asserts nothing.
 */
import { cpus, loadavg } from 'node:os';
import { fromCsv } from '../src/data/loaders.js';
import type { TrialDesign } from '../src/data/types.js';
import { validateTrial } from '../src/data/validate.js';
import { simulateLongColumns } from '../src/simulate/columns.js';

const args = process.argv.slice(2);
const i = args.indexOf('--runs');
const RUNS = i >= 0 && Number(args[i + 1]) > 0 ? Number(args[i + 1]) : 5;

function time(label: string, f: () => unknown): void {
  f();
  const ms: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const median = ms.length % 2 ? ms[(ms.length - 1) / 2]! : (ms[ms.length / 2 - 1]! + ms[ms.length / 2]!) / 2;
  console.log(`${label.padEnd(58)} median ${median.toFixed(0).padStart(6)} ms  (range ${ms[0]!.toFixed(0)}–${ms[ms.length - 1]!.toFixed(0)}, ${RUNS} runs)`);
}

const loaderLines = ['id,visit,instrument,score,item_1,date'];
for (let r = 0; r < 300_000; r++) loaderLines.push(`P${r >> 2},v${r & 3},PSP,${(r % 100) + 1},,2015-01-0${(r % 9) + 1}`);
const loaderText = loaderLines.join('\n');

const p = ['id,arm,group,age'];
for (let r = 0; r < 20_000; r++) p.push(`P${r},${r % 2 ? 'SFT' : 'control'},${r % 2 ? `G${r % 19}` : ''},${20 + (r % 40)}`);
const m = ['id,visit,instrument,score'];
const visits = ['baseline', '9m', '15m'];
const instruments = ['PSP', 'MHRM', 'WHO5', 'EQ5D_INDEX', 'EQ5D_VAS'];
const scores = ['55', '80', '48', '0.8', '70'];
for (let r = 0; r < 300_000; r++) {
  const k = r % 15;
  m.push(`P${Math.floor(r / 15)},${visits[Math.floor(k / 5)]},${instruments[k % 5]},${r % 97 === 0 ? '' : scores[k % 5]}`);
}
const pText = p.join('\n');
const mText = m.join('\n');
const design: TrialDesign = {
  arms: ['control', 'SFT'],
  visits: ['baseline', '9m', '15m'],
  instruments: instruments,
  visitMonths: { baseline: 0, '9m': 9, '15m': 15 },
  ungroupedArms: ['control'],
};

console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
time('fromCsv: 300,000 measurement rows', () => fromCsv(loaderText, { table: 'measurements' }));
time('fromCsv + validateTrial: 20,000 participants, 300,000 rows', () =>
  validateTrial({ participants: fromCsv(pText, { table: 'participants' }), measurements: fromCsv(mText, { table: 'measurements' }) }, { design }));
time('simulateLongColumns: 1,230,000 participants (3M rows)', () => simulateLongColumns({ nParticipants: 1_230_000, seed: 1 }));

/**
 * Report section: baseline characteristics by arm.
 */
import type { TrialAnalysis } from '../../analysis/types.js';
import { col, section, type ReportSection, type SectionContext } from './common.js';
import { auto, count, countPercent, num, percent, suppressed } from '../format.js';

/** Baseline characteristics by arm, with the largest between-arm difference in a share. */
export function baselineSection(a: TrialAnalysis, { cells }: SectionContext): ReportSection {
  const s = section('baseline', 'Baseline characteristics');
  const arms = a.design.arms;
  const rows: Record<string, string>[] = [];
  const groups = new Map<string, typeof a.descriptives.baseline>();
  for (const r of a.descriptives.baseline) {
    const key = `${r.variable}\u0000${r.level ?? ''}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const names: Record<string, string> = {
    participants: 'Participants',
    sex: 'Sex',
    ageBand: 'Age band',
    diagnosisChapter: 'Main diagnosis',
    age: 'Age, years',
    yearsSinceDiagnosis: 'Years since diagnosis',
    baselineScore: 'Baseline score',
  };
  let largest: { label: string; diff: number; text: string } | null = null;
  for (const group of groups.values()) {
    const first = group[0]!;
    const r: Record<string, string> = { variable: names[first.variable] ?? first.variable, level: first.level ?? '' };
    for (const [i, arm] of [...arms, null].entries()) {
      const b = group.find((x) => x.arm === arm);
      if (!b) {
        r[`a${i}`] = '–';
        continue;
      }
      if (b.kind === 'count') r[`a${i}`] = first.variable === 'participants' ? count(b.n, cells) : countPercent(b.n, b.percent, cells);
      else if (b.n === 0) r[`a${i}`] = '–';
      else r[`a${i}`] = suppressed(b.n, cells) ? `suppressed (n <${cells.k})` : `${auto(b.mean)} (${auto(b.sd)}); median ${auto(b.median)}; n = ${b.n}`;
    }
    rows.push(r);
    if (first.kind === 'count' && first.variable !== 'participants' && arms.length >= 2) {
      const ps = arms.map((arm) => group.find((x) => x.arm === arm)?.percent ?? null);
      if (ps.every((p) => p !== null)) {
        const diff = Math.max(...(ps as number[])) - Math.min(...(ps as number[]));
        if (!largest || diff > largest.diff) {
          largest = { label: `${r['variable']} ${first.level ?? ''}`.trim(), diff, text: arms.map((arm, i) => `${arm} ${percent(ps[i]!)}`).join(' vs ') };
        }
      }
    }
  }
  s.readings.push(
    largest
      ? `The largest between-arm difference in a baseline share is ${num(largest.diff, 1)} percentage points (${largest.label}: ${largest.text}); under randomisation such differences are chance.`
      : `Baseline characteristics of the ${arms.length === 1 ? 'single arm' : 'arms'}.`,
  );
  s.tables.push({
    id: 'baseline-table',
    caption: 'Baseline characteristics: n (%) or mean (SD); median; n',
    columns: [col('variable', 'Variable'), col('level', 'Level'), ...arms.map((arm, i) => col(`a${i}`, arm, true)), col(`a${arms.length}`, 'All', true)],
    rows,
    note: 'Percentages of the participants randomised to each arm (missing values counted in the denominator).',
  });
  return s;
}

import { describe, expect, it } from 'vitest';
import { simulateTrial, type SimulatedTrial } from '../../src/simulate/trial.js';
import { SIM_INSTRUMENTS, SIM_SCALES } from '../../src/simulate/options.js';
import { getInstrument, scoreProblem } from '../../src/instruments/index.js';
import { argumentError } from '../thrown.js';

// Tolerances. Counts that are random draws are checked against their expectation ± 3.5
// binomial SDs (a false alarm about once in 2,000 seeds; the seeds are fixed, so the tests
// are deterministic, and the bound says how far a correct generator may stray). Pooling 20
// seeds shrinks the bound by √20, which checks the calibration itself.
const Z = 3.5;
const binomialBound = (n: number, p: number): number => Z * Math.sqrt(n * p * (1 - p));

const INCLUSION = /^(F2\d(\.\d)?|F3[01](\.\d)?|F33\.[23]|F34(\.\d)?|F4[0-5](\.\d)?|F6\d(\.\d)?)$/;

function analysedIds(t: SimulatedTrial): Set<string> {
  return new Set(t.measurements.filter((m) => m.score !== null).map((m) => m.id));
}
function attendedIds(t: SimulatedTrial, visit: string): Set<string> {
  return new Set(t.measurements.filter((m) => m.visit === visit && m.score !== null).map((m) => m.id));
}

const trial = simulateTrial({ seed: 11 });

describe('simulateTrial: the design with default options', () => {
  it('randomises 304 about 1:1 with 293 analysed (at least one non-missing score)', () => {
    expect(trial.participants).toHaveLength(304);
    expect(new Set(trial.participants.map((p) => p.id)).size).toBe(304);
    const sft = trial.participants.filter((p) => p.arm === 'SFT').length;
    const control = trial.participants.filter((p) => p.arm === 'control').length;
    expect(sft + control).toBe(304);
    // SFT = Σ of 19 group sizes uniform on 7–9: mean 152, SD √(19·2/3) ≈ 3.6.
    expect(Math.abs(sft - 152)).toBeLessThanOrEqual(Z * Math.sqrt((19 * 2) / 3));
    expect(analysedIds(trial).size).toBe(293);
    expect(trial.truth.counts.analysed).toBe(293);
    // The 11 without data have no rows at all.
    const withRows = new Set(trial.measurements.map((m) => m.id));
    expect(304 - withRows.size).toBe(11);
  });

  it('puts the SFT arm in 19 groups of 7–9 within 9 sites and controls in no group', () => {
    const sizes = new Map<string, number>();
    const siteOfGroup = new Map<string, Set<string>>();
    for (const p of trial.participants) {
      if (p.arm === 'SFT') {
        expect(p.group).not.toBeNull();
        sizes.set(p.group!, (sizes.get(p.group!) ?? 0) + 1);
        const s = siteOfGroup.get(p.group!) ?? new Set();
        s.add(p.site!);
        siteOfGroup.set(p.group!, s);
      } else {
        expect(p.group).toBeNull();
        expect(p.site).not.toBeNull();
      }
    }
    expect(sizes.size).toBe(19);
    for (const n of sizes.values()) {
      expect(n).toBeGreaterThanOrEqual(7);
      expect(n).toBeLessThanOrEqual(9);
    }
    // Groups are nested in sites: one site per group.
    for (const s of siteOfGroup.values()) expect(s.size).toBe(1);
    const sites = new Set(trial.participants.map((p) => p.site));
    expect(sites.size).toBe(9);
    // Every site runs a group, and every site has controls' sites among the group sites.
    const groupSites = new Set([...siteOfGroup.values()].flatMap((s) => [...s]));
    expect(groupSites.size).toBe(9);
    expect(trial.design).toMatchObject({ arms: ['control', 'SFT'], visits: ['baseline', '9m', '15m'], ungroupedArms: ['control'] });
  });

  it('keeps about 234 at 9 months and 194 at 15 months (binomial around the calibrated expectation)', () => {
    const n9 = attendedIds(trial, '9m').size;
    const n15 = attendedIds(trial, '15m').size;
    expect(Math.abs(n9 - 234)).toBeLessThanOrEqual(binomialBound(293, 234 / 293));
    expect(Math.abs(n15 - 194)).toBeLessThanOrEqual(binomialBound(293, 194 / 293));
    // Monotone dropout: nobody is measured at 15 months who missed 9 months.
    const at9 = new Set(trial.measurements.filter((m) => m.visit === '9m').map((m) => m.id));
    for (const m of trial.measurements) if (m.visit === '15m') expect(at9.has(m.id)).toBe(true);
    expect(trial.truth.counts.attendedByVisit).toEqual({ baseline: 293, '9m': expect.any(Number), '15m': expect.any(Number) });
  });

  it('matches 57 % women and the diagnosis shares within sampling tolerance', () => {
    const women = trial.participants.filter((p) => p.sex === 'female').length / 304;
    expect(Math.abs(women - 0.57)).toBeLessThanOrEqual(binomialBound(304, 0.57) / 304);
    const share = (ch: string): number => trial.participants.filter((p) => p.mainDiagnosis!.startsWith(ch)).length / 304;
    expect(Math.abs(share('F2') - 0.5)).toBeLessThanOrEqual(binomialBound(304, 0.5) / 304);
    for (const ch of ['F3', 'F4', 'F6']) expect(Math.abs(share(ch) - 1 / 6)).toBeLessThanOrEqual(binomialBound(304, 1 / 6) / 304);
  });

  it('draws realistic ICD-10 codes within the SFT inclusion list, the main one first', () => {
    for (const p of trial.participants) {
      expect(p.diagnoses.length).toBeGreaterThanOrEqual(1);
      expect(p.diagnoses[0]).toBe(p.mainDiagnosis);
      for (const code of p.diagnoses) {
        expect(code).toMatch(INCLUSION);
        expect(['F43.0', 'F43.2']).not.toContain(code);
      }
      // Comorbid codes come from other chapters than the main one.
      const chapters = p.diagnoses.map((c) => c.slice(0, 2));
      expect(new Set(chapters).size).toBe(chapters.length);
    }
  });

  it('gives ages 18–70 concentrated in 25–54, with consistent birth, diagnosis and visit dates', () => {
    const ages = trial.participants.map((p) => p.age!);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(70);
    const core = ages.filter((a) => a >= 25 && a <= 54).length / 304;
    expect(Math.abs(core - 0.78)).toBeLessThanOrEqual(binomialBound(304, 0.78) / 304);
    const dateOf = new Map(trial.participants.map((p) => [p.id, p.randomisationDate!]));
    for (const p of trial.participants) {
      const [by, bm, bd] = p.birthDate!.split('-').map(Number) as [number, number, number];
      const [ry, rm, rd] = p.randomisationDate!.split('-').map(Number) as [number, number, number];
      expect(ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0)).toBe(p.age);
      expect(p.diagnosisDate! <= p.randomisationDate!).toBe(true);
      // Diagnosed at 15 or later.
      expect(Number(p.diagnosisDate!.slice(0, 4)) - by).toBeGreaterThanOrEqual(14);
    }
    const days = (a: string, b: string): number => (Date.parse(a) - Date.parse(b)) / 86_400_000;
    for (const m of trial.measurements) {
      const r = dateOf.get(m.id)!;
      const d = days(m.date!, r);
      if (m.visit === 'baseline') expect(d).toBeGreaterThanOrEqual(-14);
      if (m.visit === 'baseline') expect(d).toBeLessThanOrEqual(0);
      if (m.visit === '9m') expect(Math.abs(d - 274)).toBeLessThanOrEqual(14);
      if (m.visit === '15m') expect(Math.abs(d - 457)).toBeLessThanOrEqual(14);
    }
  });

  it('scores every instrument within its registry range and resolution; WHO-5 totals are 4 × the item sum', () => {
    for (const id of SIM_INSTRUMENTS) {
      const inst = getInstrument(id);
      expect(SIM_SCALES[id].min).toBe(inst.range.min);
      expect(SIM_SCALES[id].max).toBe(inst.range.max);
      if (inst.step !== null) expect(SIM_SCALES[id].step).toBe(inst.step);
    }
    let missing = 0;
    for (const m of trial.measurements) {
      if (m.score === null) {
        missing++;
        expect(m.items).toBeNull();
        continue;
      }
      expect(scoreProblem(getInstrument(m.instrument), m.score)).toBeNull();
      if (m.instrument === 'WHO5') {
        expect(m.items).toHaveLength(5);
        for (const it of m.items!) expect([0, 1, 2, 3, 4, 5]).toContain(it);
        expect(4 * m.items!.reduce((s: number, x) => s + x!, 0)).toBe(m.score);
      } else {
        expect(m.items).toBeNull();
      }
      if (m.instrument === 'EQ5D_INDEX') expect(String(m.score)).toMatch(/^-?\d(\.\d{1,3})?$/);
    }
    // Some instruments are skipped at attended visits (rows with a missing score).
    expect(missing).toBeGreaterThan(0);
  });

  it('records attendance of 36 sessions for SFT only, with about 1.5 early dropouts per group', () => {
    const sft = trial.participants.filter((p) => p.arm === 'SFT');
    for (const p of sft) {
      expect(p.sessionsOffered).toBe(36);
      expect(Number.isInteger(p.sessionsAttended)).toBe(true);
      expect(p.sessionsAttended!).toBeGreaterThanOrEqual(0);
      expect(p.sessionsAttended!).toBeLessThanOrEqual(36);
    }
    for (const p of trial.participants.filter((x) => x.arm === 'control')) {
      expect(p.sessionsAttended).toBeNull();
      expect(p.sessionsOffered).toBeNull();
    }
    const mean = sft.reduce((s, p) => s + p.sessionsAttended!, 0) / sft.length;
    expect(mean).toBeGreaterThan(20);
    expect(mean).toBeLessThan(32);
    expect(trial.truth.modifierCentres.meanSessionsAttended).toBeCloseTo(mean, 12);
  });

  it('costs SFT at 30,329 implementation and 47,667 operation per citizen on average, varying by municipality', () => {
    const sft = trial.participants.filter((p) => p.arm === 'SFT');
    const mean = (k: string): number => sft.reduce((s, p) => s + p.costs[k]!, 0) / sft.length;
    // Site levels are rescaled to the mean exactly; rounding each site to whole kroner moves it < 0.5.
    expect(Math.abs(mean('implementation') - 30_329)).toBeLessThan(0.5);
    expect(Math.abs(mean('operation') - 47_667)).toBeLessThan(0.5);
    const operBySite = new Set(sft.map((p) => p.costs['operation']));
    expect(operBySite.size).toBe(9);
    // Municipal operating costs stay within the published 22,000–81,000 DKK, the mean held, over many draws.
    for (let seed = 1; seed <= 30; seed++) {
      const t = simulateTrial({ seed });
      const s = t.participants.filter((p) => p.arm === 'SFT');
      for (const site of t.truth.sites) {
        expect(site.operationCost).toBeGreaterThanOrEqual(22_000);
        expect(site.operationCost).toBeLessThanOrEqual(81_000);
      }
      expect(Math.abs(s.reduce((a, p) => a + p.costs['operation']!, 0) / s.length - 47_667)).toBeLessThan(0.5);
    }
    for (const p of trial.participants.filter((x) => x.arm === 'control')) {
      expect(p.costs['implementation']).toBe(0);
      expect(p.costs['operation']).toBe(0);
    }
    for (const p of trial.participants) {
      expect(p.costs['psychiatric_admission']).toBe((p.extra['bed_days'] as number) * 4_900);
      expect(p.costs['support']).toBe((p.extra['support_hours'] as number) * 420);
    }
  });

  it('is bit-identical for the same seed and differs for another seed', () => {
    const again = simulateTrial({ seed: 11 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(trial));
    const other = simulateTrial({ seed: 12 });
    expect(JSON.stringify(other.measurements)).not.toBe(JSON.stringify(trial.measurements));
  });

  it('keeps who is measured when only the effect size changes (separate random streams)', () => {
    const bigger = simulateTrial({ seed: 11, instruments: { PSP: { effect: 1 } } });
    const key = (t: SimulatedTrial): string => t.measurements.map((m) => `${m.id}/${m.visit}/${m.instrument}/${m.score === null}`).join(',');
    expect(key(bigger)).toBe(key(trial));
    expect(JSON.stringify(bigger.participants)).toBe(JSON.stringify(trial.participants));
    const psp9 = (t: SimulatedTrial): number[] => t.measurements.filter((m) => m.instrument === 'PSP' && m.visit === '9m').map((m) => m.score ?? NaN);
    expect(psp9(bigger)).not.toEqual(psp9(trial));
  });
});

describe('simulateTrial: calibration over 20 seeds', () => {
  const runs = Array.from({ length: 20 }, (_, s) => simulateTrial({ seed: 1000 + s }));
  it('averages 234 and 194 measured, 57 % women and 50 % F2', () => {
    const mean = (f: (t: SimulatedTrial) => number): number => runs.reduce((s, t) => s + f(t), 0) / runs.length;
    const n9 = mean((t) => attendedIds(t, '9m').size);
    const n15 = mean((t) => attendedIds(t, '15m').size);
    expect(Math.abs(n9 - 234)).toBeLessThanOrEqual(binomialBound(293, 234 / 293) / Math.sqrt(20));
    expect(Math.abs(n15 - 194)).toBeLessThanOrEqual(binomialBound(293, 194 / 293) / Math.sqrt(20));
    const women = mean((t) => t.participants.filter((p) => p.sex === 'female').length);
    expect(Math.abs(women - 0.57 * 304)).toBeLessThanOrEqual(binomialBound(304, 0.57) / Math.sqrt(20));
    const f2 = mean((t) => t.participants.filter((p) => p.mainDiagnosis!.startsWith('F2')).length);
    expect(Math.abs(f2 - 152)).toBeLessThanOrEqual(binomialBound(304, 0.5) / Math.sqrt(20));
    for (const t of runs) {
      expect(t.truth.counts.analysed).toBe(293);
      expect(t.truth.counts.groups).toBe(19);
    }
  });
});

describe('simulateTrial: a large trial recovers the truth', () => {
  const big = simulateTrial({ seed: 5, nParticipants: 40_000 });
  const armOf = new Map(big.participants.map((p) => [p.id, p]));
  const scores = (visit: string, pred: (id: string) => boolean): number[] =>
    big.measurements.filter((m) => m.instrument === 'PSP' && m.visit === visit && m.score !== null && pred(m.id)).map((m) => m.score!);
  const meanSe = (x: number[]): [number, number] => {
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    const v = x.reduce((s, y) => s + (y - m) ** 2, 0) / (x.length - 1);
    return [m, Math.sqrt(v / x.length)];
  };
  const diff = (visit: string, pred: (id: string) => boolean = () => true): [number, number] => {
    const [m1, s1] = meanSe(scores(visit, (id) => armOf.get(id)!.arm === 'SFT' && pred(id)));
    const [m0, s0] = meanSe(scores(visit, (id) => armOf.get(id)!.arm === 'control' && pred(id)));
    return [m1 - m0, Math.hypot(s1, s0)];
  };

  it('has a 9-month PSP arm difference within 4 SE of the true 0.3 SD (3.6 points), waning by 15 months', () => {
    const truth9 = big.truth.effects['PSP']!['9m']!;
    expect(truth9.raw).toBeCloseTo(0.3 * 12, 12);
    const [d9, se9] = diff('9m');
    // The test has power: the SE is small next to the effect, so a missing effect would fail.
    expect(se9).toBeLessThan(truth9.raw / 10);
    expect(Math.abs(d9 - truth9.sampleAverageRaw)).toBeLessThan(4 * se9);
    const [d15, se15] = diff('15m');
    expect(Math.abs(d15 - big.truth.effects['PSP']!['15m']!.sampleAverageRaw)).toBeLessThan(4 * se15);
    expect(d15).toBeLessThan(d9 - 4 * Math.hypot(se9, se15));
    // Baseline: randomisation balances the arms.
    const [d0, se0] = diff('baseline');
    expect(Math.abs(d0)).toBeLessThan(4 * se0);
  });

  it('has a larger effect for F2 than for other main diagnoses (modifier 0.15 SD = 1.8 points)', () => {
    const [dF2, seF2] = diff('9m', (id) => armOf.get(id)!.mainDiagnosis!.startsWith('F2'));
    const [dOther, seOther] = diff('9m', (id) => !armOf.get(id)!.mainDiagnosis!.startsWith('F2'));
    const se = Math.hypot(seF2, seOther);
    // Power: without the modifier the difference of differences would be ~0, over 3 SE from 1.8.
    expect(se).toBeLessThan(1.8 / 3);
    expect(Math.abs(dF2 - dOther - 1.8)).toBeLessThan(4 * se);
  });

  it('has a positive attendance slope within the SFT arm (0.1 SD per 10 sessions = 0.12 points per session)', () => {
    const pts: [number, number][] = big.measurements
      .filter((m) => m.instrument === 'PSP' && m.visit === '9m' && m.score !== null && armOf.get(m.id)!.arm === 'SFT')
      .map((m) => [armOf.get(m.id)!.sessionsAttended!, m.score!]);
    const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
    const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    let sxy = 0;
    let sxx = 0;
    for (const [x, y] of pts) {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
    }
    const slope = sxy / sxx;
    let rss = 0;
    for (const [x, y] of pts) rss += (y - my - slope * (x - mx)) ** 2;
    const se = Math.sqrt(rss / (pts.length - 2) / sxx);
    expect(Math.abs(slope - 0.12)).toBeLessThan(4 * se);
    expect(slope).toBeGreaterThan(0);
  });

  it('drops out at random given the baseline: completers had higher baseline PSP', () => {
    const base = new Map(big.measurements.filter((m) => m.instrument === 'PSP' && m.visit === 'baseline' && m.score !== null).map((m) => [m.id, m.score!]));
    const at9 = new Set(big.measurements.filter((m) => m.visit === '9m').map((m) => m.id));
    const stay = [...base].filter(([id]) => at9.has(id)).map(([, s]) => s);
    const gone = [...base].filter(([id]) => !at9.has(id)).map(([, s]) => s);
    const [ms, ss] = meanSe(stay);
    const [mg, sg] = meanSe(gone);
    expect(ms - mg).toBeGreaterThan(4 * Math.hypot(ss, sg));
    // More bed-days in SFT (admission probability 0.24 vs 0.18), right-skewed (mean > median).
    const bed = (arm: string): number[] => big.participants.filter((p) => p.arm === arm).map((p) => p.extra['bed_days'] as number);
    const [b1, sb1] = meanSe(bed('SFT'));
    const [b0, sb0] = meanSe(bed('control'));
    expect(b1 - b0).toBeGreaterThan(3 * Math.hypot(sb1, sb0));
    const cost = big.participants.map((p) => p.costs['psychiatric_admission']!).sort((a, b) => a - b);
    expect(cost.reduce((s, c) => s + c, 0) / cost.length).toBeGreaterThan(cost[Math.floor(cost.length / 2)]!);
  });
});

describe('simulateTrial: configurable sizes', () => {
  it('honours participants, groups, group sizes, sites, visits and retention', () => {
    const t = simulateTrial({
      seed: 3,
      nParticipants: 500,
      nNoData: 0,
      nGroups: 20,
      groupSize: { min: 10, max: 12 },
      nSites: 4,
      visits: [
        { name: 'pre', months: 0, retention: 1, effectMultiplier: 0, controlChange: 0 },
        { name: 'post', months: 3, retention: 0.9, effectMultiplier: 1, controlChange: 0 },
        { name: 'fu6', months: 6, retention: 0.8, effectMultiplier: 0.5, controlChange: 0 },
        { name: 'fu12', months: 12, retention: 0.7, effectMultiplier: 0.2, controlChange: 0 },
      ],
      outcomes: ['PSP', 'WHO5'],
      arms: { control: 'usual', treated: 'groups' },
    });
    expect(t.participants).toHaveLength(500);
    expect(t.design).toMatchObject({ arms: ['usual', 'groups'], visits: ['pre', 'post', 'fu6', 'fu12'], instruments: ['PSP', 'WHO5'] });
    const groups = new Map<string, number>();
    for (const p of t.participants) if (p.group !== null) groups.set(p.group, (groups.get(p.group) ?? 0) + 1);
    expect(groups.size).toBe(20);
    for (const n of groups.values()) expect(n >= 10 && n <= 12).toBe(true);
    expect(new Set(t.participants.map((p) => p.site)).size).toBe(4);
    expect(t.truth.counts.analysed).toBe(500);
    expect(new Set(t.measurements.map((m) => m.instrument))).toEqual(new Set(['PSP', 'WHO5']));
    const n12 = attendedIds(t, 'fu12').size;
    expect(Math.abs(n12 - 350)).toBeLessThanOrEqual(binomialBound(500, 0.7));
  });

  it('derives 19 groups and 9 sites for 304 participants and scales groups with the trial', () => {
    expect(simulateTrial({ seed: 1 }).truth.options.nGroups).toBe(19);
    const t = simulateTrial({ seed: 1, nParticipants: 3040 });
    expect(t.truth.options.nGroups).toBe(190);
    expect(t.truth.options.nSites).toBe(9);
    expect(t.truth.options.nNoData).toBe(110);
  });
});

describe('simulateTrial: bad options', () => {
  const bad: [string, unknown, string][] = [
    ['options.nParticipants', { nParticipants: 0 }, 'a whole number from 2'],
    ['options.nParticipants', { nParticipants: 10.5 }, 'whole number'],
    ['options.groupSize.max', { groupSize: { min: 9, max: 7 } }, 'at least options.groupSize.min'],
    ['options.nGroups', { nGroups: 40 }, 'at least one control'],
    ['options.nSites', { nSites: 20 }, 'from 1 to 19'],
    ['options.nParticipant', { nParticipant: 300 }, 'no such option'],
    ['options.visits[1].retention', { visits: [{ name: 'b', months: 0 }, { name: 'f', months: 9, retention: 1.2 }] }, 'from 0 to 1'],
    [
      'options.visits[2].retention',
      { visits: [{ name: 'b', months: 0 }, { name: 'f', months: 9, retention: 0.5 }, { name: 'g', months: 12, retention: 0.7 }] },
      'monotone',
    ],
    ['options.visits[0].effectMultiplier', { visits: [{ name: 'b', months: 0, effectMultiplier: 1 }] }, '0 for the first'],
    ['options.ageBands', { ageBands: [{ min: 18, max: 30, share: 0.5 }] }, 'summing to 1'],
    ['options.diagnosisShares', { diagnosisShares: { F2: 0.9 } }, 'summing to 1'],
    ['options.outcomes[0]', { outcomes: ['PHQ9'] }, 'one of PSP'],
    ['options.instruments.PSP.sd', { instruments: { PSP: { sd: -1 } } }, 'a finite number'],
    ['options.femaleShare', { femaleShare: 57 }, 'a probability'],
    ['options.groupStarts.from', { groupStarts: { from: '2015-02-30' } }, 'calendar date'],
    ['options.seed', { seed: Number.NaN }, 'a finite number'],
    ['options.costs.operation', { costs: { operation: 90_000 } }, 'within options.costs.operationRange'],
    ['options.costs.operationRange.max', { costs: { operationRange: { min: 5, max: 1 } } }, '≥ 5'],
    // Register outcomes (tests/simulate/register.test.ts).
    ['options.register.stat', { register: { stat: {} } }, 'no such option'],
    ['options.register.status.intercepts.12m', { register: { status: { intercepts: { '12m': {} } } } }, 'no such option'],
    ['options.register.status.treatedShift.baseline', { register: { status: { treatedShift: { baseline: {} } } } }, 'no such option'],
    ['options.register.status.age10.rehabilitation', { register: { status: { age10: { rehabilitation: Number.NaN } } } }, 'a finite number'],
    ['options.register.status.participantSd.workOrEducation', { register: { status: { participantSd: { workOrEducation: -1 } } } }, 'from 0 to 5'],
    ['options.register.admissions.rate.treated', { register: { admissions: { rate: { treated: 100 } } } }, 'from 0 to 20'],
    ['options.register.admissions.theta', { register: { admissions: { theta: 0 } } }, 'from 0.05'],
    ['options.register.admissions.leftRegisterShare', { register: { admissions: { leftRegisterShare: 1.5 } } }, 'from 0 to 1'],
    ['options.register.bedDays.longShare.control', { register: { bedDays: { longShare: { control: -0.1 } } } }, 'from 0 to 1'],
    ['options.register.bedDays.longLogMean', { register: { bedDays: { longLogMean: 1 } } }, 'at least options.register.bedDays.shortLogMean'],
    ['options.register', { register: 5 }, 'an options object'],
    ['options.register.costsFromRegister', { register: { costsFromRegister: 'yes' } }, 'true or false'],
    ['options.costs.bedDaysLogMean', { costs: { bedDaysLogMean: 3 }, register: { costsFromRegister: true } }, 'costsFromRegister is true'],
  ];
  it.each(bad)('rejects %s', (argument, options, expected) => {
    const err = argumentError(() => simulateTrial(options as never), argument);
    expect(err.expected).toContain(expected);
    expect(err.message).toContain(argument);
  });
});

describe('simulateTrialData', () => {
  it('returns validated trial data with the truth', async () => {
    const { simulateTrialData } = await import('../../src/simulate/trial-data.js');
    const { isTrialData } = await import('../../src/data/validate.js');
    const { data, truth } = simulateTrialData({ seed: 3 });
    expect(isTrialData(data)).toBe(true);
    expect(data.summary.nParticipants).toBe(304);
    expect(truth.counts.analysed).toBe(293);
    expect(data.design.ungroupedArms).toEqual(['control']);
  });
});

describe('simulateTrial: leap days', () => {
  it('keeps the drawn age when randomisation falls on 29 February', () => {
    const t = simulateTrial({ seed: 4, nParticipants: 400, groupStarts: { from: '2016-03-10', to: '2016-04-05' } });
    const leap = t.participants.filter((p) => p.randomisationDate === '2016-02-29');
    expect(leap.length).toBeGreaterThan(0);
    for (const p of t.participants) expect(p.age!).toBeGreaterThanOrEqual(18);
  });
});

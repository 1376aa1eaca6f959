/**
 * A small trial whose descriptive statistics are worked out by hand in the tests: four
 * controls (one never measured, one with only a missing score) and four SFT participants.
 */
import { validateTrial } from '../../src/data/validate.js';
import type { TrialData } from '../../src/data/types.js';

export function handTrial(): TrialData {
  const p = (id: string, arm: string, sex: string | null, age: number | null, main: string | null, diagnosisDate: string | null, group: string | null = null) => ({
    id,
    arm,
    group,
    site: 'M1',
    sex,
    age,
    randomisationDate: '2015-01-01',
    diagnoses: main === null ? [] : [main],
    mainDiagnosis: main,
    diagnosisDate,
  });
  const m = (id: string, visit: string, instrument: string, score: number | null, items: number[] | null = null) => ({ id, visit, instrument, score, items });
  return validateTrial(
    {
      participants: [
        p('c1', 'control', 'female', 30, 'F20.0', '2010-01-01'),
        p('c2', 'control', 'male', 50, 'F33.2', '2014-01-01'),
        p('c3', 'control', 'female', 19, 'F41.1', null),
        p('c4', 'control', null, null, null, null),
        p('s1', 'SFT', 'female', 25, 'F20.0', '2013-01-01', 'g1'),
        p('s2', 'SFT', 'female', 34, 'F60.3', '2005-01-01', 'g1'),
        p('s3', 'SFT', 'male', 45, 'F43.1', '2015-01-01', 'g1'),
        p('s4', 'SFT', 'female', 60, 'F22.0', '1995-01-01', 'g1'),
      ],
      measurements: [
        m('c1', 'baseline', 'PSP', 50),
        m('c2', 'baseline', 'PSP', null),
        m('c3', 'baseline', 'PSP', 70),
        m('c1', '9m', 'PSP', 55),
        m('c3', '9m', 'PSP', 75),
        m('s1', 'baseline', 'PSP', 30),
        m('s2', 'baseline', 'PSP', 40),
        m('s3', 'baseline', 'PSP', 50),
        m('s4', 'baseline', 'PSP', 60),
        m('s1', '9m', 'PSP', 42),
        m('s1', 'baseline', 'WHO5', 40, [2, 2, 2, 2, 2]),
      ],
    },
    { design: { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP', 'WHO5'], ungroupedArms: ['control'] } },
  );
}

/**
 * The instruments of the SFT trial. Every number here is cited in docs/instruments.md,
 * which also says why one value was chosen where the literature disagrees. Numbers that
 * are not published (or could not be verified) are `null`; the user supplies them.
 */
import type { InstrumentDefinition, LevelBand, Reference } from './types.js';

const MOROSINI_2000: Reference = {
  citation:
    'Morosini PL, Magliano L, Brambilla L, Ugolini S, Pioli R (2000). Development, reliability and acceptability of a new version of the DSM-IV Social and Occupational Functioning Assessment Scale (SOFAS) to assess routine social functioning. Acta Psychiatrica Scandinavica 101(4):323–329.',
};

const NASRALLAH_2008: Reference = {
  citation:
    'Nasrallah H, Morosini P, Gagnon DD (2008). Reliability, validity and ability to detect change of the Personal and Social Performance scale in patients with stable schizophrenia. Psychiatry Research 161(2):213–224.',
  doi: '10.1016/j.psychres.2007.11.012',
};

const PATRICK_2009: Reference = {
  citation:
    'Patrick DL, et al. (2009). Reliability, validity and ability to detect change of the clinician-rated Personal and Social Performance scale in patients with acute symptoms of schizophrenia. Current Medical Research and Opinion 25:325–338.',
  doi: '10.1185/03007990802611919',
};

const KAWATA_2008: Reference = {
  citation:
    'Kawata AK, Revicki DA (2008). Psychometric properties of the Personal and Social Performance scale (PSP) among individuals with schizophrenia living in the community. Quality of Life Research 17(10):1247–1256.',
  doi: '10.1007/s11136-008-9400-z',
};

const ARMSTRONG_2014: Reference = {
  citation:
    'Armstrong NP, Cohen AN, Hellemann G, Reist C, Young AS (2014). Validating a brief version of the Mental Health Recovery Measure for individuals with schizophrenia. Psychiatric Services (published online 1 September 2014).',
  doi: '10.1176/appi.ps.201300215',
};

const YOUNG_APHA_2013: Reference = {
  citation:
    'Young AS, Armstrong N, Cohen A, Hellemann G, Reist C (2013). Validating a brief measure of mental health recovery. American Public Health Association 141st Annual Meeting, abstract 292522 (same sample as Armstrong et al. 2014: full 30-item MHRM alpha = .94; prior non-veteran samples .93 and .95).',
  url: 'https://apha.confex.com/apha/141am/webprogram/Paper292522.html',
};

const YOUNG_BULLOCK: Reference = {
  citation:
    'Young SL, Bullock WA. The Mental Health Recovery Measure (MHRM): 30 items, 5-point agreement scale; described in Measuring the Promise: A Compendium of Recovery Measures, Vol. II (Human Services Research Institute, 2005).',
};

const TOPP_2015: Reference = {
  citation:
    'Topp CW, Østergaard SD, Søndergaard S, Bech P (2015). The WHO-5 Well-Being Index: a systematic review of the literature. Psychotherapy and Psychosomatics 84(3):167–176.',
  doi: '10.1159/000376585',
};

const WHO5_DANISH_RETEST: Reference = {
  citation:
    'Schougaard LMV, et al. (2018). Test-retest reliability and measurement error of the Danish WHO-5 Well-being Index in outpatients with epilepsy. Health and Quality of Life Outcomes 16.',
  doi: '10.1186/s12955-018-1001-0',
};

const KONG_2016: Reference = {
  citation:
    'Kong CL, Lee CC, Ip YC, Chow LP, Leung CH, Lam YC (2016). Validation of the Hong Kong Cantonese version of World Health Organization Five Well-Being Index for people with severe mental illness. East Asian Archives of Psychiatry 26:18–21.',
};

const WHO5_SCORING: Reference = {
  citation:
    'WHO-5 scoring guidance of the Psychiatric Research Unit, Mental Health Centre North Zealand (the developers): raw score 0–25 multiplied by 4; ≤50 poor wellbeing, ≤28 likely depression. Cut-off ≤50 as a depression screen reviewed in Topp et al. (2015).',
};

const JENSEN_2021_VALUESET: Reference = {
  citation:
    'Jensen CE, Sørensen SS, Gudex C, et al. (2021). The Danish EQ-5D-5L value set: a hybrid model using cTTO and DCE data. Applied Health Economics and Health Policy 19(4):579–591.',
  doi: '10.1007/s40258-021-00639-3',
};

const JENSEN_NORMS: Reference = {
  citation:
    'Jensen MB, Jensen CE, Gudex C, Pedersen KM, Sørensen SS, Ehlers LH. Danish population health measured by the EQ-5D-5L (Danish 5L valuation-study sample, n = 1014).',
  url: 'https://portal.findresearcher.sdu.dk/en/publications/danish-population-health-measured-by-the-eq-5d-5l',
};

const KONIG_2007: Reference = {
  citation:
    'König HH, et al. (2007). Validity of the EQ-5D in assessing and valuing health status in patients with schizophrenic, schizotypal or delusional disorders. European Psychiatry 22(3):177–187.',
  doi: '10.1016/j.eurpsy.2006.08.004',
};

const BUCHHOLZ_2018: Reference = {
  citation:
    'Buchholz I, Janssen MF, Kohlmann T, Feng YS (2018). A systematic review of studies comparing the measurement properties of the three-level and five-level versions of the EQ-5D. PharmacoEconomics (2018).',
  doi: '10.1007/s40273-018-0642-5',
};

/** PSP's ten 10-point intervals 1–10 … 91–100 (Morosini et al. 2000). */
function pspLevels(): LevelBand[] {
  const bands: LevelBand[] = [];
  for (let k = 0; k < 10; k++) bands.push({ label: `${k * 10 + 1}–${k * 10 + 10}`, min: k * 10 + 1, max: k * 10 + 10 });
  return bands;
}

/** Personal and Social Performance scale. */
export const PSP: InstrumentDefinition = {
  id: 'PSP',
  name: 'Personal and Social Performance scale',
  construct: 'personal and social functioning (clinician-rated)',
  range: { min: 1, max: 100 },
  step: 1,
  direction: 'higher-better',
  levels: pspLevels(),
  reliability: {
    value: 0.79,
    kind: 'test-retest',
    statistic: 'ICC',
    population: 'outpatients with stable schizophrenia (pooled from two antipsychotic trials)',
    n: 411,
    source: NASRALLAH_2008,
  },
  otherReliabilities: [
    {
      value: 0.87,
      kind: 'inter-rater',
      statistic: 'ICC',
      population: 'patients with acute symptoms of schizophrenia (non-interventional validation study)',
      n: 299,
      source: PATRICK_2009,
    },
    {
      value: 0.76,
      kind: 'internal-consistency',
      statistic: "Cronbach's alpha",
      population: 'community-dwelling outpatients with schizophrenia, United States',
      n: 129,
      source: KAWATA_2008,
    },
  ],
  norms: { clinical: null, functional: null },
  // Morosini et al. (2000)'s bands: 71–100 mild difficulties only, 31–70 manifest disability of
  // varying degree, ≤ 30 functioning so poor that intensive support or supervision is needed.
  cutoffs: [
    { label: 'manifest disability (31–70) or worse', value: 70, rule: 'at-or-below', source: MOROSINI_2000 },
    { label: 'poor functioning needing intensive support', value: 30, rule: 'at-or-below', source: MOROSINI_2000 },
  ],
  minimalImportantDifference: { value: 7, source: NASRALLAH_2008 },
  items: null,
  references: [MOROSINI_2000, NASRALLAH_2008, PATRICK_2009, KAWATA_2008],
  notes:
    'Rated 1–100 within 10-point intervals from four domains (socially useful activities, relationships, self-care, disturbing and aggressive behaviour). The domain ratings do not sum to the total, so no item scoring is defined.',
};

/** Mental Health Recovery Measure (30 items). */
export const MHRM: InstrumentDefinition = {
  id: 'MHRM',
  name: 'Mental Health Recovery Measure',
  construct: 'personal recovery (self-report)',
  range: { min: 0, max: 120 },
  step: 1,
  direction: 'higher-better',
  levels: null,
  reliability: {
    value: 0.94,
    kind: 'internal-consistency',
    statistic: "Cronbach's alpha",
    population: 'veterans with schizophrenia or schizoaffective disorder, 8 VA medical centres',
    n: 795,
    source: YOUNG_APHA_2013,
  },
  otherReliabilities: [],
  norms: { clinical: null, functional: null },
  cutoffs: [],
  minimalImportantDifference: null,
  items: { count: 30, min: 0, max: 4, step: 1, total: 'sum', multiplier: 1 },
  references: [YOUNG_BULLOCK, ARMSTRONG_2014, YOUNG_APHA_2013],
  notes:
    'Thirty statements rated 0–4 (strongly disagree … strongly agree); the total is their sum. Only an internal-consistency coefficient is published for the total; no test–retest value was found.',
};

/** WHO-5 Well-Being Index (percentage score 0–100). */
export const WHO5: InstrumentDefinition = {
  id: 'WHO5',
  name: 'WHO-5 Well-Being Index',
  construct: 'subjective psychological wellbeing (self-report)',
  range: { min: 0, max: 100 },
  step: 4,
  direction: 'higher-better',
  levels: null,
  reliability: {
    value: 0.81,
    kind: 'test-retest',
    statistic: 'ICC',
    population: 'Danish outpatients with epilepsy, median 22 days between tests',
    n: 554,
    source: WHO5_DANISH_RETEST,
  },
  otherReliabilities: [
    {
      value: 0.86,
      kind: 'internal-consistency',
      statistic: "Cronbach's alpha",
      population: 'people with severe mental illness, Hong Kong',
      n: 84,
      source: KONG_2016,
    },
  ],
  norms: { clinical: null, functional: null },
  cutoffs: [
    { label: 'poor wellbeing', value: 50, rule: 'at-or-below', source: WHO5_SCORING },
    { label: 'likely depression', value: 28, rule: 'at-or-below', source: WHO5_SCORING },
  ],
  minimalImportantDifference: null,
  items: { count: 5, min: 0, max: 5, step: 1, total: 'sum', multiplier: 4 },
  references: [TOPP_2015, WHO5_DANISH_RETEST, KONG_2016],
  notes:
    'Five items rated 0–5; raw score 0–25 multiplied by 4 gives the percentage score 0–100 used here, so totals are multiples of 4. A raw (0–25) score is not accepted: multiply by 4 first.',
};

/** EQ-5D index (utility) from a national value set. */
export const EQ5D_INDEX: InstrumentDefinition = {
  id: 'EQ5D_INDEX',
  name: 'EQ-5D index (utility)',
  construct: 'health-related quality of life, preference-weighted (self-report)',
  range: { min: -0.758, max: 1 },
  step: null,
  direction: 'higher-better',
  levels: null,
  reliability: null,
  otherReliabilities: [],
  norms: {
    clinical: null,
    functional: {
      mean: 0.9,
      sd: 0.16,
      n: 1014,
      population: 'Danish general adult population, EQ-5D-5L with the Danish 5L value set',
      source: JENSEN_NORMS,
    },
  },
  cutoffs: [],
  minimalImportantDifference: null,
  items: null,
  references: [JENSEN_2021_VALUESET, JENSEN_NORMS, BUCHHOLZ_2018],
  notes:
    'The range is that of the Danish EQ-5D-5L value set: the paper reports −0.757 to 1 (Jensen et al. 2021), while its published rounded weights give 1 − 1.758 = −0.758 for state 55555, so −0.758 is the minimum accepted. An index from another value set has another minimum: redefine EQ5D_INDEX with that range. No test–retest reliability is registered: the evidence is mixed (Buchholz et al. 2018), so supply one from a study of your population before computing reliable change.',
};

/** EQ-5D visual analogue scale. */
export const EQ5D_VAS: InstrumentDefinition = {
  id: 'EQ5D_VAS',
  name: 'EQ-5D visual analogue scale (EQ VAS)',
  construct: 'self-rated overall health today',
  range: { min: 0, max: 100 },
  step: 1,
  direction: 'higher-better',
  levels: null,
  reliability: null,
  otherReliabilities: [],
  norms: {
    clinical: {
      mean: 65.7,
      sd: null,
      n: 166,
      population: 'patients with schizophrenic, schizotypal or delusional disorders (ICD-10 F2), Germany',
      source: KONIG_2007,
    },
    functional: null,
  },
  cutoffs: [],
  minimalImportantDifference: null,
  items: null,
  references: [KONIG_2007, BUCHHOLZ_2018],
  notes: 'Scored 0 (worst imaginable health) to 100 (best imaginable health) in whole points.',
};

/** The bundled definitions, in the order the registry lists them. */
export const defaultInstrumentDefinitions: readonly InstrumentDefinition[] = [PSP, MHRM, WHO5, EQ5D_INDEX, EQ5D_VAS];

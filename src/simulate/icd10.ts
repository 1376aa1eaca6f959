/**
 * ICD-10 codes the generator draws from, by diagnosis chapter. Every code lies within the
 * SFT inclusion list (F20–F29; F30, F31, F33.2, F33.3, F34; F40–F45 except F43.0 and F43.2;
 * F60–F69). The weights are plausible frequencies for adults in Danish §85 housing support
 * (paranoid schizophrenia, recurrent depression, PTSD/anxiety and emotionally unstable
 * personality disorder dominate their chapters); they shape realism only, no analysis
 * depends on them.
 */

/** Main diagnosis chapters the SFT evaluation grouped participants by. */
export type DiagnosisChapter = 'F2' | 'F3' | 'F4' | 'F6';

/** The chapters in the order the generator and its options use. */
export const DIAGNOSIS_CHAPTERS: readonly DiagnosisChapter[] = ['F2', 'F3', 'F4', 'F6'];

/** Codes of each chapter with relative weights (need not sum to 1). */
export const ICD10_POOLS: Readonly<Record<DiagnosisChapter, readonly (readonly [code: string, weight: number])[]>> = {
  F2: [
    ['F20.0', 45],
    ['F20.1', 3],
    ['F20.3', 4],
    ['F20.5', 6],
    ['F20.9', 4],
    ['F21', 6],
    ['F22.0', 8],
    ['F23.1', 3],
    ['F25.0', 5],
    ['F25.1', 4],
    ['F25.2', 4],
    ['F28', 3],
    ['F29', 5],
  ],
  F3: [
    ['F30.1', 3],
    ['F31.3', 10],
    ['F31.4', 10],
    ['F31.6', 6],
    ['F31.7', 12],
    ['F33.2', 30],
    ['F33.3', 12],
    ['F34.1', 17],
  ],
  F4: [
    ['F40.0', 8],
    ['F40.1', 15],
    ['F41.0', 12],
    ['F41.1', 15],
    ['F41.2', 10],
    ['F42.2', 10],
    ['F43.1', 18],
    ['F44.8', 4],
    ['F45.0', 4],
    ['F45.4', 4],
  ],
  F6: [
    ['F60.3', 50],
    ['F60.1', 7],
    ['F60.2', 5],
    ['F60.6', 12],
    ['F60.7', 6],
    ['F60.8', 4],
    ['F61', 12],
    ['F62.0', 4],
  ],
};

/** Chapter (F2/F3/F4/F6) of a code from the pools above, or `null` for anything else. */
export function chapterOf(code: string): DiagnosisChapter | null {
  const m = /^F([2346])/.exec(code);
  return m ? (`F${m[1]}` as DiagnosisChapter) : null;
}

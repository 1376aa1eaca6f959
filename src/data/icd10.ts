/**
 * ICD-10 code normalisation. Codes are stored upper case with a dot after the three-character
 * category (`F20.0`, `F33.2`, `F34`), whichever way they were written.
 */

// A letter, two digits, then an optional subdivision of 1–4 characters with or without the
// dot (national extensions such as ICD-10-CM or the Danish SKS use up to four).
const ICD10_RE = /^([A-Z])(\d{2})(?:\.?([0-9A-Z]{1,4}))?$/;

/**
 * Normalise an ICD-10 code: trims, upper-cases, drops inner spaces, inserts the dot, and
 * drops the `D` prefix of Danish SKS codes (`DF200` → `F20.0`). Returns `null` when the text
 * is not an ICD-10 code.
 * @example
 * normaliseIcd10('f200'); // 'F20.0'
 * normaliseIcd10('DF33.2'); // 'F33.2'
 * normaliseIcd10('F2'); // null
 */
export function normaliseIcd10(code: string): string | null {
  if (typeof code !== 'string') return null;
  let s = code.trim().toUpperCase().replace(/\s+/g, '');
  // SKS codes put a chapter letter "D" (diagnosis) before the ICD-10 code; a letter followed
  // by another letter is never an ICD-10 code, so dropping it is unambiguous.
  if (s.length > 1 && s[0] === 'D' && s[1]! >= 'A' && s[1]! <= 'Z') s = s.slice(1);
  const m = ICD10_RE.exec(s);
  if (!m) return null;
  return m[3] ? `${m[1]}${m[2]}.${m[3]}` : `${m[1]}${m[2]}`;
}

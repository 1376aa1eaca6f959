/** A small hand-made trial for the attendance analyses' unit tests. */
import { validateTrial } from '../../src/data/validate.js';
import { createRng } from '../../src/random/rng.js';

export interface SmallTrialOptions {
  seed?: number;
  /** Override participant fields by index (after generation). */
  edit?: (participants: Record<string, unknown>[]) => void;
  /** Attendance of treated participant i. @defaultValue 10 + (i · 7) mod 27 */
  attendance?: (i: number) => number | null;
  nTreated?: number;
  nControl?: number;
}

export const DESIGN = { arms: ['control', 'SFT'], visits: ['baseline', '9m'], instruments: ['PSP'], ungroupedArms: ['control'] };

export function smallTrialInput(options: SmallTrialOptions = {}) {
  const rng = createRng(options.seed ?? 5);
  const nT = options.nTreated ?? 40;
  const nC = options.nControl ?? 36;
  const participants: Record<string, unknown>[] = [];
  const measurements: Record<string, unknown>[] = [];
  for (let i = 0; i < nT + nC; i++) {
    const treated = i < nT;
    const id = `P${String(i + 1).padStart(3, '0')}`;
    const attended = treated ? (options.attendance ? options.attendance(i) : 10 + ((i * 7) % 27)) : null;
    participants.push({
      id,
      arm: treated ? 'SFT' : 'control',
      group: treated ? `G${(i % 5) + 1}` : null,
      sex: i % 3 === 0 ? 'male' : 'female',
      age: 20 + ((i * 11) % 45),
      sessions_attended: attended,
      sessions_offered: treated ? 36 : null,
    });
    const base = Math.round(48 + 10 * rng.normal());
    const y = Math.round(24 + 0.5 * base + (treated ? 2 + 0.1 * (attended ?? 0) : 0) + 6 * rng.normal());
    measurements.push({ id, visit: 'baseline', instrument: 'PSP', score: base });
    measurements.push({ id, visit: '9m', instrument: 'PSP', score: i % 13 === 5 ? null : y });
  }
  options.edit?.(participants);
  return { participants, measurements };
}

export function smallTrial(options: SmallTrialOptions = {}) {
  return validateTrial(smallTrialInput(options), { design: DESIGN });
}

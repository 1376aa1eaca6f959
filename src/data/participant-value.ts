/** A participant's value of a covariate named as a user names it: a canonical field or an extra column. */
import type { Participant } from './types.js';

/** `sex`, `age` and `site` from the participant's fields, any other name from its extra columns (null when absent). */
export function participantValue(p: Participant, name: string): string | number | boolean | null {
  switch (name) {
    case 'sex':
      return p.sex;
    case 'age':
      return p.age;
    case 'site':
      return p.site;
    default:
      return p.extra[name] ?? null;
  }
}

/**
 * Calendar arithmetic on ISO `YYYY-MM-DD` strings, done on the digits so that no time zone
 * or daylight-saving shift can move a date by a day.
 */

/**
 * Completed years from `from` to `to` (an age at a date): the birthday counts on its day.
 * Both arguments must be valid ISO dates (see `isCalendarDate`).
 * @example
 * completedYears('1990-06-15', '2015-06-14'); // 24
 * completedYears('1990-06-15', '2015-06-15'); // 25
 */
export function completedYears(from: string, to: string): number {
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  // 'MM-DD' strings compare in calendar order; a 29 February birthday counts on 1 March.
  return to.slice(5) < from.slice(5) ? years - 1 : years;
}

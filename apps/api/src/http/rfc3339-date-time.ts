/**
 * The one timestamp form the API accepts, in bodies and query parameters alike: an RFC 3339 date-time with an offset
 * (`2026-11-20T08:30:00Z`, `2026-11-20T10:30:00.250+02:00`). ISO 8601's other forms (week and ordinal dates, local
 * times without an offset, bare dates) are refused: they are ambiguous or read differently by different parsers, and
 * `Date` cannot read some of them at all.
 */
export const RFC3339_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export const RFC3339_DESCRIPTION =
  'an RFC 3339 date-time with an offset, Z or ±hh:mm (e.g. 2026-11-20T08:30:00Z); no leap seconds; years 0000–9999 in UTC';

// Every stored time is a 24-character `toISOString()` that sorts as text; years outside 0000–9999 would not.
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The instant a date-time in the accepted form names, or null (wrong form, no such calendar day, out of range). */
export const parseRfc3339DateTime = (value: unknown): Date | null => {
  if (typeof value !== 'string') return null;
  const match = RFC3339_DATE_TIME.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return null;
  // `Date` rolls 30 February over into March instead of refusing it.
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1])) return null;
  const ms = Date.parse(value);
  return ms >= EARLIEST && ms <= LATEST ? new Date(ms) : null;
};

import fc from 'fast-check';
import { parseRfc3339DateTime } from './rfc3339-date-time';

describe('the one accepted timestamp form', () => {
  it.each([
    ['2026-11-20T08:30:00Z', '2026-11-20T08:30:00.000Z'],
    ['2026-11-20T10:30:00.250+02:00', '2026-11-20T08:30:00.250Z'],
    ['2026-11-20T08:30:00.123456789-00:00', '2026-11-20T08:30:00.123Z'],
    ['2024-02-29T23:59:59+23:59', '2024-02-29T00:00:59.000Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (text, instant) => expect(parseRfc3339DateTime(text)?.toISOString()).toBe(instant));

  it.each([
    ['an ISO week date', '2026-W48-1'],
    ['an ISO ordinal date', '2026-333'],
    ['a bare date', '2026-11-20'],
    ['a local time', '2026-11-20T08:30:00'],
    ['lower-case separators', '2026-11-20t08:30:00z'],
    ['a space for T', '2026-11-20 08:30:00Z'],
    ['an offset without a colon', '2026-11-20T08:30:00+0200'],
    ['an hour 24', '2026-11-20T24:00:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['29 February of a common year', '2026-02-29T00:00:00Z'],
    ['31 April', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['day 0', '2026-11-00T00:00:00Z'],
    ['an expanded year', '+002026-11-20T08:30:00Z'],
    ['more than nine fractional digits', '2026-11-20T08:30:00.1234567890Z'],
    ['an instant before year 0000 in UTC', '0000-01-01T00:00:00+01:00'],
    ['an instant after year 9999 in UTC', '9999-12-31T23:59:59-05:00'],
    ['a number', 1795161600000],
    ['nothing', undefined],
  ])('refuses %s', (_, value) => expect(parseRfc3339DateTime(value)).toBeNull());

  it('reads back every instant written in the form, at any offset', () => {
    fc.assert(fc.property(
      fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      (date, offsetMinutes) => {
        const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const hh = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
        const mm = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
        expect(parseRfc3339DateTime(`${local}${sign}${hh}:${mm}`)?.getTime()).toBe(date.getTime());
      },
    ));
  });
});

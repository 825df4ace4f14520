import { describe, expect, it } from 'vitest';
import {
  isMarketOpen,
  isTradingDay,
  marketDay,
  marketDays,
  marketStatus,
  newYorkDate,
  nextClose,
  nextOpen,
} from './calendar';

const utc = (iso: string) => Date.parse(iso);

describe('NYSE calendar', () => {
  it('knows the 2025–2026 holidays', () => {
    for (const date of [
      '2025-01-01',
      '2025-01-09', // national day of mourning for President Carter
      '2025-04-18', // Good Friday
      '2025-06-19',
      '2025-07-04',
      '2025-11-27',
      '2025-12-25',
      '2026-04-03', // Good Friday
      '2026-06-19',
      '2026-07-03', // Independence Day observed (July 4 is a Saturday)
      '2026-11-26',
      '2026-12-25',
    ]) {
      expect(isTradingDay(date), date).toBe(false);
      expect(marketDay(date), date).toBeNull();
    }
    expect(marketStatus(utc('2025-01-09T15:00:00Z')).reason).toBe(
      'holiday: National Day of Mourning for President Carter',
    );
    expect(marketStatus(utc('2026-04-03T15:00:00Z')).reason).toBe('holiday: Good Friday');
  });

  it('closes at 13:00 New York on early-close days', () => {
    for (const [date, closeUtc] of [
      ['2025-07-03', '2025-07-03T17:00:00.000Z'],
      ['2025-11-28', '2025-11-28T18:00:00.000Z'],
      ['2025-12-24', '2025-12-24T18:00:00.000Z'],
      ['2026-11-27', '2026-11-27T18:00:00.000Z'],
      ['2026-12-24', '2026-12-24T18:00:00.000Z'],
    ] as const) {
      const day = marketDay(date)!;
      expect(day.earlyClose, date).toBe(true);
      expect(new Date(day.close).toISOString(), date).toBe(closeUtc);
      expect(isMarketOpen(day.close - 1)).toBe(true);
      expect(isMarketOpen(day.close)).toBe(false);
    }
    // No early close before an Independence Day observed on the Friday.
    expect(marketDay('2026-07-02')!.earlyClose).toBe(false);
    expect(marketDay('2025-07-02')!.earlyClose).toBe(false);
  });

  it('follows the DST changes: 09:30 New York is 14:30 UTC in winter and 13:30 UTC in summer', () => {
    const openUtc = (date: string) => new Date(marketDay(date)!.open).toISOString().slice(11, 16);
    // 2025-03-09 and 2026-03-08 are Sundays: the Friday before is winter time, the Monday after summer time.
    expect(openUtc('2025-03-07')).toBe('14:30');
    expect(openUtc('2025-03-10')).toBe('13:30');
    expect(openUtc('2025-10-31')).toBe('13:30');
    expect(openUtc('2025-11-03')).toBe('14:30'); // after 2025-11-02
    expect(openUtc('2026-03-06')).toBe('14:30');
    expect(openUtc('2026-03-09')).toBe('13:30');
    expect(openUtc('2026-10-30')).toBe('13:30');
    expect(openUtc('2026-11-02')).toBe('14:30'); // after 2026-11-01
    expect(new Date(marketDay('2025-07-07')!.close).toISOString()).toBe('2025-07-07T20:00:00.000Z');
    expect(new Date(marketDay('2025-12-08')!.close).toISOString()).toBe('2025-12-08T21:00:00.000Z');
  });

  it('answers open/closed with the next open and close, and why it is closed', () => {
    // Monday 2025-03-10, 13:30 UTC = 09:30 New York.
    expect(marketStatus(utc('2025-03-10T13:29:59Z'))).toEqual({
      isOpen: false,
      nextOpen: utc('2025-03-10T13:30:00Z'),
      nextClose: utc('2025-03-10T20:00:00Z'),
      earlyClose: false,
      reason: 'before open',
    });
    expect(marketStatus(utc('2025-03-10T13:30:00Z'))).toEqual({
      isOpen: true,
      nextOpen: utc('2025-03-11T13:30:00Z'),
      nextClose: utc('2025-03-10T20:00:00Z'),
      earlyClose: false,
    });
    expect(marketStatus(utc('2025-03-10T20:00:00Z')).reason).toBe('after close');
    // Saturday: next open is Monday's.
    const saturday = marketStatus(utc('2025-03-08T15:00:00Z'));
    expect(saturday.reason).toBe('weekend');
    expect(saturday.nextOpen).toBe(utc('2025-03-10T13:30:00Z'));
    // Wednesday 2025-12-24 early close, then Christmas, then Friday.
    const christmasEve = marketStatus(utc('2025-12-24T17:00:00Z'));
    expect(christmasEve).toMatchObject({
      isOpen: true,
      earlyClose: true,
      nextClose: utc('2025-12-24T18:00:00Z'),
    });
    expect(christmasEve.nextOpen).toBe(utc('2025-12-26T14:30:00Z'));
    expect(nextOpen(utc('2025-12-24T19:00:00Z'))).toBe(utc('2025-12-26T14:30:00Z'));
    expect(nextClose(utc('2025-12-24T19:00:00Z'))).toBe(utc('2025-12-26T21:00:00Z'));
    // Late Friday evening New York is already Saturday in UTC: the New York date decides.
    expect(newYorkDate(utc('2025-03-08T02:00:00Z'))).toBe('2025-03-07');
    expect(marketStatus(utc('2025-03-08T02:00:00Z')).reason).toBe('after close');
  });

  it('lists sessions between dates', () => {
    const january = marketDays('2025-01-01', '2025-01-31');
    expect(january).toHaveLength(20); // 23 weekdays − New Year, Carter, MLK
    expect(january[0]!.date).toBe('2025-01-02');
    expect(january.map((d) => d.date)).not.toContain('2025-01-09');
    expect(marketDays('2025-01-01', '2027-12-31')).toHaveLength(250 + 251 + 251); // 261 weekdays a year less 11, 10, 10 holidays
    expect(marketDays('2025-02-01', '2025-01-01')).toEqual([]);
  });

  it('refuses to guess outside 2025–2027 and rejects malformed dates', () => {
    expect(() => marketDay('2024-12-31')).toThrow(/covers 2025–2027/);
    expect(() => isMarketOpen(utc('2028-01-03T15:00:00Z'))).toThrow(/covers 2025–2027/);
    expect(() => nextOpen(utc('2027-12-31T22:00:00Z'))).toThrow(/No session open after/);
    expect(() => marketDays('2025-1-1', '2025-02-01')).toThrow(/YYYY-MM-DD/);
    expect(() => marketDay('2025-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => isMarketOpen(Number.NaN)).toThrow(/Invalid instant/);
  });
});

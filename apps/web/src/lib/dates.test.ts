import { describe, expect, it } from 'vitest';
import { fromDateInput, toDateInput } from './dates';

describe('date inputs in UTC', () => {
  it('round-trips a day', () => {
    const ms = Date.UTC(2018, 0, 10);
    expect(toDateInput(ms + 5 * 3_600_000)).toBe('2018-01-10');
    expect(fromDateInput('2018-01-10')).toBe(ms);
  });

  it('gives the last millisecond of the day for an end date', () => {
    expect(fromDateInput('2018-01-10', { endOfDay: true })).toBe(Date.UTC(2018, 0, 11) - 1);
  });

  it('rejects text that is not a calendar date', () => {
    expect(fromDateInput('')).toBeNull();
    expect(fromDateInput('2018-1-10')).toBeNull();
    expect(fromDateInput('2023-02-29')).toBeNull();
    expect(fromDateInput('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

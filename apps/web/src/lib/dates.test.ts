import { describe, expect, it } from 'vitest';
import { fromDateInput } from './dates';

describe('date inputs in UTC', () => {
  it('reads a day as its first UTC millisecond', () => {
    expect(fromDateInput('2018-01-10')).toBe(Date.UTC(2018, 0, 10));
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

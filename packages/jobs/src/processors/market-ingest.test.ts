import { describe, expect, it } from 'vitest';
import { stockSkipReason } from './market-ingest';

const at = (iso: string) => Date.parse(iso);

describe('stock ingest outside the session', () => {
  it.each([
    ['2026-11-24T15:00:00Z', '5m', null], // Tuesday 10:00 New York
    ['2026-11-24T21:03:00Z', '5m', null], // just after the bell: picks up the last bar
    ['2026-11-24T13:00:00Z', '5m', 'outside the regular session (before open)'],
    ['2026-11-24T22:00:00Z', '5m', 'outside the regular session (after close)'],
    ['2026-11-28T15:00:00Z', '5m', 'not a trading day (weekend)'],
    ['2026-11-26T15:00:00Z', '1h', 'not a trading day (holiday: Thanksgiving Day)'],
    ['2026-11-24T13:00:00Z', '1h', null], // hourly runs around the session on trading days
  ])('at %s (%s) → %s', (iso, timeframe, reason) => {
    expect(stockSkipReason(timeframe as '5m' | '1h', at(iso))).toBe(reason);
  });
});

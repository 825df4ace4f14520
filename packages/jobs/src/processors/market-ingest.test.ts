import { describe, expect, it } from 'vitest';
import { stockSkipReason, tickBarTimes } from './market-ingest';

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

describe('the engine ticks an ingest queues', () => {
  const FIVE = 300_000;
  const t0 = Date.UTC(2018, 0, 27, 16, 30);
  // Two symbols: one brought three new bars, the other two, and one brought nothing.
  const summaries = [
    {
      symbol: 'DASH/BTC',
      timeframe: '5m' as const,
      rows: 3,
      durationMs: 1,
      firstOpenTime: t0,
      lastOpenTime: t0 + 2 * FIVE,
    },
    {
      symbol: 'ETH/BTC',
      timeframe: '5m' as const,
      rows: 2,
      durationMs: 1,
      firstOpenTime: t0 + FIVE,
      lastOpenTime: t0 + 2 * FIVE,
    },
    { symbol: 'XMR/BTC', timeframe: '5m' as const, rows: 0, durationMs: 1 },
  ];

  it('live: only the newest bar, since an older one has been overtaken', () => {
    expect(tickBarTimes(summaries, '5m', false)).toEqual([t0 + 2 * FIVE]);
  });

  it('replay: every bar brought, oldest first', () => {
    expect(tickBarTimes(summaries, '5m', true)).toEqual([t0, t0 + FIVE, t0 + 2 * FIVE]);
  });

  it('replay catching up a backlog (more than an hour of bars): only the newest', () => {
    const backlog = [{ ...summaries[0]!, firstOpenTime: t0 - 12 * FIVE }];
    expect(tickBarTimes(backlog, '5m', true)).toEqual([t0 + 2 * FIVE]);
    const hour = [{ ...summaries[0]!, firstOpenTime: t0 - 9 * FIVE }];
    expect(tickBarTimes(hour, '5m', true)).toHaveLength(12);
  });

  it('nothing brought, nothing queued', () => {
    expect(tickBarTimes([summaries[2]!], '5m', true)).toEqual([]);
  });
});

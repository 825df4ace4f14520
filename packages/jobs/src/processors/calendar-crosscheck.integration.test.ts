import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import { marketDays } from '@tradehits/core/calendar';
import type { MarketDataSource } from '@tradehits/core/ports';
import { type DbHandle, listCalendarDisagreements } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import {
  type AlpacaWireDay,
  FAKE_ALPACA_CREDENTIALS,
  type FakeAlpaca,
  startFakeAlpaca,
} from '@tradehits/exchange/testing/fake-alpaca';
import type { Services } from '@tradehits/trading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../events';
import { createLogger } from '../log';
import { runCalendarCrosscheck } from './calendar-crosscheck';

// Monday 2 November 2026, 07:00 in New York: before the open. The cross-check looks 90 days ahead.
const NOW = new Date(Date.UTC(2026, 10, 2, 12));
const OURS = marketDays('2026-11-02', '2027-01-31');
/** Alpaca forgot the early close after Thanksgiving. */
const MISSED_EARLY_CLOSE = '2026-11-27';
/** Alpaca closes a day we trade, as for a national day of mourning. */
const EXTRA_HOLIDAY = '2027-01-04';

const iso = (t: number) => new Date(t).toISOString();

/** Our calendar in Alpaca's wire shape (New York wall-clock times), with the two differences above. */
function alpacaCalendar(): AlpacaWireDay[] {
  return OURS.filter((d) => d.date !== EXTRA_HOLIDAY).map((d, i, days) => {
    const early = d.earlyClose && d.date !== MISSED_EARLY_CLOSE;
    return {
      date: d.date,
      open: '09:30',
      close: early ? '13:00' : '16:00',
      session_open: '0400',
      session_close: early ? '1700' : '2000',
      settlement_date: days[i + 1]?.date ?? d.date,
    };
  });
}

const noBars: MarketDataSource = { id: 'none', fetchBars: async () => [], symbols: async () => [] };

describe('calendar cross-check against Alpaca', () => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let fake: FakeAlpaca;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-calendar-'));
    analytics = await createDuckDbStore(path.join(dir, 'analytics.duckdb'));
    await analytics.migrate();
    fake = await startFakeAlpaca({
      calendar: alpacaCalendar(),
      clock: {
        timestamp: NOW.toISOString(),
        is_open: false,
        next_open: iso(OURS[0]!.open),
        next_close: iso(OURS[0]!.close),
      },
    });
  });

  afterAll(async () => {
    await analytics?.close();
    await fake?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function services(env: Record<string, string>): Services {
    return {
      config: loadConfig({ NODE_ENV: 'test', ALPACA_TRADING_URL: fake.url, ...env }),
      db: db.db,
      analytics,
      bus: createMemoryBus(),
      log: createLogger('silent'),
      market: { crypto: noBars, stock: noBars },
      now: () => NOW,
    };
  }

  it('without Alpaca credentials skips the comparison and records nothing', async () => {
    const result = await runCalendarCrosscheck(services({}), NOW);
    expect(result).toEqual({ skipped: 'Alpaca credentials are not configured', days: OURS.length });
    expect(await listCalendarDisagreements(db.db)).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('records exactly the days on which Alpaca disagrees, once however often it runs', async () => {
    const withKeys = services({
      ALPACA_KEY_ID: FAKE_ALPACA_CREDENTIALS.keyId,
      ALPACA_SECRET_KEY: FAKE_ALPACA_CREDENTIALS.secretKey,
    });
    expect(await runCalendarCrosscheck(withKeys, NOW)).toEqual({ days: OURS.length, disagreements: 3 });
    expect(await runCalendarCrosscheck(withKeys, NOW)).toEqual({ days: OURS.length, disagreements: 3 });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2/calendar',
      'GET /v2/clock',
      'GET /v2/calendar',
      'GET /v2/clock',
    ]);
    expect(fake.requests[0]!.query.start?.slice(0, 10)).toBe('2026-11-02');
    expect(fake.requests[0]!.query.end?.slice(0, 10)).toBe('2027-01-31');

    const rows = await listCalendarDisagreements(db.db);
    const fullDay = '2026-11-27T14:30:00.000Z–2026-11-27T21:00:00.000Z';
    const earlyDay = '2026-11-27T14:30:00.000Z–2026-11-27T18:00:00.000Z (early close)';
    expect(
      rows
        .map((r) => ({ venue: r.venue, day: r.day, field: r.field, ours: r.ours, theirs: r.theirs }))
        .sort((a, b) => `${a.day}${a.field}`.localeCompare(`${b.day}${b.field}`)),
    ).toEqual([
      { venue: 'alpaca', day: MISSED_EARLY_CLOSE, field: 'close', ours: earlyDay, theirs: fullDay },
      { venue: 'alpaca', day: MISSED_EARLY_CLOSE, field: 'early-close', ours: earlyDay, theirs: fullDay },
      {
        venue: 'alpaca',
        day: EXTRA_HOLIDAY,
        field: 'only-ours',
        ours: '2027-01-04T14:30:00.000Z–2027-01-04T21:00:00.000Z',
        theirs: null,
      },
    ]);
  });

  it('fills the analytics market calendar with our sessions for the range', async () => {
    await analytics.close();
    const instance = await DuckDBInstance.create(path.join(dir, 'analytics.duckdb'));
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `select strftime(date, '%Y-%m-%d') as date, epoch_ms(open_at)::double as open,
           epoch_ms(close_at)::double as close, early_close as "earlyClose"
         from market_calendar order by date`,
      );
      expect(reader.getRowObjects()).toEqual(OURS);
    } finally {
      connection.closeSync();
      instance.closeSync();
      // Reopened so afterAll closes a live store.
      analytics = await createDuckDbStore(path.join(dir, 'analytics.duckdb'));
    }
  });
});

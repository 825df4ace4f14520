import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { loadConfig } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core';
import { DetectorState } from '@tradehits/core/detector';
import type { MarketTick } from '@tradehits/core/engine';
import { withIndicators } from '@tradehits/core/indicators';
import { loadBinance2018 } from '@tradehits/core/testing/binance-2018';
import type { Detection } from '@tradehits/core/types';
import { createDb, schema } from '@tradehits/db';
import { TEST_POSTGRES_URL } from '@tradehits/db/testing';
import { createLogger } from '@tradehits/jobs';
import { tradeOnMarkets } from '@tradehits/jobs/processors/engine-tick';
import type { Services } from '@tradehits/trading';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type BenchRow, type BenchSuite, round, timeRow } from './lib';

/**
 * The engine tick with the database: N paper users × 50 signalling symbols on PostgreSQL, each user
 * holding one position whose take-profit the bar reaches and free to open one more. One tick reads
 * the traders and positions, decides with the pure engine, and books every exit and entry: set-based
 * (the product's path) beside the one-by-one booking it replaced (a few transactions per fill), on
 * identical copies of one seeded database, in alternating rounds. One by one at 10,000 users takes
 * minutes a run, so it is measured at the smaller size only and the 10,000-user ratio is taken against
 * it scaled linearly (as the one-by-one tick measured: 1,000 users 78 s, 10,000 users 603 s).
 */

const SYMBOLS = 50;
const CHUNK = 1_000;
/** Sizes (users) measured with both bookings, and with the set-based booking only. */
const BOTH = [1_000];
const BULK_ONLY = [10_000];
const RUNS = 3;

type Booking = 'bulk' | 'one-by-one';

function marketsAt(at: Date): MarketTick[] {
  const signals: Detection[] = [];
  for (const s of loadBinance2018()) {
    const state = new DetectorState({
      symbol: s.symbol,
      assetType: 'crypto',
      timeframe: '5m',
      sentiment: 'ignore',
    });
    for (const bar of withIndicators(s.bars)) if (state.push(bar)) signals.push(state.detection());
  }
  return Array.from({ length: SYMBOLS }, (_, i) => {
    const d = signals[i % signals.length]!;
    const symbol = `${d.symbol.split('/')[0]}${i}/USD`;
    return {
      symbol,
      assetType: 'crypto',
      bar: {
        openTime: at.getTime() - 300_000,
        open: d.price,
        high: d.price * 1.01,
        low: d.price,
        close: d.price,
        volume: 1_000,
      },
      detection: { ...d, symbol, buySignal: true, isLowestPoint: true },
      sentiment: { score: 50, politicalMin: null, politicalScore: null },
      recentRangePct: 2,
    };
  });
}

/** A database at `name` on the test server. Names are generated from hex only (identifiers cannot be bound). */
async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
const urlOf = (name: string) => {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
};
const dbName = () => `th_bench_${randomBytes(6).toString('hex')}`;

/** A migrated database seeded with `n` users, closed so it can serve as a template. */
async function seededTemplate(n: number, markets: MarketTick[], at: Date) {
  const name = dbName();
  await admin((c) => c.query(`create database ${name}`));
  const handle = createDb({ kind: 'postgres', url: urlOf(name) });
  try {
    await handle.migrate();
    await seed(handle.db, n, markets, at);
    await handle.db.execute(sql`analyze`);
  } finally {
    await handle.close();
  }
  // A template takes no copies while a connection to it lingers.
  for (let wait = 0; wait < 50; wait++) {
    const { rows } = await admin((c) =>
      c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]),
    );
    if (rows[0]!.n === 0) break;
    await setTimeout(100);
  }
  return name;
}

const dropDb = (name: string) => admin((c) => c.query(`drop database if exists ${name} with (force)`));

/** One tick on a fresh copy of `template`; the copy is timed out, only the tick is timed. */
async function tickOnCopy(
  template: string,
  booking: Booking,
  markets: MarketTick[],
  at: Date,
  analytics: Services['analytics'],
) {
  const name = dbName();
  await admin((c) => c.query(`create database ${name} template ${template}`));
  const handle = createDb({ kind: 'postgres', url: urlOf(name) });
  try {
    const none: MarketDataSource = { id: 'none', fetchBars: async () => [], symbols: async () => [] };
    const services = {
      config: loadConfig({ NODE_ENV: 'test' }),
      db: handle.db,
      analytics,
      bus: { publish() {}, subscribe: () => () => {}, close: async () => {} },
      log: createLogger('silent'),
      market: { crypto: none, stock: none },
      now: () => at,
    } satisfies Services;
    const started = performance.now();
    const r = await tradeOnMarkets(
      services,
      'crypto',
      at,
      markets,
      { sentiment: 'judge', minConfidence: services.config.DETECTOR_SETTINGS.minConfidence },
      { paperBooking: booking },
    );
    const ms = performance.now() - started;
    if (r.failed > 0) throw new Error(`${r.failed} intents failed`);
    return { ms, opened: r.opened, closed: r.closed };
  } finally {
    await handle.close();
    await dropDb(name);
  }
}

export async function benchEngineDb(both = BOTH, bulkOnly = BULK_ONLY, runs = RUNS): Promise<BenchRow[]> {
  const at = new Date(Date.UTC(2018, 0, 20, 12, 0));
  const markets = marketsAt(at);
  const dir = await mkdtemp(path.join(tmpdir(), 'tradehits-bench-'));
  const analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
  const templates: string[] = [];
  const rows: BenchRow[] = [];
  const users = (n: number) => n.toLocaleString('en-US');
  try {
    await analytics.migrate();
    let oneByOnePerUser = Number.NaN;
    for (const n of [...both, ...bulkOnly]) {
      const template = await seededTemplate(n, markets, at);
      templates.push(template);
      const cases: Booking[] = both.includes(n) ? ['bulk', 'one-by-one'] : ['bulk'];
      const samples: Record<Booking, number[]> = { bulk: [], 'one-by-one': [] };
      let booked = { opened: 0, closed: 0 };
      // Alternating rounds after one untimed warm-up, as `interleave` runs them.
      for (let round = 0; round <= runs; round++) {
        for (const booking of round % 2 === 0 ? cases : [...cases].reverse()) {
          const r = await tickOnCopy(template, booking, markets, at, analytics);
          if (round > 0) samples[booking].push(r.ms);
          booked = r;
        }
      }
      const bookedText = `${users(booked.closed)} exits + ${users(booked.opened)} entries booked`;
      const bulk = timeRow(
        `tick, ${users(n)} paper users × ${SYMBOLS} symbols, set-based (${bookedText})`,
        samples.bulk,
        0,
      );
      if (cases.includes('one-by-one')) {
        const one = timeRow(
          `tick, ${users(n)} paper users × ${SYMBOLS} symbols, one by one`,
          samples['one-by-one'],
          0,
        );
        oneByOnePerUser = one.value / n;
        rows.push(one, {
          ...bulk,
          ratio: round(one.value / bulk.value, 1),
          baseline: `one by one, ${users(n)} users, same run`,
        });
      } else {
        rows.push({
          ...bulk,
          ratio: round((oneByOnePerUser * n) / bulk.value, 1),
          baseline: `one by one at ${users(both.at(-1) ?? 0)} users × ${users(n / (both.at(-1) ?? n))} (linear), same run`,
        });
      }
    }
  } finally {
    for (const t of templates) await dropDb(t);
    await analytics.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

export const engineDbSuite: BenchSuite = { name: 'trading-db', run: () => benchEngineDb() };

/** N users, each with a paper account, an ALL rule (two slots) and one open position exiting this tick. */
async function seed(db: Services['db'], n: number, markets: MarketTick[], at: Date) {
  for (let from = 0; from < n; from += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, n - from) }, (_, k) => from + k);
    const users = await db
      .insert(schema.users)
      .values(
        ids.map((i) => ({
          username: `bench${i}`,
          email: `bench${i}@x.test`,
          passwordHash: 'x',
          fullName: `bench ${i}`,
        })),
      )
      .returning({ id: schema.users.id });
    const accounts = await db
      .insert(schema.accounts)
      .values(
        users.map((u) => ({
          userId: u.id,
          assetType: 'crypto' as const,
          mode: 'paper' as const,
          venue: 'paper',
          startBalance: 10_000_000,
          balance: 9_990_000,
        })),
      )
      .returning({ id: schema.accounts.id, userId: schema.accounts.userId });
    await db.insert(schema.tradeParameters).values(
      users.map((u) => ({
        userId: u.id,
        assetType: 'crypto' as const,
        symbol: 'ALL',
        tradeAmount: 10_000,
        takeProfitPct: 3,
        stopLossPct: 2,
        maxConcurrentTrades: 2,
        buyAtLowestOnly: true,
        minSentimentScore: 0,
        autoTradingEnabled: true,
      })),
    );
    await db.insert(schema.trades).values(
      accounts.map((a, k) => {
        const m = markets[(from + k) % markets.length]!;
        const price = m.bar.open;
        return {
          userId: a.userId,
          accountId: a.id,
          symbol: m.symbol,
          assetType: 'crypto' as const,
          isPaper: true,
          status: 'open' as const,
          clientOrderId: `bench-open-${from + k}`,
          entryPrice: String(price),
          entryTime: new Date(at.getTime() - 3_600_000),
          quantity: (100 / price).toFixed(8),
          amount: 10_000,
          entryFee: 26,
          takeProfitPrice: String(price * 1.005),
          stopLossPrice: String(price * 0.5),
          takeProfitPct: 0.5,
          stopLossPct: 50,
          currency: 'USD',
          executionReason: 'lowest-point',
        };
      }),
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `tsx scripts/bench/engine-db.ts [both sizes] [-- bulk-only sizes]`, e.g. `1000 -- 10000`.
  const args = process.argv.slice(2);
  const cut = args.indexOf('--');
  const sizes = (list: string[]) => list.map(Number).filter((x) => x > 0);
  const both = cut < 0 ? sizes(args) : sizes(args.slice(0, cut));
  const bulkOnly = cut < 0 ? [] : sizes(args.slice(cut + 1));
  const rows = await benchEngineDb(
    both.length || bulkOnly.length ? both : BOTH,
    both.length || bulkOnly.length ? bulkOnly : BULK_ONLY,
  );
  for (const row of rows) {
    const spread = row.spread ? ` [${row.spread.join('–')}]` : '';
    const ratio = row.ratio === undefined ? '' : `  (×${row.ratio} vs ${row.baseline})`;
    console.log(`${row.name}: ${row.value} ${row.unit}${spread}${ratio}`);
  }
}

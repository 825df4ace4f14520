import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { loadConfig } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core';
import { DetectorState } from '@tradehits/core/detector';
import type { MarketTick } from '@tradehits/core/engine';
import { withIndicators } from '@tradehits/core/indicators';
import { loadBinance2018 } from '@tradehits/core/testing/binance-2018';
import type { Detection } from '@tradehits/core/types';
import { schema } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createLogger } from '@tradehits/jobs';
import { tradeOnMarkets } from '@tradehits/jobs/processors/engine-tick';
import type { Services } from '@tradehits/trading';
import type { BenchRow, BenchSuite } from './lib';

/**
 * The engine tick with the database: N paper users × 50 signalling symbols on PostgreSQL, each user
 * holding one position whose take-profit the bar reaches and free to open one more. One tick reads
 * the traders and positions, decides with the pure engine, and books every exit and entry through the
 * trading layer (a transaction each). Reported per tick and per booked fill; the ratio is against the
 * smallest size in the same run, so linear scaling reads as the size ratio.
 */

const SYMBOLS = 50;
const SIZES = [1_000, 10_000];
const CHUNK = 1_000;

export async function benchEngineDb(sizes = SIZES): Promise<BenchRow[]> {
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
  const at = new Date(Date.UTC(2018, 0, 20, 12, 0));
  const markets: MarketTick[] = Array.from({ length: SYMBOLS }, (_, i) => {
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
      },
      detection: { ...d, symbol, buySignal: true, isLowestPoint: true },
      sentiment: { score: 50, politicalMin: null, politicalScore: null },
      recentRangePct: 2,
    };
  });

  const rows: BenchRow[] = [];
  let basePerFill = 0;
  for (const n of sizes) {
    const handle = await createPostgresTestDb();
    const dir = await mkdtemp(path.join(tmpdir(), 'tradehits-bench-'));
    const analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    try {
      await analytics.migrate();
      await seed(handle.db, n, markets, at);
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
      const r = await tradeOnMarkets(services, 'crypto', at, markets, {
        sentiment: 'judge',
        minConfidence: services.config.DETECTOR_SETTINGS.minConfidence,
      });
      const ms = performance.now() - started;
      const fills = r.opened + r.closed;
      if (r.failed > 0) throw new Error(`${r.failed} intents failed`);
      const perFill = ms / fills;
      if (!basePerFill) basePerFill = perFill;
      rows.push(
        {
          name: `engine tick with PostgreSQL, ${n.toLocaleString('en-US')} paper users × ${SYMBOLS} symbols`,
          value: Math.round(ms),
          unit: 'ms',
        },
        {
          name: `  booked: ${r.closed.toLocaleString('en-US')} exits + ${r.opened.toLocaleString('en-US')} entries`,
          value: Number(perFill.toFixed(3)),
          unit: 'ms/fill',
          ratio: Number((perFill / basePerFill).toFixed(3)),
          baseline: `ms/fill at ${sizes[0]!.toLocaleString('en-US')} users`,
        },
      );
    } finally {
      await analytics.close();
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    }
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
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  for (const row of await benchEngineDb(sizes.length ? sizes : SIZES)) {
    const ratio = row.ratio === undefined ? '' : `  (ratio ${row.ratio})`;
    console.log(`${row.name}: ${row.value} ${row.unit}${ratio}`);
  }
}

import type { AssetType, Timeframe } from '@tradehits/core';
import { isMarketOpen, isTradingDay, marketStatus, newYorkDate } from '@tradehits/core/calendar';
import { recordJobRuns } from '@tradehits/db';
import type { Services } from '@tradehits/trading';
import { ingestBars } from '../ingest/ingest-bars';
import type { Processor } from '../runner';

/** The last 5-minute stock bar closes at the bell; one run after the close picks it up. */
const AFTER_CLOSE_MS = 5 * 60_000;

/** Why a stock ingest has nothing to do now, or null when it should run. */
export function stockSkipReason(timeframe: Timeframe, now: number): string | null {
  const day = newYorkDate(now);
  if (!isTradingDay(day)) return `not a trading day (${marketStatus(now).reason})`;
  if (timeframe === '5m' && !isMarketOpen(now) && !isMarketOpen(now - AFTER_CLOSE_MS)) {
    return `outside the regular session (${marketStatus(now).reason})`;
  }
  return null;
}

/**
 * Fetches the newest bars of every watched symbol at one timeframe, with indicators, into the
 * analytics store. Each symbol's outcome is recorded; when any failed, the job throws after the others
 * finished, so the queue retries with backoff (the rerun resumes where the store ends).
 */
export async function runMarketIngest(
  services: Services,
  assetType: AssetType,
  timeframe: Timeframe,
  at: Date,
) {
  const now = at.getTime();
  if (assetType === 'stock') {
    const reason = stockSkipReason(timeframe, now);
    if (reason) return { skipped: reason };
  }
  const source = services.market[assetType];
  const symbols = await source.symbols(assetType);
  const summaries = await ingestBars({
    source,
    store: services.analytics,
    assetType,
    symbols,
    timeframes: [timeframe],
    to: now,
  });
  await recordJobRuns(
    services.db,
    summaries.map((s) => ({
      job: 'market.ingest.symbol',
      symbol: s.symbol,
      timeframe: s.timeframe,
      status: s.error ? ('failed' as const) : ('ok' as const),
      rows: s.rows,
      durationMs: s.durationMs,
      error: s.error ?? null,
      startedAt: at,
    })),
  );
  for (const s of summaries) {
    if (s.rows > 0)
      services.bus.publish({ type: 'bar', symbol: s.symbol, timeframe: s.timeframe, openTime: now });
  }
  const failed = summaries.filter((s) => s.error);
  if (failed.length) {
    throw new Error(
      `${failed.length} of ${summaries.length} symbols failed: ${failed.map((f) => `${f.symbol} (${f.error})`).join('; ')}`,
    );
  }
  return { symbols: summaries.length, rows: summaries.reduce((n, s) => n + s.rows, 0) };
}

export const marketIngestProcessor: Processor<'market.ingest'> = (
  { assetType, timeframe },
  { services, now },
) => runMarketIngest(services, assetType, timeframe, now);

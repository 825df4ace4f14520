import type { AssetType, Timeframe } from '@tradehits/core';
import { isMarketOpen, isTradingDay, marketStatus, newYorkDate } from '@tradehits/core/calendar';
import { recordJobRuns } from '@tradehits/db';
import type { Services } from '@tradehits/trading';
import { engineTickJobId } from '../contracts';
import { type IngestSummary, ingestBars } from '../ingest/ingest-bars';
import type { JobContext, Processor } from '../runner';

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
  enqueue: JobContext['enqueue'],
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
  const barTime = await triggerEngineTick(enqueue, assetType, timeframe, summaries);
  const failed = summaries.filter((s) => s.error);
  if (failed.length) {
    throw new Error(
      `${failed.length} of ${summaries.length} symbols failed: ${failed.map((f) => `${f.symbol} (${f.error})`).join('; ')}`,
    );
  }
  return {
    symbols: summaries.length,
    rows: summaries.reduce((n, s) => n + s.rows, 0),
    ...(barTime === null ? {} : { engineTick: engineTickJobId(assetType, timeframe, barTime) }),
  };
}

/**
 * Queues the engine tick for the newest bar this ingest wrote (before any failure is raised, so the
 * symbols that did arrive are judged). Its job id is the bar's, so a retried ingest that writes the
 * same bar queues nothing new. Symbols still without that bar are skipped by the tick, with the reason.
 */
async function triggerEngineTick(
  enqueue: JobContext['enqueue'],
  assetType: AssetType,
  timeframe: Timeframe,
  summaries: readonly IngestSummary[],
): Promise<number | null> {
  let barTime: number | null = null;
  for (const s of summaries) {
    if (s.lastOpenTime !== undefined && (barTime === null || s.lastOpenTime > barTime))
      barTime = s.lastOpenTime;
  }
  if (barTime === null) return null;
  await enqueue(
    'engine.tick',
    { assetType, timeframe, barTime },
    engineTickJobId(assetType, timeframe, barTime),
  );
  return barTime;
}

export const marketIngestProcessor: Processor<'market.ingest'> = (
  { assetType, timeframe },
  { services, now, enqueue },
) => runMarketIngest(services, assetType, timeframe, now, enqueue);

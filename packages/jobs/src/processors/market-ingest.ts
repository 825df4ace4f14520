import type { AssetType, Timeframe } from '@tradehits/core';
import { isMarketOpen, isTradingDay, marketStatus, newYorkDate } from '@tradehits/core/calendar';
import { TIMEFRAME_MS } from '@tradehits/core/types';
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
  const barTime = await triggerEngineTicks(
    enqueue,
    assetType,
    timeframe,
    tickBarTimes(summaries, timeframe, services.config.MARKET_SOURCE === 'replay'),
  );
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

/** More bars than this at once is a backlog being caught up (a first ingest, a fast replay), not a lag. */
const MAX_REPLAY_TICKS = 12;

/**
 * The bar times an ingest's engine ticks are for, oldest first. Live, only the newest bar: an older
 * one has been overtaken and trading on it would act on stale prices. In a replay the engine runs on
 * the recorded clock, so every bar the ingest brought is judged in turn: a busy machine brings two or
 * three at once, and skipping them would skip their signals and exits. A backlog of more than
 * `MAX_REPLAY_TICKS` bars (the first ingest, a replay faster than ingestion) is judged at its newest.
 */
export function tickBarTimes(
  summaries: readonly IngestSummary[],
  timeframe: Timeframe,
  everyBar: boolean,
): number[] {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of summaries) {
    if (s.lastOpenTime === undefined) continue;
    first = Math.min(first, s.firstOpenTime ?? s.lastOpenTime);
    last = Math.max(last, s.lastOpenTime);
  }
  if (!Number.isFinite(last)) return [];
  if (!everyBar) return [last];
  const step = TIMEFRAME_MS[timeframe];
  if ((last - first) / step + 1 > MAX_REPLAY_TICKS) return [last];
  const times: number[] = [];
  for (let t = first; t <= last; t += step) times.push(t);
  return times;
}

/**
 * Queues the engine tick of each bar time, oldest first (before any failure is raised, so the symbols
 * that did arrive are judged). A tick's job id is its bar's, so a retried ingest that writes the same
 * bar queues nothing new. Symbols without that bar are skipped by the tick, with the reason.
 */
async function triggerEngineTicks(
  enqueue: JobContext['enqueue'],
  assetType: AssetType,
  timeframe: Timeframe,
  barTimes: readonly number[],
): Promise<number | null> {
  for (const barTime of barTimes)
    await enqueue(
      'engine.tick',
      { assetType, timeframe, barTime },
      engineTickJobId(assetType, timeframe, barTime),
    );
  return barTimes.at(-1) ?? null;
}

export const marketIngestProcessor: Processor<'market.ingest'> = (
  { assetType, timeframe },
  { services, now, enqueue },
) => runMarketIngest(services, assetType, timeframe, now, enqueue);

import type { AnalyticsStore } from '@tradehits/analytics/store';
import { errorMessage } from '@tradehits/core/errors';
import {
  type BarSeries,
  barSeriesRows,
  INDICATOR_WARMUP_BARS,
  indicatorTable,
} from '@tradehits/core/indicators';
import type { MarketDataSource } from '@tradehits/core/ports';
import type { AssetType, Bar, Timeframe } from '@tradehits/core/types';
import { TIMEFRAME_MS } from '@tradehits/core/types';

/** What one symbol and timeframe's ingestion did. */
export interface IngestSummary {
  symbol: string;
  timeframe: Timeframe;
  /** New bars written. */
  rows: number;
  /** openTime of the oldest and the newest bar written; absent when none was. */
  firstOpenTime?: number;
  lastOpenTime?: number;
  durationMs: number;
  error?: string;
}

/** Reported after each symbol and timeframe finishes. */
export interface IngestProgress {
  completed: number;
  total: number;
  last: IngestSummary;
}

/** What to ingest, from where, into which store. */
export interface IngestBarsOptions {
  source: MarketDataSource;
  store: AnalyticsStore;
  assetType: AssetType;
  symbols: string[];
  timeframes: Timeframe[];
  /** The first openTime wanted (UTC ms); applies only when nothing is stored yet. */
  from?: number;
  /** The instant history ends (UTC ms): only bars whose period had ended by then are taken. */
  to?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** Bars per source request (Kraken serves at most 720). */
  pageSize?: number;
  /** Computed bars written per store call; series wait until a batch fills (default 50,000). */
  batchRows?: number;
}

/**
 * Fetches bars newer than the newest stored one (or from `from`), computes their indicators over the
 * stored warm-up history plus the new bars, and upserts them. Resumable: a rerun continues where the
 * store ends, and a repeated write is an idempotent upsert. Series are written in batches of about
 * `batchRows` bars (a store round trip costs more than the rows in it). One failing symbol is reported in
 * its summary and never stops the others; a failed write is reported on every series of its batch.
 */
export async function ingestBars(options: IngestBarsOptions): Promise<IngestSummary[]> {
  const { symbols, timeframes, onProgress, store, assetType } = options;
  const batchRows = options.batchRows ?? 50_000;
  const total = symbols.length * timeframes.length;
  const summaries: IngestSummary[] = [];
  let completed = 0;
  const finish = (summary: IngestSummary) => {
    summaries.push(summary);
    onProgress?.({ completed: ++completed, total, last: summary });
  };

  // Computed series wait here and are written together: one transaction per batch, not per series. They
  // stay columns until written (an object per bar cost more than the write).
  let pending: {
    symbol: string;
    timeframe: Timeframe;
    computeMs: number;
    series: BarSeries;
    rows: number;
  }[] = [];
  let pendingRows = 0;
  const flush = async () => {
    const batch = pending;
    pending = [];
    pendingRows = 0;
    let error: string | undefined;
    const writeStarted = performance.now();
    try {
      await store.upsertBars(assetType, barSeriesRows(batch.map((p) => p.series)));
    } catch (e) {
      error = errorMessage(e);
    }
    // Each series is charged its own fetch and compute time plus its share of the batch write, so the
    // durations add up to the run's time.
    const writeMs = performance.now() - writeStarted;
    const batchRowCount = batch.reduce((n, p) => n + p.rows, 0);
    for (const p of batch) {
      const share = batchRowCount > 0 ? (writeMs * p.rows) / batchRowCount : writeMs / batch.length;
      const base = { symbol: p.symbol, timeframe: p.timeframe, durationMs: p.computeMs + share };
      const written =
        p.rows > 0
          ? {
              firstOpenTime: p.series.bars[p.series.from]!.openTime,
              lastOpenTime: p.series.bars.at(-1)!.openTime,
            }
          : {};
      finish(error === undefined ? { ...base, rows: p.rows, ...written } : { ...base, rows: 0, error });
    }
  };

  // Where each series ends in the store: one query per timeframe rather than one per series.
  const lastTimes = new Map<Timeframe, Map<string, number>>();
  for (const timeframe of timeframes)
    lastTimes.set(timeframe, await store.lastBarTimes(assetType, timeframe));

  for (const symbol of symbols) {
    for (const timeframe of timeframes) {
      const started = performance.now();
      try {
        const last = lastTimes.get(timeframe)!.get(symbol) ?? null;
        const series = await computeNewBars(options, symbol, timeframe, last);
        const rows = series.bars.length - series.from;
        pending.push({ symbol, timeframe, computeMs: performance.now() - started, series, rows });
        pendingRows += rows;
        if (pendingRows >= batchRows) await flush();
      } catch (e) {
        const error = errorMessage(e);
        finish({ symbol, timeframe, rows: 0, durationMs: performance.now() - started, error });
      }
    }
  }
  if (pending.length > 0) await flush();
  // Batching finishes series out of order; report them in the order they were asked for.
  const order = (s: IngestSummary) =>
    symbols.indexOf(s.symbol) * timeframes.length + timeframes.indexOf(s.timeframe);
  return summaries.sort((a, b) => order(a) - order(b));
}

/** The bars after the stored end, with indicators computed over stored warm-up history plus them. */
async function computeNewBars(
  options: IngestBarsOptions,
  symbol: string,
  timeframe: Timeframe,
  last: number | null,
): Promise<BarSeries> {
  const { source, store } = options;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const since = last === null ? (options.from ?? 0) : last + TIMEFRAME_MS[timeframe];
  const fresh = await fetchRange(source, symbol, timeframe, since, to, options.pageSize ?? 720);
  const history =
    last === null || fresh.length === 0
      ? []
      : await store.bars({ symbol, timeframe, to: since - 1, limit: INDICATOR_WARMUP_BARS });
  const bars = history.length === 0 ? fresh : [...history, ...fresh];
  return { bars, indicators: indicatorTable(bars), from: history.length };
}

/**
 * The bars from `since` whose period had ended by `to`, paging until the source has nothing newer: a
 * daily bar of a day `to` falls inside is still forming and would show prices from after `to`.
 */
async function fetchRange(
  source: MarketDataSource,
  symbol: string,
  timeframe: Timeframe,
  since: number,
  to: number,
  pageSize: number,
): Promise<Bar[]> {
  const out: Bar[] = [];
  const lastOpen = to - TIMEFRAME_MS[timeframe];
  let cursor = since;
  while (cursor <= lastOpen) {
    const page = await source.fetchBars({ symbol, timeframe, since: cursor, limit: pageSize });
    const fresh = page.filter((b) => b.openTime >= cursor && b.openTime <= lastOpen);
    for (const bar of fresh) {
      if (bar.symbol !== symbol || bar.timeframe !== timeframe) {
        throw new Error(`${source.id} answered ${bar.symbol} ${bar.timeframe} for ${symbol} ${timeframe}`);
      }
      out.push(bar);
    }
    // A short page, or one with nothing new, is the end of what the source has.
    if (fresh.length === 0 || page.length < pageSize) break;
    cursor = fresh.at(-1)!.openTime + 1;
  }
  return out;
}

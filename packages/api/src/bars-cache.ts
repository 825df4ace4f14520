import { createHash } from 'node:crypto';
import type { AnalyticsStore, BarQuery } from '@tradehits/analytics';
import {
  BAR_PRICE_FIELDS,
  type BarColumns,
  barColumns,
  NULLABLE_BAR_FIELDS,
} from '@tradehits/core/bar-columns';
import type { BarWithIndicators, Timeframe } from '@tradehits/core/types';
import type { EventBus } from '@tradehits/trading';

/** A bars answer: the columns as JSON text (written once, sent many times) and the validator of that text. */
export interface BarsAnswer {
  /** Quoted, as an `ETag` header carries it. */
  etag: string;
  /** `BarColumns` as JSON. */
  json: string;
}

const FIELDS = [...BAR_PRICE_FIELDS, ...NULLABLE_BAR_FIELDS] as const;
type Field = (typeof FIELDS)[number];

/** The most bars one call may ask for, so the newest this many answer every call that only limits. */
export const BARS_CACHE_DEPTH = 5000;
/** Series kept; the least recently read goes first. 32 × 5,000 bars × 21 fields × 8 bytes ≈ 27 MB at most. */
const MAX_SERIES = 32;
/**
 * Ingestion announces new bars on the event bus and the next read fetches only the bars from the newest
 * cached one on. Writers that announce nothing (a backfill from the command line) are picked up by the
 * same tail read once the tail is this old, and history rewritten under the cache by a full reload.
 */
const TAIL_TTL_MS = 5_000;
const FULL_TTL_MS = 10 * 60_000;
/** Encoded answers kept per series (different limits of the same series). */
const ANSWERS_PER_SERIES = 8;

interface Series {
  /** Oldest first; null is NaN. */
  columns: Record<Field, number[]>;
  /** True when the store holds no bar older than the first cached one. */
  complete: boolean;
  loadedAt: number;
  tailAt: number;
  stale: boolean;
  refreshing: Promise<void> | null;
  answers: Map<string, BarsAnswer>;
}

/**
 * The newest bars of each (symbol, timeframe) in memory, as columns, with their encoded answers. A read
 * the cache covers costs a binary search and, the first time, one JSON encoding; the rest go to the store.
 */
export class BarsCache {
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly store: AnalyticsStore,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Marks a series for a tail read before its next answer: ingestion wrote bars to it. */
  invalidate(symbol: string, timeframe: string): void {
    const s = this.series.get(key(symbol, timeframe));
    if (s) s.stale = true;
  }

  /** The bars `q` asks for (the newest `limit` in the range, oldest first), encoded. */
  async answer(q: BarQuery & { limit: number }): Promise<BarsAnswer> {
    const k = key(q.symbol, q.timeframe);
    const s = await this.fresh(k, q.symbol, q.timeframe);
    const times = s.columns.openTime;
    const lo = q.from === undefined ? 0 : lowerBound(times, q.from);
    const hi = q.to === undefined ? times.length : lowerBound(times, q.to + 1);
    const inRange = Math.max(0, hi - lo);
    // Covered when the newest `limit` of the range are cached, or the cache holds the range's start.
    const covered =
      inRange >= q.limit || s.complete || (q.from !== undefined && times.length > 0 && q.from >= times[0]!);
    if (!covered) return encode(barColumns(q.symbol, q.timeframe, await this.store.bars(q)));
    const start = inRange >= q.limit ? hi - q.limit : lo;
    const end = Math.max(start, hi);
    const answerKey = `${start}:${end}`;
    let answer = s.answers.get(answerKey);
    if (!answer) {
      answer = encode(slice(q.symbol, q.timeframe as Timeframe, s.columns, start, end));
      if (s.answers.size >= ANSWERS_PER_SERIES) s.answers.delete(s.answers.keys().next().value!);
      s.answers.set(answerKey, answer);
    }
    return answer;
  }

  /** The series, loaded or brought up to date first when it is stale. */
  private async fresh(k: string, symbol: string, timeframe: Timeframe): Promise<Series> {
    let s = this.series.get(k);
    if (s) {
      // Most recently read last, so eviction takes the first.
      this.series.delete(k);
      this.series.set(k, s);
    } else {
      s = {
        columns: emptyColumns(),
        complete: false,
        loadedAt: Number.NEGATIVE_INFINITY,
        tailAt: Number.NEGATIVE_INFINITY,
        stale: true,
        refreshing: null,
        answers: new Map(),
      };
      this.series.set(k, s);
      if (this.series.size > MAX_SERIES) this.series.delete(this.series.keys().next().value!);
    }
    const now = this.now();
    const series = s;
    if (series.stale || now - series.tailAt >= TAIL_TTL_MS || now - series.loadedAt >= FULL_TTL_MS) {
      // Readers arriving during a refresh share it rather than each querying the store.
      series.refreshing ??= this.refresh(series, symbol, timeframe).finally(() => {
        series.refreshing = null;
      });
      await series.refreshing;
    }
    return series;
  }

  private async refresh(s: Series, symbol: string, timeframe: Timeframe): Promise<void> {
    const started = this.now();
    s.stale = false;
    const times = s.columns.openTime;
    if (started - s.loadedAt >= FULL_TTL_MS || times.length === 0) {
      const bars = await this.store.bars({ symbol, timeframe, limit: BARS_CACHE_DEPTH });
      s.columns = toColumns(bars);
      s.complete = bars.length < BARS_CACHE_DEPTH;
      s.loadedAt = s.tailAt = started;
      s.answers.clear();
      return;
    }
    // From the newest cached bar on: it may have been rewritten since (a bar still forming).
    const newest = times.at(-1)!;
    const tail = await this.store.bars({ symbol, timeframe, from: newest, limit: BARS_CACHE_DEPTH });
    s.tailAt = started;
    if (tail.length === 0 || (tail.length === 1 && sameAsLast(s.columns, tail[0]!))) return;
    const keep = lowerBound(times, tail[0]!.openTime);
    const added = toColumns(tail);
    const total = keep + tail.length;
    const drop = Math.max(0, total - BARS_CACHE_DEPTH);
    for (const f of FIELDS) s.columns[f] = s.columns[f].slice(drop, keep).concat(added[f]);
    if (drop > 0) s.complete = false;
    s.answers.clear();
  }
}

const caches = new WeakMap<AnalyticsStore, BarsCache>();

/** The one bars cache of a store, told of new bars by `bus` (subscribed once, for the store's life). */
export function barsCacheFor(store: AnalyticsStore, bus: EventBus): BarsCache {
  let cache = caches.get(store);
  if (!cache) {
    const created = new BarsCache(store);
    bus.subscribe((e) => {
      if (e.type === 'bar') created.invalidate(e.symbol, e.timeframe);
    });
    caches.set(store, created);
    cache = created;
  }
  return cache;
}

function key(symbol: string, timeframe: string): string {
  return `${timeframe}|${symbol}`;
}

function emptyColumns(): Record<Field, number[]> {
  return Object.fromEntries(FIELDS.map((f) => [f, [] as number[]])) as unknown as Record<Field, number[]>;
}

function toColumns(bars: readonly BarWithIndicators[]): Record<Field, number[]> {
  const columns = emptyColumns();
  for (const f of FIELDS) columns[f] = bars.map((b) => b[f] ?? Number.NaN);
  return columns;
}

function sameAsLast(columns: Record<Field, number[]>, bar: BarWithIndicators): boolean {
  const last = columns.openTime.length - 1;
  return FIELDS.every((f) => Object.is(columns[f][last], bar[f] ?? Number.NaN));
}

function slice(
  symbol: string,
  timeframe: Timeframe,
  columns: Record<Field, number[]>,
  start: number,
  end: number,
): BarColumns {
  const out = { symbol, timeframe } as BarColumns;
  for (const f of BAR_PRICE_FIELDS) out[f] = columns[f].slice(start, end);
  for (const f of NULLABLE_BAR_FIELDS)
    out[f] = columns[f].slice(start, end).map((v) => (Number.isNaN(v) ? null : v));
  return out;
}

function encode(columns: BarColumns): BarsAnswer {
  const json = JSON.stringify(columns);
  return { etag: `"${createHash('sha1').update(json).digest('base64url')}"`, json };
}

/** The first index whose value is ≥ x in an ascending array (its length when none is). */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

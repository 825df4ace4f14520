import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { barsFromOhlcv } from '@tradehits/core/ohlcv';
import type { MarketDataSource } from '@tradehits/core/ports';
import { resampleBars } from '@tradehits/core/resample';
import { type Bar, TIMEFRAME_MS, type Timeframe } from '@tradehits/core/types';
import { VenueError } from './errors';

/**
 * Plays recorded 5-minute bars as if they were live. A replay clock maps wall time onto the recorded
 * period: at the moment the source is created the replay stands at `startAt` (default: the first
 * recorded bar; a server passes where its backfill ends, so new bars arrive at once rather than after
 * the backfilled period has replayed again), and it advances `speed` recorded milliseconds per wall
 * millisecond. A bar is visible
 * once its close has passed on the replay clock; 1h and 1d bars are resampled from the visible 5m bars
 * (a bucket shows once it has closed). Gaps in the recording stay gaps.
 */

const FILE_PATTERN = /^([A-Z0-9]+)_([A-Z0-9]+)-5m\.json$/;
const FIVE_MINUTES = TIMEFRAME_MS['5m'];

export interface ReplayOptions {
  /** Folder of `<BASE>_<QUOTE>-5m.json` files, each `[[openTimeMs,o,h,l,c,v],...]` oldest first. */
  dir: string;
  /** Wall clock in ms (`Date.now` in production, a variable in tests). */
  clock: () => number;
  /**
   * Recorded instant the replay stands at when the source is created: a number, or a lookup run on
   * first use (e.g. where the stored backfill ends) that may answer null. Default, and on null or on an
   * instant past the recording: the first recorded bar's open.
   */
  startAt?: number | (() => Promise<number | null>);
  /** Recorded ms per wall ms; default 1 (real time). */
  speed?: number;
}

/** Maps a wall-clock instant onto the recorded period. */
export function replayTime(
  wallNow: number,
  at: { wallStart: number; recordStart: number; speed: number },
): number {
  return at.recordStart + (wallNow - at.wallStart) * at.speed;
}

/**
 * The bars of one symbol visible at recorded instant `now`, in `timeframe`, with openTime >= since, at
 * most `limit` (the oldest after `since`, or the newest without it). `bars5m` must be oldest first.
 */
export function visibleBars(
  bars5m: readonly Bar[],
  timeframe: Timeframe,
  now: number,
  since?: number,
  limit?: number,
): Bar[] {
  const closedCount = countWhere(bars5m, (b) => b.openTime + FIVE_MINUTES <= now);
  const closed = bars5m.slice(0, closedCount);
  const inFrame = timeframe === '5m' ? closed : resampleBars(closed, timeframe, { until: now });
  const after = since === undefined ? inFrame : inFrame.filter((b) => b.openTime >= since);
  if (limit === undefined) return after;
  if (limit <= 0) return [];
  return since === undefined ? after.slice(-limit) : after.slice(0, limit);
}

/** Binary search: how many leading items satisfy a predicate that holds for a prefix. */
function countWhere<T>(items: readonly T[], holds: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Parses one recorded file, rejecting anything that is not ascending `[t,o,h,l,c,v]` rows. */
export function parseRecordedBars(symbol: string, text: string, file: string): Bar[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw new VenueError('replay', `${file} is not valid JSON`);
  }
  try {
    return barsFromOhlcv(symbol, '5m', rows);
  } catch (err) {
    throw new VenueError('replay', `${file}: ${(err as Error).message}`);
  }
}

/** Runs `load` on first use and shares the result; a failure is forgotten so the next use retries. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = load();
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}

/** A MarketDataSource over recorded files: crypto symbols from the file names, no stocks. */
export function createReplaySource(
  options: ReplayOptions,
): MarketDataSource & { replayNow(): Promise<number> } {
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`replay speed must be positive (got ${speed})`);
  const wallStart = options.clock();
  const files = once(async () => {
    const names = await readdir(options.dir).catch(() => {
      throw new VenueError('replay', `cannot read the replay folder ${options.dir}`);
    });
    const bySymbol = new Map<string, string>();
    for (const name of names.sort()) {
      const match = FILE_PATTERN.exec(name);
      if (match) bySymbol.set(`${match[1]}/${match[2]}`, path.join(options.dir, name));
    }
    return bySymbol;
  });
  const loaded = new Map<string, Promise<Bar[]>>();
  const barsOf = async (symbol: string) => {
    const file = (await files()).get(symbol);
    if (!file) throw new VenueError('replay', `no recording for ${symbol} in ${options.dir}`);
    let bars = loaded.get(symbol);
    if (!bars) {
      bars = readFile(file, 'utf8').then((text) => parseRecordedBars(symbol, text, path.basename(file)));
      loaded.set(symbol, bars);
      bars.catch(() => loaded.delete(symbol));
    }
    return bars;
  };
  // Default start: the earliest first bar over all recordings, so the symbols replay in step.
  const recordStart = once(async () => {
    if (typeof options.startAt === 'number') return options.startAt;
    const all = await Promise.all([...(await files()).keys()].map(barsOf));
    const firsts = all.map((bars) => bars[0]?.openTime).filter((t): t is number => t !== undefined);
    if (firsts.length === 0) throw new VenueError('replay', `no recorded bars in ${options.dir}`);
    const first = Math.min(...firsts);
    const wanted = options.startAt ? await options.startAt() : null;
    const end = Math.max(...all.map((bars) => (bars.at(-1)?.openTime ?? first) + FIVE_MINUTES));
    // A start past the recording would never show a bar: fall back to replaying from the beginning.
    return wanted !== null && wanted >= first && wanted < end ? wanted : first;
  });
  const replayNow = async () =>
    replayTime(options.clock(), { wallStart, recordStart: await recordStart(), speed });

  return {
    id: 'replay',
    replayNow,
    async symbols(assetType) {
      return assetType === 'crypto' ? [...(await files()).keys()] : [];
    },
    async fetchBars({ symbol, timeframe, since, limit }) {
      const bars = await barsOf(symbol);
      return visibleBars(bars, timeframe, await replayNow(), since, limit);
    },
  };
}

import type { AnalyticsStore } from '@tradehits/analytics/store';
import type { AssetType, Detection, SentimentReading } from '@tradehits/core';
import { DetectorState, type SentimentHandling } from '@tradehits/core/detector';
import type { MarketTick } from '@tradehits/core/engine';
import { AtrState } from '@tradehits/core/exits';
import type { DetectorSettings } from '@tradehits/core/params';
import { rangePct } from '@tradehits/core/safety';
import { type BarWithIndicators, TIMEFRAME_MS, type Timeframe } from '@tradehits/core/types';
import { READING_MAX_AGE_MS, sentimentForSymbols, sentimentScoreSeries } from '@tradehits/sentiment/reading';
import { anySentimentSourceConfigured } from '@tradehits/sentiment/sources/index';
import type { Services } from '@tradehits/trading';

/**
 * Live detection, incremental: one streaming `DetectorState` per symbol and timeframe, kept between
 * ticks and fed only the bars it has not seen. It is built (at the first tick after a start, when the
 * thresholds or the sentiment mode change, when time goes backwards, or when it fell more than
 * MAX_CATCH_UP_BARS behind) from the same history a backtest would have seen by then: the 30 days its
 * support low looks back over, and the sentiment as the recorded series at each bar's close, never
 * today's value spread over the past. The backtester runs the same state over the same bars, so both
 * find the same signals. One figure depends on how far back a state began: the share of past signals
 * that rose (`riseProbability`) counts the signals the state has seen, so a state rebuilt from 31 days
 * counts fewer than one running for months.
 */

/** Said on every detection and tick when no sentiment source is configured at all. */
export const SENTIMENT_OFF = 'sentiment off: no source configured';

const DAY_MS = 86_400_000;
/**
 * History a rebuilt state replays: the 30-day support window, plus a day so the evidence window, the
 * 20-bar volume average and the quiet period after a signal have settled before the bar being judged.
 */
const HISTORY_MS = 31 * DAY_MS;
/** A state further behind than this is rebuilt from history rather than fed bar by bar. */
const MAX_CATCH_UP_BARS = 288;

/** One symbol and timeframe's detector and the last bars it saw (for the circuit breaker's range). */
interface Lane {
  state: DetectorState;
  /** What the state was built with; a change rebuilds it. */
  key: string;
  /** openTime of the last bar pushed. */
  lastTime: number;
  /** The last `evidenceWindow` bars pushed, oldest first. */
  recent: BarWithIndicators[];
  /** ATR(14) over the bars pushed, as the backtester measures it for ATR-multiple exits. */
  atr: AtrState;
}

/** Lanes per analytics store: the state describes that store's bars. */
const lanesByStore = new WeakMap<AnalyticsStore, Map<string, Lane>>();
/** Scans of one store, asset type and timeframe run one at a time: they share lanes. */
const locks = new WeakMap<AnalyticsStore, Map<string, Promise<unknown>>>();

/** Forgets every detector state kept for `store`, so the next tick rebuilds them from history. */
export function resetDetectorStates(store: AnalyticsStore): void {
  lanesByStore.delete(store);
}

/** The adapters a scan reads and writes. */
export type ScanServices = Pick<Services, 'analytics' | 'config' | 'market' | 'bus'>;

/** Which bar a scan judges. */
export interface ScanRequest {
  assetType: AssetType;
  timeframe: Timeframe;
  /** openTime of the bar this tick is for. */
  barTime: number;
  /** The tick's instant: only bars closed by then count. */
  now: number;
}

/** The markets a tick judges, and what it left out and why. */
export interface MarketScan {
  markets: MarketTick[];
  /** Watched symbols without a bar at `barTime` (their newest closed bar, null when none is stored). */
  missing: { symbol: string; newest: number | null }[];
  /** How the engine treats sentiment: judged, or left out when no source is configured. */
  sentiment: SentimentHandling;
  settings: DetectorSettings;
  notes: string[];
}

/**
 * Detects on every watched symbol once (never per user) at `barTime`, stores the detections, and
 * returns the market view. Declines (`skipped`, with the reason) when a newer bar has already closed
 * and been stored, so a late tick never judges a stale bar, or when no symbol has a bar at `barTime`.
 */
export async function scanMarkets(
  services: ScanServices,
  request: ScanRequest,
): Promise<MarketScan | { skipped: string }> {
  const store = services.analytics;
  let byStore = locks.get(store);
  if (byStore === undefined) {
    byStore = new Map();
    locks.set(store, byStore);
  }
  const lockKey = `${request.assetType}:${request.timeframe}`;
  const previous = byStore.get(lockKey) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => scan(services, request));
  byStore.set(lockKey, run);
  try {
    return await run;
  } finally {
    if (byStore.get(lockKey) === run) byStore.delete(lockKey);
  }
}

async function scan(services: ScanServices, request: ScanRequest): Promise<MarketScan | { skipped: string }> {
  const { assetType, timeframe, barTime, now } = request;
  const store = services.analytics;
  const barMs = TIMEFRAME_MS[timeframe];
  const closedBy = now - barMs;
  if (barTime > closedBy) {
    return { skipped: `the ${timeframe} bar at ${iso(barTime)} has not closed at ${iso(now)}` };
  }
  const settings = services.config.DETECTOR_SETTINGS;
  const sentiment: SentimentHandling = anySentimentSourceConfigured(services.config) ? 'judge' : 'ignore';
  const key = `${sentiment}:${JSON.stringify(settings)}`;
  let lanes = lanesByStore.get(store);
  if (lanes === undefined) {
    lanes = new Map();
    lanesByStore.set(store, lanes);
  }

  const symbols = await services.market[assetType].symbols(assetType);
  // One read for every symbol: the bar this tick is for, and any bar that has closed since.
  const watched = new Set(symbols);
  const atBar = new Map<string, BarWithIndicators>();
  for (const b of await store.barsInRange(assetType, timeframe, { from: barTime, to: closedBy })) {
    if (!watched.has(b.symbol)) continue;
    if (b.openTime > barTime) {
      return {
        skipped: `stale: the ${timeframe} bar at ${iso(b.openTime)} (${b.symbol}) has closed since the bar at ${iso(barTime)} this tick was for`,
      };
    }
    atBar.set(b.symbol, b);
  }
  const fresh: { symbol: string; lane: Lane; bars: BarWithIndicators[] }[] = [];
  const missing: MarketScan['missing'] = [];
  for (const symbol of symbols) {
    const bar = atBar.get(symbol);
    if (bar === undefined) {
      const [newest] = await store.bars({ symbol, timeframe, to: closedBy, limit: 1 });
      missing.push({ symbol, newest: newest?.openTime ?? null });
      continue;
    }
    const laneKey = `${assetType}:${timeframe}:${symbol}`;
    const lane = lanes.get(laneKey);
    const usable = lane !== undefined && lane.key === key ? lane : undefined;
    let bars: BarWithIndicators[] = [];
    let rebuild = false;
    if (usable !== undefined && usable.lastTime === barTime) {
      // This bar again (a retried tick): the verdict stands.
    } else if (usable !== undefined && usable.lastTime + barMs === barTime) {
      bars = [bar]; // the usual tick: exactly the one new bar
    } else if (usable !== undefined && usable.lastTime < barTime) {
      bars = await store.bars({
        symbol,
        timeframe,
        from: usable.lastTime + 1,
        to: barTime,
        limit: MAX_CATCH_UP_BARS + 1,
      });
      rebuild = bars.length > MAX_CATCH_UP_BARS;
    } else {
      rebuild = true; // first tick, changed thresholds, or time went backwards (a replay restarted)
    }
    if (rebuild) bars = await store.bars({ symbol, timeframe, from: barTime - HISTORY_MS, to: barTime });
    const target: Lane =
      rebuild || usable === undefined
        ? {
            state: new DetectorState({ symbol, assetType, timeframe, settings, sentiment }),
            key,
            lastTime: Number.NEGATIVE_INFINITY,
            recent: [],
            atr: new AtrState(),
          }
        : usable;
    if (target !== lane) lanes.set(laneKey, target);
    fresh.push({ symbol, lane: target, bars });
  }
  if (fresh.length === 0) {
    const newest = missing.reduce((t, m) => Math.max(t, m.newest ?? Number.NEGATIVE_INFINITY), -Infinity);
    return {
      skipped: `no ${timeframe} bar at ${iso(barTime)} is stored (newest ${Number.isFinite(newest) ? iso(newest) : 'none'})`,
    };
  }

  // The reading at the bar's close, for every symbol in one go.
  const readings =
    sentiment === 'judge'
      ? await sentimentForSymbols(
          store,
          fresh.map((f) => f.symbol),
          barTime + barMs,
        )
      : null;
  const markets: MarketTick[] = [];
  const detections: Detection[] = [];
  for (const { symbol, lane, bars } of fresh) {
    const reading = readings?.get(symbol) ?? null;
    if (bars.length > 0) {
      await feed(store, lane, bars, reading, settings.evidenceWindow, barMs);
    }
    const detection = lane.state.detection();
    // The detector says "ignored", as a backtest does; live it is off because nothing is configured.
    if (sentiment === 'ignore')
      detection.notes = detection.notes.map((n) => (n === 'sentiment ignored' ? SENTIMENT_OFF : n));
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    for (const b of lane.recent) {
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
    }
    detections.push(detection);
    markets.push({
      symbol,
      assetType,
      bar: lane.state.bar!,
      detection,
      sentiment: reading,
      recentRangePct: rangePct(high, low),
      atr: lane.atr.value,
    });
  }
  await store.upsertDetections(detections);
  services.bus.publish({
    type: 'detections',
    assetType,
    timeframe,
    barTime,
    symbols: detections.map((d) => d.symbol),
  });
  for (const d of detections) {
    if (d.isLowestPoint) services.bus.publish({ type: 'detection', detection: d });
  }
  return { markets, missing, sentiment, settings, notes: sentiment === 'ignore' ? [SENTIMENT_OFF] : [] };
}

/**
 * Pushes `bars` (oldest first, all newer than the lane's last) into the lane's state. Earlier bars get
 * the recorded sentiment score at their close; the last gets `reading`, the full reading at its close.
 */
async function feed(
  store: AnalyticsStore,
  lane: Lane,
  bars: readonly BarWithIndicators[],
  reading: SentimentReading | null,
  window: number,
  barMs: number,
): Promise<void> {
  const state = lane.state;
  const judging = state.sentimentHandling === 'judge';
  let scoreAt: ((asOf: number) => number | null) | null = null;
  if (judging && bars.length > 1) {
    const aggregates = await store.sentimentTimeline({
      symbol: state.symbol,
      window: '24h',
      from: bars[0]!.openTime + barMs - READING_MAX_AGE_MS,
      to: bars.at(-1)!.openTime,
    });
    scoreAt = sentimentScoreSeries(aggregates);
  }
  const last = bars.length - 1;
  for (let i = 0; i <= last; i++) {
    const bar = bars[i]!;
    let r: SentimentReading | null = null;
    if (i === last) r = reading;
    else if (scoreAt !== null) {
      const score = scoreAt(bar.openTime + barMs);
      r = score === null ? null : { score, politicalMin: null, politicalScore: null };
    }
    state.push(bar, r);
    lane.lastTime = bar.openTime;
    lane.recent.push(bar);
    if (lane.recent.length > window) lane.recent.shift();
    lane.atr.push(bar);
  }
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

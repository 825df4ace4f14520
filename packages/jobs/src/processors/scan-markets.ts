import type { AssetType, Detection, SentimentReading } from '@tradehits/core';
import { detectSeries } from '@tradehits/core/detector';
import type { MarketTick } from '@tradehits/core/engine';
import { rangePct } from '@tradehits/core/safety';
import { TIMEFRAME_MS } from '@tradehits/core/types';
import { sentimentFor } from '@tradehits/sentiment/reading';
import type { Services } from '../runner';

/** Bars of history the detector sees each tick: seven days of 5m bars covers its 24 h and 7 d lows. */
const HISTORY_BARS = 7 * 288 + 48;
/** The circuit breaker judges the range of the last hour of 5m bars. */
const BREAKER_BARS = 12;
const BAR_MS = TIMEFRAME_MS['5m'];

/** Detects on every symbol once (never per user), stores the detections, and returns the market view. */
export async function scanMarkets(services: Services, assetType: AssetType, now: number) {
  const symbols = await services.market[assetType].symbols(assetType);
  const markets: MarketTick[] = [];
  const detections: Detection[] = [];
  for (const symbol of symbols) {
    // Only bars that have closed by `now`.
    const bars = await services.analytics.bars({
      symbol,
      timeframe: '5m',
      to: now - BAR_MS,
      limit: HISTORY_BARS,
    });
    const last = bars.at(-1);
    if (!last) continue;
    const sentiment: SentimentReading | null = await sentimentFor(services.analytics, symbol, now);
    const series = detectSeries(bars, { symbol, assetType, timeframe: '5m', sentiment: 'judge' }, sentiment);
    const detection = series.at(-1)!;
    let high = -Infinity;
    let low = Infinity;
    for (const b of bars.slice(-BREAKER_BARS)) {
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
    }
    detections.push(detection);
    markets.push({ symbol, assetType, bar: last, detection, sentiment, recentRangePct: rangePct(high, low) });
  }
  await services.analytics.upsertDetections(detections);
  for (const d of detections) {
    if (d.isLowestPoint) services.bus.publish({ type: 'detection', detection: d });
  }
  return markets;
}

import { resampleBars } from '@tradehits/core/resample';
import { type Bar, type BarWithIndicators, TIMEFRAME_MS, type Timeframe } from '@tradehits/core/types';

/**
 * A bar as a candle chart draws it. `forming` marks a bar built in the browser from 5-minute bars for a
 * period whose own bar is not stored yet: 'current' for the period still running (the newest 5m bar
 * falls in it), 'pending' for an earlier period that has closed but whose bar has not been ingested.
 */
export type ChartBar = BarWithIndicators & { forming?: 'current' | 'pending' };

/** Indicators are computed by the server on stored bars only: a bar built here has none. */
const NO_INDICATORS = {
  rsi14: null,
  macd: null,
  macdSignal: null,
  macdHist: null,
  bbUpper: null,
  bbMiddle: null,
  bbLower: null,
  sma9: null,
  sma21: null,
  sma50: null,
  sma200: null,
  ema9: null,
  ema21: null,
  vwap: null,
} as const satisfies Omit<BarWithIndicators, keyof Bar>;

/**
 * The stored bars of an hourly or daily series (oldest first), followed by the bars of the periods after
 * the newest stored one, built from the 5-minute bars (oldest first) as the ingest would: open of the
 * first, highest high, lowest low, close of the last, summed volume. The newest is the forming bar; once
 * a period's real bar is stored it replaces the built one. Missing 5m bars make a built bar thinner; a
 * period with no 5m bar gets none; a period that began before the first 5m bar given is left out, since
 * its open is unknown. 5-minute series are returned as they are.
 */
export function withFormingBars(
  stored: readonly BarWithIndicators[],
  fiveMinute: readonly Bar[],
  timeframe: Timeframe,
): ChartBar[] {
  const first5m = fiveMinute[0];
  if (timeframe === '5m' || first5m === undefined) return [...stored];
  const periodMs = TIMEFRAME_MS[timeframe];
  const newestStored = stored.at(-1)?.openTime;
  // Periods start where the stored series' do: UTC midnight for crypto days, New York midnight (04:00
  // or 05:00 UTC) for a stock's, so a built bar has the open time its real bar will have.
  const phase = newestStored === undefined ? 0 : ((newestStored % periodMs) + periodMs) % periodMs;
  // The first period that may be built: after the newest stored bar, and wholly inside the 5m bars.
  const from = Math.max(
    newestStored === undefined ? Number.NEGATIVE_INFINITY : newestStored + periodMs,
    Math.ceil((first5m.openTime - phase) / periodMs) * periodMs + phase,
  );
  const shifted = fiveMinute
    .filter((b) => b.openTime >= from)
    .map((b) => ({ ...b, openTime: b.openTime - phase }));
  const built = resampleBars(shifted, timeframe).map((b) => ({ ...b, openTime: b.openTime + phase }));
  return [
    ...stored,
    ...built.map(
      (bar, i): ChartBar => ({
        ...bar,
        ...NO_INDICATORS,
        forming: i === built.length - 1 ? 'current' : 'pending',
      }),
    ),
  ];
}

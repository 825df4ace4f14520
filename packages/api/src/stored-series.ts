import type { AnalyticsStore } from '@tradehits/analytics';
import { assetTypeOf } from '@tradehits/core/symbols';
import type { Timeframe } from '@tradehits/core/types';
import { TRPCError } from '@trpc/server';

/** Enough for 20 symbols × a month of 5-minute bars, and far below what would stall the server. */
export const MAX_BARS_PER_SYMBOL = 60_000;

/**
 * The stored bars of each symbol (once each) over [from, to], for a backtest or a study; a symbol with
 * none in that period is refused by name rather than silently left out.
 */
export async function storedSeries(
  analytics: AnalyticsStore,
  symbols: string[],
  timeframe: Timeframe,
  range: { from?: number; to?: number },
) {
  const series = await Promise.all(
    [...new Set(symbols)].map(async (symbol) => ({
      symbol,
      assetType: assetTypeOf(symbol),
      bars: await analytics.bars({ symbol, timeframe, ...range, limit: MAX_BARS_PER_SYMBOL }),
    })),
  );
  const empty = series.filter((s) => s.bars.length === 0).map((s) => s.symbol);
  if (empty.length) {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `No ${timeframe} bars stored for ${empty.join(', ')} in that period.`,
    });
  }
  return series;
}

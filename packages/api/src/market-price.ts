import { TRPCError } from '@trpc/server';
import type { Context } from './trpc';

/** The last close of a symbol's newest 5-minute bar: the price manual trades and valuations use. */
export async function lastPrice(ctx: Context, symbol: string): Promise<number> {
  const [bar] = await ctx.analytics.bars({ symbol, timeframe: '5m', limit: 1 });
  if (!bar)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `No price for ${symbol} yet: its bars have not been ingested.`,
    });
  return bar.close;
}

/** Bars a manual order reads: enough for an ATR(14) to settle. */
const RECENT_BARS = 100;

/** A symbol's newest 5-minute bars, oldest first (never empty): the last close prices an order. */
export async function recentBars(ctx: Context, symbol: string) {
  const bars = await ctx.analytics.bars({ symbol, timeframe: '5m', limit: RECENT_BARS });
  if (bars.length === 0)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `No price for ${symbol} yet: its bars have not been ingested.`,
    });
  return bars;
}

/** Last prices for several symbols; a symbol with no bars is left out. */
export async function lastPrices(ctx: Context, symbols: Iterable<string>): Promise<Map<string, number>> {
  const entries = await Promise.all(
    [...new Set(symbols)].map(async (s) => {
      const [bar] = await ctx.analytics.bars({ symbol: s, timeframe: '5m', limit: 1 });
      return bar ? ([s, bar.close] as const) : null;
    }),
  );
  return new Map(entries.filter((e) => e !== null));
}

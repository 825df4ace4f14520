import { runBacktest } from '@tradehits/core/backtest';
import { isMarketOpen } from '@tradehits/core/calendar';
import { backtestParamsSchema } from '@tradehits/core/params';
import { assetTypeOf } from '@tradehits/core/symbols';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { instantInput, symbolInput } from '../inputs';
import { authedProcedure, router } from '../trpc';

/** Enough for 20 symbols × a month of 5-minute bars, and far below what would stall the server. */
const MAX_BARS_PER_SYMBOL = 60_000;

export const backtestRouter = router({
  /** Replays stored bars through the same detector and engine the live ticks use. */
  run: authedProcedure
    .input(
      z
        .object({
          symbols: z.array(symbolInput).min(1, 'Choose at least one symbol').max(20, 'At most 20 symbols'),
          from: instantInput.optional(),
          to: instantInput.optional(),
          params: backtestParamsSchema.prefault({}),
        })
        .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, 'From must be before to'),
    )
    .mutation(async ({ ctx, input }) => {
      const timeframe = input.params.timeframe;
      const series = await Promise.all(
        [...new Set(input.symbols)].map(async (symbol) => ({
          symbol,
          assetType: assetTypeOf(symbol),
          bars: await ctx.analytics.bars({
            symbol,
            timeframe,
            from: input.from,
            to: input.to,
            limit: MAX_BARS_PER_SYMBOL,
          }),
        })),
      );
      const empty = series.filter((s) => s.bars.length === 0).map((s) => s.symbol);
      if (empty.length) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `No ${timeframe} bars stored for ${empty.join(', ')} in that period.`,
        });
      }
      return runBacktest(series, { params: input.params, isMarketOpen });
    }),
});

import { backtestParamsSchema } from '@tradehits/core/params';
import { assetTypeOf } from '@tradehits/core/symbols';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { BacktestInputError, runBacktestOffThread } from '../backtest-pool';
import { instantInput, symbolInput } from '../inputs';
import { authedProcedure, router } from '../trpc';

/** Enough for 20 symbols × a month of 5-minute bars, and far below what would stall the server. */
const MAX_BARS_PER_SYMBOL = 60_000;

export const backtestRouter = router({
  /**
   * Replays stored bars through the same detector and engine the live ticks use, on a worker thread so
   * the server keeps answering; progress goes to the caller over the live feed.
   */
  run: authedProcedure
    .input(
      z
        .object({
          symbols: z.array(symbolInput).min(1, 'Choose at least one symbol').max(20, 'At most 20 symbols'),
          from: instantInput.optional(),
          to: instantInput.optional(),
          params: backtestParamsSchema.prefault({}),
          /** Names the run in the `backtest.progress` events the live feed sends while it computes. */
          runId: z.uuid('Not a valid run id').optional(),
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
      const { runId } = input;
      const userId = ctx.user.id;
      try {
        return await runBacktestOffThread(series, input.params, (done, total) => {
          if (runId) ctx.bus.publish({ type: 'backtest.progress', userId, runId, done, total });
        });
      } catch (err) {
        // The backtester refuses bad input (e.g. a stock without calendar data) with a clear message;
        // anything else (a crashed thread) is ours and reaches the client as an error id.
        if (err instanceof BacktestInputError)
          throw new TRPCError({ code: 'BAD_REQUEST', message: err.message, cause: err });
        throw err;
      }
    }),
});

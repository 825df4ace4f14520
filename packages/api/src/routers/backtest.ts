import { backtestParamsSchema } from '@tradehits/core/params';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { BacktestInputError, runBacktestOffThread } from '../backtest-pool';
import { instantInput, symbolInput } from '../inputs';
import { storedSeries } from '../stored-series';
import { authedProcedure, router } from '../trpc';

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
      const series = await storedSeries(ctx.analytics, input.symbols, timeframe, input);
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

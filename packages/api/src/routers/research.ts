import { EXIT_RULE_MASK, tradeParametersSchema } from '@tradehits/core/params';
import { runStudy } from '@tradehits/core/study';
import { audit, getOptimizerRun, listOptimizerRuns, updateParameters } from '@tradehits/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { idInput, instantInput, symbolInput } from '../inputs';
import { storedSeries } from '../stored-series';
import { authedProcedure, router } from '../trpc';

/** The parameters an optimiser run recommends: a trader's own exit and entry fields. */
const recommendedSchema = tradeParametersSchema.pick({
  ...EXIT_RULE_MASK,
  buyAtLowestOnly: true,
  maxConcurrentTrades: true,
});

export const researchRouter = router({
  /** The signal study over stored 5m bars: forward returns, excursions and accuracy per detection. */
  study: authedProcedure
    .input(
      z
        .object({
          symbols: z.array(symbolInput).min(1, 'Choose at least one symbol').max(20, 'At most 20 symbols'),
          timeframes: z
            .array(z.enum(['5m', '1h'], { error: 'The study runs on 5m and 1h' }))
            .min(1, 'Choose a timeframe')
            .default(['5m', '1h']),
          from: instantInput.optional(),
          to: instantInput.optional(),
          seed: z.number().int().min(0).max(4_294_967_295).default(1),
        })
        .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, 'From must be before to'),
    )
    .query(async ({ ctx, input }) => {
      const series = await storedSeries(ctx.analytics, input.symbols, '5m', input);
      return runStudy({
        series,
        timeframes: [...new Set(input.timeframes)],
        bootstrap: { resamples: 1_000, level: 0.95, seed: input.seed },
      });
    }),

  /** The latest walk-forward runs with their in-sample and out-of-sample figures. */
  optimizerRuns: authedProcedure.query(async ({ ctx }) => listOptimizerRuns(ctx.db, 20)),

  /** Writes a run's recommended (out-of-sample tested) parameters into one of the trader's own rows. */
  applyOptimizerRun: authedProcedure
    .input(z.object({ runId: idInput, parametersId: idInput }))
    .mutation(async ({ ctx, input }) => {
      const run = await getOptimizerRun(ctx.db, input.runId);
      if (run === null) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such optimiser run.' });
      const parsed = recommendedSchema.safeParse(run.recommended);
      if (!parsed.success) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: 'That run recommends parameters this version cannot apply.',
        });
      }
      const p = parsed.data;
      const row = await updateParameters(ctx.db, ctx.user.id, input.parametersId, {
        takeProfitPct: p.takeProfitPct,
        stopLossPct: p.stopLossPct,
        buyAtLowestOnly: p.buyAtLowestOnly,
        maxConcurrentTrades: p.maxConcurrentTrades,
        takeProfitAtr: p.takeProfitAtr,
        stopLossAtr: p.stopLossAtr,
        trailingStopPct: p.trailingStopPct,
        breakEvenAfterPct: p.breakEvenAfterPct,
        maxHoldingHours: p.maxHoldingHours,
      });
      if (row === null) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such parameters.' });
      await audit(ctx.db, {
        actorId: ctx.user.id,
        action: 'parameters.apply-optimizer-run',
        targetType: 'trade_parameters',
        targetId: row.id,
        details: { runId: run.id, applied: p },
      });
      return { parametersId: row.id, applied: p };
    }),
});

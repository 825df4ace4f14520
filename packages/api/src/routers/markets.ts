import { marketStatus } from '@tradehits/core/calendar';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { barsCacheFor } from '../bars-cache';
import { assetTypeInput, instantInput, symbolInput, timeframeInput } from '../inputs';
import { authedProcedure, router } from '../trpc';

export const marketsRouter = router({
  /** The symbols watched for an asset type. */
  symbols: authedProcedure
    .input(z.object({ assetType: assetTypeInput }))
    .query(({ ctx, input }) => ctx.services.market[input.assetType].symbols(input.assetType)),

  /**
   * Bars with their indicators, oldest first; the newest `limit` in the range. Answered as `BarColumns`
   * JSON text from the in-memory bars cache, with an ETag so a browser revalidates instead of refetching.
   */
  bars: authedProcedure
    .input(
      z
        .object({
          symbol: symbolInput,
          timeframe: timeframeInput,
          from: instantInput.optional(),
          to: instantInput.optional(),
          limit: z.number().int().min(1, 'Limit is 1 to 5000').max(5000, 'Limit is 1 to 5000').default(500),
        })
        .refine(
          (q) => q.from === undefined || q.to === undefined || q.from <= q.to,
          'From must not be after to',
        ),
    )
    .query(({ ctx, input }) => barsCacheFor(ctx.analytics, ctx.bus).answer(input)),

  /** The newest 5-minute bar of every symbol of an asset type. */
  latest: authedProcedure
    .input(z.object({ assetType: assetTypeInput }))
    .query(({ ctx, input }) => ctx.analytics.latestBars(input.assetType, '5m')),

  /** NYSE regular session now: open or closed, why, and the next open and close. */
  marketStatus: authedProcedure.query(({ ctx }) => {
    try {
      return marketStatus(ctx.services.now().getTime());
    } catch (err) {
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: (err as Error).message });
    }
  }),

  /** Recent lowest points the detector found. */
  lowestPoints: authedProcedure
    .input(z.object({ assetType: assetTypeInput, limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) =>
      ctx.analytics.detections({ assetType: input.assetType, lowestOnly: true, limit: input.limit }),
    ),

  /** The newest detection per symbol (every condition, lowest or not), for the panel's context. */
  detections: authedProcedure
    .input(
      z.object({
        assetType: assetTypeInput,
        symbol: symbolInput.optional(),
        limit: z.number().int().min(1).max(500).default(50),
      }),
    )
    .query(({ ctx, input }) => ctx.analytics.detections(input)),
});

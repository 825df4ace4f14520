import type { PoliticalPost } from '@tradehits/core';
import { analyzeText } from '@tradehits/sentiment';
import { z } from 'zod';
import { instantInput, symbolInput } from '../inputs';
import { authedProcedure, router } from '../trpc';

const HOUR = 3_600_000;

export const sentimentRouter = router({
  /** The symbol's newest 1 h and 24 h aggregates (null where nothing was said). */
  aggregated: authedProcedure.input(z.object({ symbol: symbolInput })).query(async ({ ctx, input }) => {
    const now = ctx.services.now().getTime();
    const [h1, h24] = await Promise.all([
      ctx.analytics.latestSentimentAggregate(input.symbol, '1h', now),
      ctx.analytics.latestSentimentAggregate(input.symbol, '24h', now),
    ]);
    return { h1, h24 };
  }),

  /** Political posts of the last `hours`, newest first, with the assets they mention. */
  politicalPosts: authedProcedure
    .input(
      z.object({
        hours: z.number().int().min(1, 'Hours is 1 to 720').max(720, 'Hours is 1 to 720').default(24),
      }),
    )
    .query(async ({ ctx, input }) => {
      const now = ctx.services.now().getTime();
      const posts = await ctx.analytics.politicalPosts({ from: now - input.hours * HOUR, to: now });
      return posts.sort((a: PoliticalPost, b: PoliticalPost) => b.postedAt - a.postedAt);
    }),

  /** Hourly aggregates over a range (default: the last 7 days). */
  timeline: authedProcedure
    .input(z.object({ symbol: symbolInput, from: instantInput.optional(), to: instantInput.optional() }))
    .query(({ ctx, input }) => {
      const to = input.to ?? ctx.services.now().getTime();
      const from = input.from ?? to - 7 * 24 * HOUR;
      return ctx.analytics.sentimentTimeline({ symbol: input.symbol, window: '1h', from, to });
    }),

  /** Scores up to 100 texts: score (−100…100), category and the symbols each mentions. */
  analyze: authedProcedure
    .input(
      z.object({
        texts: z
          .array(z.string().max(5000, 'A text is at most 5000 characters'))
          .min(1, 'Send at least one text')
          .max(100, 'At most 100 texts a call'),
      }),
    )
    .mutation(({ input }) => input.texts.map((text) => analyzeText(text))),
});

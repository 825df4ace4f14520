import type { AnalyticsStore } from '@tradehits/analytics';
import type { PoliticalPost, SentimentAggregate } from '@tradehits/core';
import { analyzeText } from '@tradehits/sentiment';
import { z } from 'zod';
import { instantInput, symbolInput } from '../inputs';
import { authedProcedure, router } from '../trpc';

const HOUR = 3_600_000;

/**
 * How long one symbol's `aggregated` answer is shared, by the service clock. Aggregates are written
 * every 5 minutes and each answer costs two analytics queries (on DuckDB, behind one connection), so a
 * dashboard per user refreshing it costs two queries per symbol this often instead.
 */
export const AGGREGATED_TTL_MS = 10_000;

interface Aggregated {
  h1: SentimentAggregate | null;
  h24: SentimentAggregate | null;
}

/** Per store, the answers of the current time slot by symbol; a failed load is not kept. */
const aggregatedAnswers = new WeakMap<
  AnalyticsStore,
  { slot: number; bySymbol: Map<string, Promise<Aggregated>> }
>();

/** The symbol's newest 1 h and 24 h aggregates as of `now`, shared within one `AGGREGATED_TTL_MS` slot. */
function aggregated(store: AnalyticsStore, symbol: string, now: number): Promise<Aggregated> {
  const slot = Math.floor(now / AGGREGATED_TTL_MS);
  let answers = aggregatedAnswers.get(store);
  if (answers?.slot !== slot) {
    answers = { slot, bySymbol: new Map() };
    aggregatedAnswers.set(store, answers);
  }
  let answer = answers.bySymbol.get(symbol);
  if (!answer) {
    const bySymbol = answers.bySymbol;
    answer = Promise.all([
      store.latestSentimentAggregate(symbol, '1h', now),
      store.latestSentimentAggregate(symbol, '24h', now),
    ]).then(([h1, h24]) => ({ h1, h24 }));
    bySymbol.set(symbol, answer);
    answer.catch(() => bySymbol.delete(symbol));
  }
  return answer;
}

export const sentimentRouter = router({
  /** The symbol's newest 1 h and 24 h aggregates (null where nothing was said). */
  aggregated: authedProcedure
    .input(z.object({ symbol: symbolInput }))
    .query(({ ctx, input }) => aggregated(ctx.analytics, input.symbol, ctx.services.now().getTime())),

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

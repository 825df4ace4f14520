import { randomUUID } from 'node:crypto';
import { isMarketOpen, marketStatus } from '@tradehits/core/calendar';
import { manualExitsSchema } from '@tradehits/core/params';
import { requiresApproval } from '@tradehits/core/safety';
import { activeTrades, type Db, getTrade, listOrders, tradeHistory } from '@tradehits/db';
import { closeTrade, currentSafety, manualExitPlan, openTrade } from '@tradehits/trading';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { assetTypeInput, idInput, symbolInput, usdInput } from '../inputs';
import { lastPrice, recentBars } from '../market-price';
import { snapshotCache } from '../snapshot-cache';
import { authedProcedure, type Context, router } from '../trpc';
import { tradeView } from '../views';

const executeInput = z.discriminatedUnion('side', [
  manualExitsSchema.extend({
    side: z.literal('buy'),
    assetType: assetTypeInput,
    symbol: symbolInput,
    amount: usdInput,
    mode: z.enum(['paper', 'live']).default('paper'),
    /** Sent again on a retry, so a double submit buys once. */
    idempotencyKey: z.uuid().optional(),
  }),
  z.object({ side: z.literal('sell'), tradeId: idInput }),
]);

async function sell(ctx: Context & { user: { id: string } }, tradeId: string) {
  const trade = await getTrade(ctx.db, tradeId);
  if (!trade || trade.userId !== ctx.user.id)
    throw new TRPCError({ code: 'NOT_FOUND', message: 'No such trade.' });
  // A live position already closing may have a sell whose answer was lost: closing again looks it up.
  if (trade.status !== 'open' && !(trade.status === 'closing' && !trade.isPaper))
    throw new TRPCError({
      code: 'CONFLICT',
      message: `This trade is ${trade.status.replace('_', ' ')}, not open.`,
    });
  // A live sale fills at the venue's price; a paper one at the last price.
  const price = trade.isPaper ? await lastPrice(ctx, trade.symbol) : Number.NaN;
  const closed = await closeTrade(ctx.services, trade.id, price, 'manual', ctx.services.now(), ctx.user.id);
  if (closed) return tradeView(closed);
  const now = await getTrade(ctx.db, trade.id);
  if (now?.status === 'closing')
    throw new TRPCError({
      code: 'CONFLICT',
      message: 'The sale was sent; the venue has not confirmed it yet.',
    });
  if (now?.status === 'open' && !trade.isPaper) {
    const last = (await listOrders(ctx.db, trade.id)).at(-1);
    throw new TRPCError({
      code: 'CONFLICT',
      message: `The venue did not sell: ${last?.reason ?? 'no answer'}. The trade is still open.`,
    });
  }
  throw new TRPCError({ code: 'CONFLICT', message: 'This trade was closed already.' });
}

/**
 * Each user's active trades, kept while nothing was committed: the dashboard asks on every refresh,
 * and one snapshot read costs a fraction of the query (a fifth on PGlite, which runs on this thread).
 */
const activeTradesByDb = new WeakMap<Db, (userId: string) => ReturnType<typeof activeTrades>>();

function activeTradesOf(db: Db, userId: string) {
  let cached = activeTradesByDb.get(db);
  if (!cached) {
    cached = snapshotCache(db, (id) => activeTrades(db, id));
    activeTradesByDb.set(db, cached);
  }
  return cached(userId);
}

const REFUSALS: Record<string, string> = {
  'insufficient-balance': 'Not enough balance for this amount plus fees.',
  'max-concurrent': 'You hold your maximum number of open trades.',
  'amount-too-small': 'The amount is too small to buy any quantity at this price.',
  'no-live-account': 'Link a live account before trading with real money.',
  'already-open': 'You already hold this symbol.',
  'awaiting-venue': 'The order was sent; the venue has not confirmed it yet.',
  duplicate: 'This order was placed already.',
};

export const tradesRouter = router({
  /** A manual buy (paper or live, behind the same rails as the engine) or the sale of an open trade. */
  execute: authedProcedure.input(executeInput).mutation(async ({ ctx, input }) => {
    if (input.side === 'sell') return sell(ctx, input.tradeId);
    const now = ctx.services.now();
    if (input.assetType === 'stock' && !isMarketOpen(now.getTime())) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: `The stock market is closed (${marketStatus(now.getTime()).reason}).`,
      });
    }
    const { side: _side, assetType, symbol, amount: amountCents, mode, idempotencyKey, ...exits } = input;
    const recent = await recentBars(ctx, symbol);
    const rule = await manualExitPlan(ctx.services, {
      userId: ctx.user.id,
      assetType,
      symbol,
      recent,
      exits,
    });
    const safety = await currentSafety(ctx.services);
    const result = await openTrade(ctx.services, {
      userId: ctx.user.id,
      assetType,
      mode,
      symbol,
      amountCents,
      price: recent.at(-1)!.close,
      takeProfitPct: rule.plan.takeProfitPct,
      stopLossPct: rule.plan.stopLossPct,
      exits: rule.plan,
      maxConcurrentTrades: rule.maxConcurrentTrades,
      clientOrderId: `manual:${ctx.user.id}:${idempotencyKey ?? randomUUID()}`,
      executionReason: 'manual',
      requiresApproval: requiresApproval(mode, safety),
      at: now,
    });
    if (!result.ok) {
      // The safety gate's refusals are the user's to respect, not conflicts to retry.
      const gated = result.message !== undefined;
      throw new TRPCError({
        code: gated ? 'FORBIDDEN' : 'CONFLICT',
        message: result.message ?? REFUSALS[result.reason] ?? result.reason,
      });
    }
    return tradeView(result.trade);
  }),

  /** Open and pending trades. */
  active: authedProcedure.query(async ({ ctx }) =>
    (await activeTradesOf(ctx.db, ctx.user.id)).map(tradeView),
  ),

  /** Ended trades, newest first, a page at a time. */
  history: authedProcedure
    .input(
      z
        .object({ limit: z.number().int().min(1).max(200).default(50), cursor: z.date().optional() })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const items = await tradeHistory(ctx.db, ctx.user.id, input.limit + 1, input.cursor);
      const more = items.length > input.limit;
      const page = more ? items.slice(0, input.limit) : items;
      return { items: page.map(tradeView), nextCursor: more ? page.at(-1)!.createdAt : null };
    }),

  /** Sells an open trade at the market. */
  close: authedProcedure
    .input(z.object({ tradeId: idInput }))
    .mutation(({ ctx, input }) => sell(ctx, input.tradeId)),
});

import { recordJobRuns } from '@tradehits/db';
import { markTriggeringPosts } from '@tradehits/sentiment/political';
import { classify, closeTrade, openTrade, recoverInterruptedOrder, type Services } from '@tradehits/trading';
import type { TradingOrder } from '../contracts';
import type { Processor } from '../runner';

/** What one order job did; `failed` carries the reason recorded for it. */
export interface OrderOutcome {
  kind: TradingOrder['kind'];
  done: boolean;
  refused?: string;
  failed?: string;
}

/**
 * Runs one live order through the trading layer: an entry (gate, cash hold, approval or venue), an exit
 * (claimed before the venue is asked), or the recovery of an interrupted order. A refusal is recorded
 * as a skip with its reason; a failure with its reason and whether a retry may pass, and never throws,
 * so a queue of orders keeps going whatever one of them meets.
 */
export async function runTradingOrder(services: Services, order: TradingOrder): Promise<OrderOutcome> {
  const at = new Date(order.at);
  const userId = order.kind === 'entry' ? order.request.userId : undefined;
  const symbol = order.kind === 'entry' ? order.request.symbol : undefined;
  try {
    if (order.kind === 'entry') {
      const r = await openTrade(services, { ...order.request, at });
      if (r.ok) {
        await markTriggeringPosts(services.analytics, [order.request.symbol], at.getTime());
        return { kind: order.kind, done: true };
      }
      await recordJobRuns(services.db, [
        {
          job: 'trading.order',
          symbol,
          status: 'skipped',
          error: r.reason,
          detail: { userId, clientOrderId: order.request.clientOrderId },
        },
      ]);
      return { kind: order.kind, done: false, refused: r.reason };
    }
    if (order.kind === 'exit') {
      const closed = await closeTrade(services, order.tradeId, order.price, order.reason, at);
      return { kind: order.kind, done: closed !== null };
    }
    return { kind: order.kind, done: await recoverInterruptedOrder(services, order.ref) };
  } catch (err) {
    const f = classify(err);
    services.log.error({ kind: order.kind, userId, symbol, reason: f.reason }, 'order failed');
    await recordJobRuns(services.db, [
      {
        job: 'trading.order',
        symbol,
        status: 'failed',
        error: f.reason,
        detail: {
          userId,
          retryable: f.retryable,
          ...(order.kind === 'entry' ? { clientOrderId: order.request.clientOrderId } : {}),
          ...(order.kind === 'exit' ? { tradeId: order.tradeId } : {}),
          ...(order.kind === 'recover' ? order.ref : {}),
        },
      },
    ]);
    return { kind: order.kind, done: false, failed: f.reason };
  }
}

export const tradingOrderProcessor: Processor<'trading.order'> = (order, { services }) =>
  runTradingOrder(services, order);

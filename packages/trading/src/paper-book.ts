import type { ExitReason } from '@tradehits/core';
import { centsToNumber } from '@tradehits/core/money';
import { openLedger, paperBuy } from '@tradehits/core/paper';
import { quoteCurrency } from '@tradehits/core/symbols';
import {
  bookPaperEntries,
  bookPaperExits,
  type PaperClosed,
  type PaperEntry,
  type PaperExit,
  type TradeRow,
} from '@tradehits/db';
import { type CostBar, paperFillCosts } from './costs';
import {
  closeTrade,
  detectionFields,
  levels,
  noExitRate,
  type OpenRequest,
  openTrade,
  PAPER_CURRENCY,
  planOf,
  sellPaperPosition,
} from './execution';
import { classify, type Failure } from './failures';
import { currentSafety } from './gate';
import { ENTRY_RATE_MAX_AGE_MS, paperUsdRate } from './rates';
import type { Services } from './services';

/**
 * A tick's paper fills booked set-based: the fills are computed here with the same pure functions and
 * cost model as one-by-one `openTrade`/`closeTrade`, then written in a few statements per batch
 * (packages/db paper-book.ts), so 10,000 users cost what a handful of statements cost. Live orders
 * never come here: they go to the venue one by one through their own order jobs.
 */

/** A paper entry as the engine decided it, with the account it books against. */
export interface PaperOpen {
  request: OpenRequest;
  accountId: string;
}

/** What became of one paper entry: booked, refused with a reason, or failed (`failure` says whether a retry may help). */
export type PaperOpened = { ok: true; tradeId: string } | { ok: false; reason: string; failure?: Failure };

/**
 * Batches booked side by side, each over its own accounts (so they never wait on each other's locks):
 * the database writes them on two cores at once. Kept below the pool's size so the API keeps connections.
 */
const BOOKING_LANES = 2;

/** Splits `items` into lanes by account, every account's items in one lane, in their order. */
function byAccountLanes<T>(items: readonly T[], accountOf: (item: T) => string): T[][] {
  const laneOf = new Map<string, number>();
  const lanes: T[][] = Array.from({ length: BOOKING_LANES }, () => []);
  for (const item of items) {
    const account = accountOf(item);
    let lane = laneOf.get(account);
    if (lane === undefined) {
      lane = laneOf.size % BOOKING_LANES;
      laneOf.set(account, lane);
    }
    lanes[lane]!.push(item);
  }
  return lanes.filter((l) => l.length > 0);
}

/**
 * Books each lane with `book`, side by side; a lane that fails leaves the others booked and comes back
 * with its items and why.
 */
async function bookLanes<T, R>(lanes: T[][], book: (lane: T[]) => Promise<R>) {
  const settled = await Promise.allSettled(lanes.map(book));
  const booked: R[] = [];
  const failed: { items: T[]; failure: Failure }[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') booked.push(s.value);
    else failed.push({ items: lanes[i]!, failure: classify(s.reason) });
  });
  return { booked, failed };
}

/** Paper conversion rates read once per currency and instant, as `openTrade` and `closeTrade` read them. */
function rateCache(services: Services, maxAgeMs?: number) {
  const rates = new Map<string, Promise<number | null>>();
  return (currency: string, at: Date) => {
    const key = `${currency}@${at.getTime()}`;
    let rate = rates.get(key);
    if (rate === undefined) {
      rate =
        currency === PAPER_CURRENCY ? Promise.resolve(1) : paperUsdRate(services, currency, at, maxAgeMs);
      rates.set(key, rate);
    }
    return rate;
  };
}

/** A ledger large enough that only the database's guard decides whether the balance covers a fill. */
const UNBOUNDED = openLedger(Number.MAX_SAFE_INTEGER);

/**
 * Opens the tick's paper entries, in the order the engine decided them. The kill switch is read once
 * more right before booking (it may have been thrown since the tick decided). Entries of an account
 * whose whole batch its balance or free slots do not cover are booked one by one by `openTrade`,
 * which decides which of them fit and says why the rest did not.
 */
export async function openPaperTrades(
  services: Services,
  batch: readonly PaperOpen[],
): Promise<Map<string, PaperOpened>> {
  const results = new Map<string, PaperOpened>();
  if (batch.length === 0) return results;
  if ((await currentSafety(services)).killSwitch) {
    for (const { request } of batch) results.set(request.clientOrderId, { ok: false, reason: 'kill-switch' });
    return results;
  }
  const entries: PaperEntry[] = [];
  const rateOf = rateCache(services, ENTRY_RATE_MAX_AGE_MS);
  for (const { request: r, accountId } of batch) {
    if (r.mode !== 'paper') throw new Error(`openPaperTrades: ${r.clientOrderId} is a live order`);
    // A paper account holds USD: a pair quoted in another currency is bought at its recorded rate.
    const currency = quoteCurrency(r.symbol);
    const rate = await rateOf(currency, r.at);
    if (rate === null) {
      results.set(r.clientOrderId, { ok: false, reason: 'no-usd-rate' });
      continue;
    }
    const notional = centsToNumber(r.amountCents) / rate;
    const costs = paperFillCosts(services.config, 'market', r.bar, r.price, notional);
    const fill = paperBuy(UNBOUNDED, r.amountCents, r.price, costs, rate);
    if (!fill.ok) {
      results.set(r.clientOrderId, { ok: false, reason: fill.reason });
      continue;
    }
    const { lot } = fill;
    const level = levels(lot.entryPrice, planOf(r), r.at);
    entries.push({
      userId: r.userId,
      accountId,
      assetType: r.assetType,
      symbol: r.symbol,
      clientOrderId: r.clientOrderId,
      parametersId: r.parametersId ?? null,
      maxConcurrentTrades: r.maxConcurrentTrades,
      amountCents: lot.costCents,
      entryFeeCents: lot.entryFeeCents,
      quantity: lot.quantity.toFixed(8),
      entryPrice: String(lot.entryPrice),
      entryTime: r.at,
      ...level,
      currency: PAPER_CURRENCY,
      executionReason: r.executionReason,
      ...detectionFields(r.detection),
      auditDetails: {
        symbol: r.symbol,
        reason: r.executionReason,
        ...(currency === PAPER_CURRENCY ? {} : { rate: { [`${currency}/${PAPER_CURRENCY}`]: rate } }),
      },
    });
  }
  const unbooked = new Set<string>();
  const lanes = await bookLanes(
    byAccountLanes(entries, (e) => e.accountId),
    (lane) => bookPaperEntries(services.db, lane),
  );
  for (const { items, failure } of lanes.failed) {
    services.log.error({ entries: items.length, reason: failure.reason }, 'booking paper entries failed');
    for (const e of items) results.set(e.clientOrderId, { ok: false, reason: failure.reason, failure });
  }
  for (const booked of lanes.booked) {
    for (const [clientOrderId, tradeId] of booked.opened) results.set(clientOrderId, { ok: true, tradeId });
    for (const { clientOrderId, reason } of booked.refused) results.set(clientOrderId, { ok: false, reason });
    for (const clientOrderId of booked.unbooked) unbooked.add(clientOrderId);
  }
  for (const { request } of batch) {
    if (!unbooked.has(request.clientOrderId)) continue;
    const one = await openTrade(services, request);
    results.set(request.clientOrderId, one.ok ? { ok: true, tradeId: one.trade.id } : one);
  }
  for (const { request } of batch) {
    const r = results.get(request.clientOrderId);
    // openTrade has told the bus about its own.
    if (r?.ok && !unbooked.has(request.clientOrderId))
      services.bus.publish({
        type: 'trade.opened',
        userId: request.userId,
        trade: { id: r.tradeId, symbol: request.symbol, status: 'open' },
      });
  }
  return results;
}

/** A paper position to close at an exit rule's level, as the tick read it. */
export interface PaperClose {
  trade: TradeRow;
  price: number;
  reason: ExitReason;
  /** The bar the exit met (its range and volume set the slippage). */
  bar: CostBar | null;
}

/**
 * Closes paper positions at their exit prices with the cost model (a take-profit is a maker limit, any
 * other exit a taker market order), each at most once however many ticks race. Returns those closed
 * now, and those whose batch failed with why.
 */
export async function closePaperTrades(
  services: Services,
  closes: readonly PaperClose[],
  at: Date,
): Promise<{ closed: PaperClosed[]; failed: { trade: TradeRow; failure: Failure }[] }> {
  const exits: (PaperExit & { accountId: string })[] = [];
  const unconverted: { trade: TradeRow; failure: Failure }[] = [];
  const rateOf = rateCache(services);
  for (const { trade, price, reason, bar } of closes) {
    if (!trade.isPaper) throw new Error(`closePaperTrades: ${trade.id} is a live position`);
    // Converted at entry, the sale is converted at the rate at the exit, however old.
    const quote = quoteCurrency(trade.symbol);
    const rate = quote === trade.currency ? 1 : await rateOf(quote, at);
    if (rate === null) {
      unconverted.push({ trade, failure: classify(new Error(noExitRate(trade))) });
      continue;
    }
    const sold = sellPaperPosition(services, trade, price, reason, bar, rate);
    exits.push({
      accountId: trade.accountId,
      tradeId: trade.id,
      exitPrice: String(sold.exitPrice),
      exitTime: at,
      exitReason: reason,
      proceedsCents: sold.proceedsCents,
      exitFeeCents: sold.exitFeeCents,
      auditDetails: { reason },
    });
  }
  const lanes = await bookLanes(
    byAccountLanes(exits, (e) => e.accountId),
    (lane) => bookPaperExits(services.db, lane),
  );
  const closed = lanes.booked.flat();
  const tradeById = new Map(closes.map((c) => [c.trade.id, c.trade]));
  const failed = unconverted.concat(
    lanes.failed.flatMap(({ items, failure }) => {
      services.log.error({ exits: items.length, reason: failure.reason }, 'booking paper exits failed');
      return items.map((e) => ({ trade: tradeById.get(e.tradeId)!, failure }));
    }),
  );
  for (const c of closed)
    services.bus.publish({
      type: 'trade.closed',
      userId: c.userId,
      trade: { id: c.id, symbol: c.symbol, status: 'closed' },
    });
  return { closed, failed };
}

/** Runs `fn` over `items` with at most `limit` running at once. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The same fills booked one by one through `closeTrade` and `openTrade` (a few transactions each),
 * four users side by side, each user's exits before their entries: the path the set-based booking
 * replaced, kept as the reference it is tested and benchmarked against.
 */
export async function bookPaperOneByOne(
  services: Services,
  closes: readonly PaperClose[],
  opens: readonly PaperOpen[],
  at: Date,
): Promise<{
  closed: number;
  failed: { trade: TradeRow; failure: Failure }[];
  opened: Map<string, PaperOpened>;
}> {
  const byUser = new Map<string, { closes: PaperClose[]; opens: PaperOpen[] }>();
  const of = (userId: string) => {
    let list = byUser.get(userId);
    if (!list) {
      list = { closes: [], opens: [] };
      byUser.set(userId, list);
    }
    return list;
  };
  for (const c of closes) of(c.trade.userId).closes.push(c);
  for (const o of opens) of(o.request.userId).opens.push(o);
  let closed = 0;
  const failed: { trade: TradeRow; failure: Failure }[] = [];
  const opened = new Map<string, PaperOpened>();
  // Each fill on its own: one that throws is recorded and the user's next fills still go.
  await eachLimited([...byUser.values()], 4, async (list) => {
    for (const c of list.closes) {
      try {
        if (await closeTrade(services, c.trade.id, c.price, c.reason, at, null, c.bar)) closed++;
      } catch (err) {
        failed.push({ trade: c.trade, failure: classify(err) });
      }
    }
    for (const { request } of list.opens) {
      try {
        const r = await openTrade(services, request);
        opened.set(request.clientOrderId, r.ok ? { ok: true, tradeId: r.trade.id } : r);
      } catch (err) {
        const failure = classify(err);
        opened.set(request.clientOrderId, { ok: false, reason: failure.reason, failure });
      }
    }
  });
  return { closed, failed, opened };
}

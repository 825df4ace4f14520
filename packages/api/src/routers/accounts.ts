import { formatCents, valueCentsDown } from '@tradehits/core/money';
import { quoteCurrency } from '@tradehits/core/symbols';
import { listAccounts, listOpenTrades } from '@tradehits/db';
import { lastPrices } from '../market-price';
import { authedProcedure, router } from '../trpc';

export const accountsRouter = router({
  /** Balances, equity at last prices, realised and unrealised P&L and fees per account. */
  summary: authedProcedure.query(async ({ ctx }) => {
    const [accounts, open] = await Promise.all([
      listAccounts(ctx.db, ctx.user.id),
      listOpenTrades(ctx.db, { userId: ctx.user.id }),
    ]);
    // A position booked in another currency than its pair's quote (paper ETH/BTC in USD) is valued at
    // the pair's last price times the quote's last recorded rate.
    const rateSymbol = (t: (typeof open)[number]) => `${quoteCurrency(t.symbol)}/${t.currency}`;
    const converted = (t: (typeof open)[number]) => quoteCurrency(t.symbol) !== t.currency;
    const prices = await lastPrices(ctx, [
      ...open.map((t) => t.symbol),
      ...open.filter(converted).map(rateSymbol),
    ]);
    const rows = accounts.map((a) => {
      const held = open.filter((t) => t.accountId === a.id);
      let valueCents = 0;
      let unrealizedCents = 0;
      for (const t of held) {
        const quoted = prices.get(t.symbol);
        const rate = converted(t) ? prices.get(rateSymbol(t)) : 1;
        const price = quoted === undefined || rate === undefined ? undefined : quoted * rate;
        // A pending order (or a symbol with no price yet) counts at its cost.
        const worth =
          t.status === 'open' && price !== undefined ? valueCentsDown(Number(t.quantity), price) : t.amount;
        valueCents += worth;
        unrealizedCents += worth - t.amount;
      }
      return {
        id: a.id,
        mode: a.mode,
        assetType: a.assetType,
        venue: a.venue,
        startBalance: formatCents(a.startBalance),
        balance: formatCents(a.balance),
        equity: formatCents(a.balance + valueCents),
        realizedPnl: formatCents(a.realizedPnl),
        unrealizedPnl: formatCents(unrealizedCents),
        fees: formatCents(a.fees),
        openPositions: held.length,
      };
    });
    return { accounts: rows, paperOnly: rows.every((r) => r.mode === 'paper') };
  }),
});

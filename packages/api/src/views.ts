import { formatCents } from '@tradehits/core/money';
import type {
  AccountRow,
  listApprovals,
  PublicUser,
  TradeMarkerRow,
  TradeParametersRow,
  TradeRow,
} from '@tradehits/db';

/**
 * What clients see of the relational rows. The database hands money over as integer minor units; a
 * client gets it once, here, as a decimal string in the row's currency ('1234.50'), the form the SPA
 * formats and the one JSON carries without a float.
 */

const money = (cents: number) => formatCents(cents);
const moneyOrNull = (cents: number | null) => (cents === null ? null : formatCents(cents));

/** A user as a client sees them: paper balances in USD decimals. */
export function userView(u: PublicUser) {
  return { ...u, cryptoBalance: money(u.cryptoBalance), stockBalance: money(u.stockBalance) };
}

/** An account without its sealed credentials, money in decimals of the account's currency. */
export function accountView(a: AccountRow) {
  const { credentials: _sealed, ...visible } = a;
  return {
    ...visible,
    startBalance: money(a.startBalance),
    balance: money(a.balance),
    realizedPnl: money(a.realizedPnl),
    fees: money(a.fees),
  };
}

/** A position, money in decimals of its `currency`. */
export function tradeView(t: TradeRow) {
  return {
    ...t,
    amount: money(t.amount),
    entryFee: money(t.entryFee),
    exitFee: money(t.exitFee),
    pnl: moneyOrNull(t.pnl),
  };
}

/** A trade as a chart marks it. */
export function tradeMarkerView(t: TradeMarkerRow) {
  return { ...t, pnl: moneyOrNull(t.pnl) };
}

/** A rule row: the amount in decimals, percentages as the numbers they are. */
export function parametersView(row: TradeParametersRow) {
  return { ...row, tradeAmount: money(row.tradeAmount) };
}

type ApprovalRow = Awaited<ReturnType<typeof listApprovals>>[number];

/** A live order awaiting an admin: the cash held in decimals of its `currency`. */
export function approvalView(a: ApprovalRow) {
  return { ...a, amount: money(a.amount) };
}

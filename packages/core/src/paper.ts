import { centsToNumber, feeCents, floorQuantity, valueCentsDown, valueCentsUp } from './money';

/**
 * Paper fills, pure: a price moved by slippage against the trader (buys up, sells down), a fee on the
 * notional, cash in integer cents and quantities in 1e-8 steps. A fill that would take the balance
 * below zero is refused with a reason. The ledger always reconciles exactly:
 * start + realised P&L − fees − cost of open positions = balance.
 */

/** Trading costs as rates (0.0026 = Kraken's 0.26 % taker fee). */
export interface FillCosts {
  feeRate: number;
  slippageRate: number;
}

/** Kraken's lowest-tier taker fee and a small slippage allowance. */
export const DEFAULT_FILL_COSTS: FillCosts = { feeRate: 0.0026, slippageRate: 0.0005 };

/** One paper account's cash ledger, all in cents. */
export interface PaperLedger {
  readonly startCents: number;
  readonly balanceCents: number;
  /** Sum over closed positions of proceeds − cost (before fees). */
  readonly realisedCents: number;
  readonly feesCents: number;
  /** Cost (before fees) of the positions still open. */
  readonly openCostCents: number;
}

/** A position as the ledger sees it. */
export interface PaperLot {
  quantity: number;
  entryPrice: number;
  costCents: number;
  entryFeeCents: number;
}

/** A refused fill. */
export interface FillRefusal {
  ok: false;
  reason: 'insufficient-balance' | 'amount-too-small' | 'bad-price';
}

/** A new, empty ledger holding `startCents`. */
export function openLedger(startCents: number): PaperLedger {
  if (!Number.isSafeInteger(startCents) || startCents < 0) {
    throw new Error(`start balance must be a non-negative whole number of cents, got ${startCents}`);
  }
  return { startCents, balanceCents: startCents, realisedCents: 0, feesCents: 0, openCostCents: 0 };
}

/**
 * Buys for up to `amountCents` (fee on top) at `price` plus slippage. `rate` converts the pair's quote
 * currency into the ledger's (the BTC/USD close for ETH/BTC on a USD ledger; 1 when they are the same):
 * the lot's price stays in the quote currency, its cost and fee are in the ledger's.
 */
export function paperBuy(
  ledger: PaperLedger,
  amountCents: number,
  price: number,
  costs: FillCosts,
  rate = 1,
): { ok: true; ledger: PaperLedger; lot: PaperLot } | FillRefusal {
  if (!(price > 0 && Number.isFinite(price))) return { ok: false, reason: 'bad-price' };
  if (!(rate > 0 && Number.isFinite(rate))) return { ok: false, reason: 'bad-price' };
  const fillPrice = price * (1 + costs.slippageRate);
  const quantity = floorQuantity(centsToNumber(amountCents) / (fillPrice * rate));
  if (!(quantity > 0)) return { ok: false, reason: 'amount-too-small' };
  const costCents = Math.min(valueCentsUp(quantity, fillPrice * rate), amountCents);
  const fee = feeCents(costCents, costs.feeRate);
  if (costCents + fee > ledger.balanceCents) return { ok: false, reason: 'insufficient-balance' };
  return {
    ok: true,
    lot: { quantity, entryPrice: fillPrice, costCents, entryFeeCents: fee },
    ledger: {
      ...ledger,
      balanceCents: ledger.balanceCents - costCents - fee,
      feesCents: ledger.feesCents + fee,
      openCostCents: ledger.openCostCents + costCents,
    },
  };
}

/**
 * Sells a whole lot at `price` minus slippage; returns the trade's proceeds, fee and net P&L. `rate`
 * converts the quote currency into the ledger's at the sale, as for `paperBuy`.
 */
export function paperSell(
  ledger: PaperLedger,
  lot: PaperLot,
  price: number,
  costs: FillCosts,
  rate = 1,
):
  | {
      ok: true;
      ledger: PaperLedger;
      exitPrice: number;
      proceedsCents: number;
      exitFeeCents: number;
      /** Proceeds − cost − both fees. */
      pnlCents: number;
    }
  | FillRefusal {
  if (!(price > 0 && Number.isFinite(price))) return { ok: false, reason: 'bad-price' };
  if (!(rate > 0 && Number.isFinite(rate))) return { ok: false, reason: 'bad-price' };
  const exitPrice = price * (1 - costs.slippageRate);
  const proceedsCents = valueCentsDown(lot.quantity, exitPrice * rate);
  const exitFeeCents = feeCents(proceedsCents, costs.feeRate);
  return {
    ok: true,
    exitPrice,
    proceedsCents,
    exitFeeCents,
    pnlCents: proceedsCents - lot.costCents - lot.entryFeeCents - exitFeeCents,
    ledger: {
      ...ledger,
      balanceCents: ledger.balanceCents + proceedsCents - exitFeeCents,
      realisedCents: ledger.realisedCents + proceedsCents - lot.costCents,
      feesCents: ledger.feesCents + exitFeeCents,
      openCostCents: ledger.openCostCents - lot.costCents,
    },
  };
}

/** True when start + realised − fees − open cost equals the balance, to the cent. */
export function ledgerReconciles(ledger: PaperLedger): boolean {
  return (
    ledger.startCents + ledger.realisedCents - ledger.feesCents - ledger.openCostCents === ledger.balanceCents
  );
}

/** What a position is worth now against what it cost, in cents, and as a percentage of the cost. */
export interface UnrealizedPnl {
  cents: number;
  pct: number;
}

/**
 * Unrealized P&L of a long position at the latest price. Cost and value are each rounded to whole
 * cents before subtracting, so the shown figure is a difference of two cent amounts, not a float sum.
 * Null when any input is missing or not a number.
 */
export function unrealizedPnl(
  entryPrice: string | number | null | undefined,
  quantity: string | number | null | undefined,
  lastPrice: number | null | undefined,
): UnrealizedPnl | null {
  const entry = Number(entryPrice);
  const qty = Number(quantity);
  if (entryPrice == null || quantity == null || lastPrice == null) return null;
  if (!Number.isFinite(entry) || !Number.isFinite(qty) || !Number.isFinite(lastPrice)) return null;
  const costCents = Math.round(entry * qty * 100);
  const valueCents = Math.round(lastPrice * qty * 100);
  const cents = valueCents - costCents;
  const pct = costCents === 0 ? 0 : (cents / costCents) * 100;
  return { cents, pct };
}

/** Cents as a decimal dollar string ("-1234" → "-12.34"), exact. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

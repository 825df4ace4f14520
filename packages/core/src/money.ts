/**
 * Money that is owed, in integer cents (hundredths of the quote currency), and base quantities in
 * whole 1e-8 units. Prices stay floats, as venues publish them; every conversion to cents rounds in
 * the direction that never credits an account more than it is due.
 */

/** Smallest tradable fraction of a base asset. */
export const QUANTITY_STEP = 1e-8;

/** Converts a decimal amount (e.g. 12.34) to cents; throws on NaN, infinities and non-whole cents. */
export function toCents(amount: number): number {
  if (!Number.isFinite(amount)) throw new Error(`not a finite amount: ${amount}`);
  const cents = Math.round(amount * 100);
  if (Math.abs(cents - amount * 100) > 1e-6 * Math.max(1, Math.abs(cents))) {
    throw new Error(`amount has more than 2 decimals: ${amount}`);
  }
  return cents;
}

/** A decimal amount rounded to the nearest cent, for configured limits that need not be whole cents. */
export function roundCents(amount: number): number {
  if (!Number.isFinite(amount)) throw new Error(`not a finite amount: ${amount}`);
  return Math.round(amount * 100);
}

/** Cents as a decimal string: 123456 → '1234.56', -5 → '-0.05'. */
export function formatCents(cents: number): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Cents as a float for display and ratios only (never summed back into money). */
export function centsToNumber(cents: number): number {
  return cents / 100;
}

/** Throws unless `cents` is a safe integer. */
export function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new Error(`not a whole number of cents: ${cents}`);
}

/** Value of `quantity` at `price` in cents, rounded down (what a seller is credited). */
export function valueCentsDown(quantity: number, price: number): number {
  return Math.floor(quantity * price * 100 + 1e-6);
}

/** Value of `quantity` at `price` in cents, rounded up (what a buyer is charged). */
export function valueCentsUp(quantity: number, price: number): number {
  return Math.ceil(quantity * price * 100 - 1e-6);
}

/** A fee of `rate` on `cents`, rounded up to the next cent. */
export function feeCents(cents: number, rate: number): number {
  return Math.ceil(cents * rate - 1e-9);
}

/** Rounds a base quantity down to whole 1e-8 steps. */
export function floorQuantity(quantity: number): number {
  return Math.floor(quantity * 1e8 + 1e-6) / 1e8;
}

/**
 * A decimal string with at most 2 decimals ('1234.5', '-0.05', '12') as cents, digit by digit, never
 * through a float; throws on anything else.
 */
export function parseCents(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2})0*)?$/.exec(text.trim());
  if (!m) throw new Error(`not an amount with at most 2 decimals: ${text}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  assertCents(cents);
  return m[1] && cents !== 0 ? -cents : cents;
}

/**
 * A number with two decimals (a percentage, a multiple, hours) as a fixed two-decimal string: 2.5 →
 * '2.50'. Rounds half away from zero to the nearest hundredth, as a numeric(p, 2) column would.
 */
export function formatHundredths(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const hundredths = Math.round(Math.abs(value) * 100 + 1e-9) * Math.sign(value);
  return formatCents(hundredths === 0 ? 0 : hundredths);
}

/** A decimal string with at most 2 decimals as a number, read digit by digit: '2.55' → 2.55. */
export function parseHundredths(text: string): number {
  return parseCents(text) / 100;
}

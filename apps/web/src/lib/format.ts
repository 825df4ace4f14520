const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const signedUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  signDisplay: 'exceptZero',
});

function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A decimal string or number as US dollars ("$1,234.50"); an em dash when absent. */
export function formatUsd(
  value: string | number | null | undefined,
  opts: { signed?: boolean } = {},
): string {
  const n = toNumber(value);
  if (n === null) return '—';
  return (opts.signed ? signedUsd : usd).format(n);
}

/** A price with precision fitted to its size (BTC in dollars, small coins to eight places). */
export function formatPrice(value: string | number | null | undefined): string {
  const n = toNumber(value);
  if (n === null) return '—';
  const abs = Math.abs(n);
  const digits = abs >= 1000 ? 2 : abs >= 1 ? 4 : abs >= 0.01 ? 6 : 8;
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits });
}

/** A percentage already in percent units ("2.5" → "+2.50%"). */
export function formatPct(
  value: string | number | null | undefined,
  opts: { signed?: boolean } = {},
): string {
  const n = toNumber(value);
  if (n === null) return '—';
  const sign = opts.signed && n > 0 ? '+' : '';
  return `${sign}${n.toFixed(2)}%`;
}

/** A 0…1 fraction as a percentage ("0.7" → "70%"). */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${Math.round(value * 100)}%`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A UTC instant (ms, ISO string or Date) as "YYYY-MM-DD HH:MM UTC"; an em dash when absent. */
export function formatUtc(value: number | string | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )} UTC`;
}

/** The sign of a number-like value as a CSS class: gains green, losses red. */
export function signClass(value: string | number | null | undefined): 'up' | 'down' | 'flat' {
  const n = toNumber(value);
  if (n === null || n === 0) return 'flat';
  return n > 0 ? 'up' : 'down';
}

/** Decimals a venue counts a currency's amounts in: cents for fiat, satoshi-like for crypto. */
const CURRENCY_DECIMALS: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, USDT: 2, USDC: 2 };
const CRYPTO_DECIMALS = 8;

/**
 * An amount in its currency: dollars with "$" ("$1,234.50"), anything else with its code after the
 * number ("0.01234 BTC"), never a dollar sign on a crypto-quoted amount. An em dash when absent.
 */
export function formatMoney(
  value: string | number | null | undefined,
  currency: string,
  opts: { signed?: boolean } = {},
): string {
  if (currency === 'USD') return formatUsd(value, opts);
  const n = toNumber(value);
  if (n === null) return '—';
  const digits = CURRENCY_DECIMALS[currency] ?? CRYPTO_DECIMALS;
  const text = n.toLocaleString('en-US', {
    minimumFractionDigits: Math.min(2, digits),
    maximumFractionDigits: digits,
    signDisplay: opts.signed ? 'exceptZero' : 'auto',
  });
  return `${text} ${currency}`;
}

/** A base quantity at the venue's lot precision (8 decimals), trailing zeros dropped. */
export function formatQuantity(value: string | number | null | undefined): string {
  const n = toNumber(value);
  if (n === null) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: CRYPTO_DECIMALS });
}

import { TIMEFRAME_MS } from '@tradehits/core/types';
import type { Services } from './services';

/** How old the newest recorded `<currency>/USD` bar may be for an entry to be converted at its close. */
export const ENTRY_RATE_MAX_AGE_MS = 24 * 3_600_000;

/**
 * USD per unit of `currency` at `at`: 1 for USD, else the close of the newest 5m `<currency>/USD` bar
 * recorded in the analytics store that had closed by `at` (and opened no earlier than `maxAgeMs`
 * before it). Null when no such bar is recorded: nothing is converted at a guessed rate.
 */
export async function usdRate(
  services: Services,
  currency: string,
  at: Date,
  maxAgeMs = Number.POSITIVE_INFINITY,
): Promise<number | null> {
  if (currency === 'USD') return 1;
  const to = at.getTime() - TIMEFRAME_MS['5m'];
  const [bar] = await services.analytics.bars({
    symbol: `${currency}/USD`,
    timeframe: '5m',
    to,
    ...(Number.isFinite(maxAgeMs) ? { from: to - maxAgeMs } : {}),
    limit: 1,
  });
  return bar && bar.close > 0 ? bar.close : null;
}

/**
 * The rate a paper order converts at: the recorded one (as `usdRate`), else the operator's stated
 * paper rate (`PAPER_USD_RATES`), else null. Live money never uses a stated rate.
 */
export async function paperUsdRate(
  services: Services,
  currency: string,
  at: Date,
  maxAgeMs?: number,
): Promise<number | null> {
  return (
    (await usdRate(services, currency, at, maxAgeMs)) ?? services.config.PAPER_USD_RATES[currency] ?? null
  );
}

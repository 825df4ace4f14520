import type { AssetType } from '@tradehits/core';
import {
  type Check,
  gateOrder,
  rangePct,
  type SafetySettings,
  safetySettingsFrom,
  utcDayStart,
} from '@tradehits/core/safety';
import { quoteCurrency } from '@tradehits/core/symbols';
import { TIMEFRAME_MS } from '@tradehits/core/types';
import { getSetting, getUser, userPnlToday } from '@tradehits/db';
import type { Services } from './services';

/** The settings key of the global kill switch. */
export const KILL_SWITCH_KEY = 'kill_switch';

/** The circuit breaker judges the range of the last hour of 5m bars. */
export const BREAKER_BARS = 12;

/** The platform's safety settings now, the kill switch read from the settings table. */
export async function currentSafety(services: Services): Promise<SafetySettings> {
  const killSwitch = (await getSetting<boolean>(services.db, KILL_SWITCH_KEY)) ?? false;
  return { ...safetySettingsFrom(services.config), killSwitch };
}

/** A symbol's high–low range over the breaker's window of closed 5m bars; null without bars. */
export async function recentRange(services: Services, symbol: string, now: number): Promise<number | null> {
  const bars = await services.analytics.bars({
    symbol,
    timeframe: '5m',
    to: now - TIMEFRAME_MS['5m'],
    limit: BREAKER_BARS,
  });
  if (bars.length === 0) return null;
  let high = -Infinity;
  let low = Infinity;
  for (const b of bars) {
    if (b.high > high) high = b.high;
    if (b.low < low) low = b.low;
  }
  return rangePct(high, low);
}

/** What an order asks of the gate. */
export interface GateRequest {
  userId: string;
  assetType: AssetType;
  mode: 'paper' | 'live';
  symbol: string;
  amountCents: number;
  approvalExpiresAt?: Date | null;
  at: Date;
}

/**
 * The one safety gate, composed: reads the kill switch, the user's pause, their realised loss today
 * across all their accounts in this mode and the symbol's recent range, and lets `gateOrder` decide.
 */
export async function checkOrder(services: Services, r: GateRequest): Promise<Check> {
  const now = r.at.getTime();
  const [settings, user, pnl, range] = await Promise.all([
    currentSafety(services),
    getUser(services.db, r.userId),
    userPnlToday(services.db, r.userId, r.mode, new Date(utcDayStart(now))),
    recentRange(services, r.symbol, now),
  ]);
  return gateOrder(
    {
      mode: r.mode,
      amountCents: r.amountCents,
      currency: quoteCurrency(r.symbol),
      userPaused: user?.tradingPaused ?? true,
      pausedUntil: user?.pausedUntil?.getTime() ?? null,
      lossTodayCents: Math.max(0, -pnl),
      recentRangePct: range,
      approvalExpiresAt: r.approvalExpiresAt?.getTime() ?? null,
      now,
    },
    settings,
  );
}

/** A sentence for each refusal, for the person who asked. */
export function refusalMessage(reason: string, c: { symbol: string; config: Services['config'] }): string {
  switch (reason) {
    case 'kill-switch':
      return 'Trading is halted by the kill switch.';
    case 'user-paused':
      return 'Your trading is paused.';
    case 'approval-expired':
      return 'This order expired before it was approved.';
    case 'non-usd-quote':
      return `${c.symbol} is priced in ${quoteCurrency(c.symbol)}: live orders are limited in USD, so only USD-quoted markets trade live.`;
    case 'over-small-money-cap':
      return `Live orders are capped at ${c.config.SMALL_MONEY_TRADE_CAP} USD.`;
    case 'daily-loss-limit':
      return `Today's losses reached the daily limit of ${c.config.SMALL_MONEY_DAILY_LOSS} USD: trading resumes tomorrow (UTC).`;
    case 'circuit-breaker':
      return `${c.symbol} moved more than ${c.config.CIRCUIT_BREAKER_PCT} % in the last hour: the circuit breaker blocks it.`;
    default:
      return reason;
  }
}

import { describe, expect, it } from 'vitest';
import {
  checkBalance,
  checkCircuitBreaker,
  checkDailyLoss,
  checkKillSwitch,
  checkSmallMoneyCap,
  gateOrder,
  type OrderGateInput,
  rangePct,
  requiresApproval,
  type SafetySettings,
  safetySettingsFrom,
} from './safety';

const SETTINGS: SafetySettings = safetySettingsFrom({
  SMALL_MONEY_TRADE_CAP: 50,
  SMALL_MONEY_DAILY_LOSS: 100,
  CIRCUIT_BREAKER_PCT: 20,
  LIVE_REQUIRES_APPROVAL: true,
});

describe('safety rails', () => {
  it('converts config amounts to cents', () => {
    expect(SETTINGS.smallMoneyTradeCapCents).toBe(5_000);
    expect(SETTINGS.smallMoneyDailyLossCents).toBe(10_000);
  });

  it('pauses a live user until the next UTC day once the loss limit is reached', () => {
    const now = Date.UTC(2024, 4, 6, 17, 45);
    expect(checkDailyLoss(9_999, 'live', SETTINGS, now)).toEqual({ ok: true });
    expect(checkDailyLoss(10_000, 'live', SETTINGS, now)).toEqual({
      ok: false,
      reason: 'daily-loss-limit',
      until: Date.UTC(2024, 4, 7),
    });
    expect(checkDailyLoss(1_000_000, 'paper', SETTINGS, now).ok).toBe(true);
    expect(checkDailyLoss(500, 'paper', { ...SETTINGS, paperDailyLossCents: 500 }, now).ok).toBe(false);
  });

  it('blocks a symbol whose recent range exceeds the breaker percentage', () => {
    expect(rangePct(121, 100)).toBeCloseTo(21, 10);
    expect(checkCircuitBreaker(rangePct(121, 100), SETTINGS)).toEqual({
      ok: false,
      reason: 'circuit-breaker',
    });
    expect(checkCircuitBreaker(rangePct(120, 100), SETTINGS).ok).toBe(true);
    expect(checkCircuitBreaker(null, SETTINGS).ok).toBe(true);
  });

  it('honours the kill switch, the small-money cap, the balance and live approval', () => {
    expect(checkKillSwitch({ ...SETTINGS, killSwitch: true })).toEqual({ ok: false, reason: 'kill-switch' });
    expect(checkKillSwitch(SETTINGS).ok).toBe(true);
    expect(checkSmallMoneyCap(5_001, 'live', SETTINGS)).toEqual({
      ok: false,
      reason: 'over-small-money-cap',
    });
    expect(checkSmallMoneyCap(5_000, 'live', SETTINGS).ok).toBe(true);
    expect(checkSmallMoneyCap(1_000_000, 'paper', SETTINGS).ok).toBe(true);
    expect(checkBalance(101, 100)).toEqual({ ok: false, reason: 'insufficient-balance' });
    expect(requiresApproval('live', SETTINGS)).toBe(true);
    expect(requiresApproval('paper', SETTINGS)).toBe(false);
  });
});

describe('the order gate', () => {
  const now = Date.UTC(2024, 4, 6, 17, 45);
  const order = (over: Partial<OrderGateInput> = {}): OrderGateInput => ({
    mode: 'live',
    amountCents: 2_000,
    currency: 'USD',
    userPaused: false,
    pausedUntil: null,
    lossTodayCents: 0,
    recentRangePct: 2,
    now,
    ...over,
  });

  it.each([
    ['kill-switch', order(), { ...SETTINGS, killSwitch: true }],
    ['user-paused', order({ userPaused: true }), SETTINGS],
    ['user-paused', order({ pausedUntil: now + 1 }), SETTINGS],
    ['approval-expired', order({ approvalExpiresAt: now }), SETTINGS],
    ['non-usd-quote', order({ currency: 'BTC' }), SETTINGS],
    ['over-small-money-cap', order({ amountCents: 5_001 }), SETTINGS],
    ['daily-loss-limit', order({ lossTodayCents: 10_000 }), SETTINGS],
    ['circuit-breaker', order({ recentRangePct: 25 }), SETTINGS],
  ] as const)('refuses with %s', (reason, o, settings) => {
    expect(gateOrder(o, settings)).toMatchObject({ ok: false, reason });
  });

  it('lets a small USD order through, and paper orders in any currency', () => {
    expect(gateOrder(order({ approvalExpiresAt: now + 1 }), SETTINGS)).toEqual({ ok: true });
    expect(gateOrder(order({ mode: 'paper', currency: 'BTC', amountCents: 2_000_000 }), SETTINGS)).toEqual({
      ok: true,
    });
  });
});

import type { SafetySettings } from '../safety';

/**
 * Test and benchmark fixture: the safety rails as the config's defaults set them (live trades capped
 * at 50.00, a 100.00 daily live loss limit, a 20 % circuit breaker, live orders wait for approval),
 * with the kill switch off and no paper loss limit.
 */
export const DEFAULT_SAFETY: SafetySettings = {
  killSwitch: false,
  circuitBreakerPct: 20,
  smallMoneyTradeCapCents: 5_000,
  smallMoneyDailyLossCents: 10_000,
  paperDailyLossCents: null,
  liveRequiresApproval: true,
};

export { brokerForAccount } from './brokers';
export { type CostBar, paperCostModel, paperCostsDescribed, paperFillCosts } from './costs';
export {
  APPROVAL_TTL_MS,
  closeTrade,
  decideLiveOrder,
  expireApprovals,
  HOLD_SLIPPAGE_BUFFER,
  INTERRUPTED_AFTER_MS,
  type InterruptedRef,
  listInterrupted,
  type OpenRequest,
  type OpenResult,
  openTrade,
  recoverInterruptedOrder,
  recoverInterruptedOrders,
} from './execution';
export { AccountSetupError, classify, type Failure } from './failures';
export {
  BREAKER_BARS,
  checkOrder,
  currentSafety,
  KILL_SWITCH_KEY,
  recentRange,
  refusalMessage,
} from './gate';
export { manualExitPlan } from './manual-exits';
export {
  bookPaperOneByOne,
  closePaperTrades,
  openPaperTrades,
  type PaperClose,
  type PaperOpen,
  type PaperOpened,
} from './paper-book';
export { ENTRY_RATE_MAX_AGE_MS, paperUsdRate, usdRate } from './rates';
export type { EventBus, LiveEvent, Logger, Services } from './services';

import { type ExitPlan, type ExitState, type ExitTrigger, exitFor, planExits } from './exits';
import { minutesOfDay, type TradeParameters } from './params';
import {
  checkCircuitBreaker,
  checkDailyLoss,
  checkKillSwitch,
  checkSmallMoneyCap,
  requiresApproval,
  type SafetyReason,
  type SafetySettings,
} from './safety';
import type { AssetType, Bar, Detection, SentimentReading } from './types';

/**
 * The trading engine for one tick, pure: the tick's detections (one per symbol, computed once, never
 * per user), every user's parameters, balances and open positions → intents to open and close, and a
 * reason for every user and symbol that did not trade on a signal. The backtester runs this same
 * function over replayed bars.
 *
 * Exits come first, judged by the exit rules (`exits.ts`) against each position's state before the bar:
 * a stop (fixed, trailing or break-even) before the take-profit when one bar touches both, the
 * holding deadline at the bar's close. A bar that opens beyond a level fills at its open.
 * Entries follow the design's rules, cheapest check first, and spend balance and position slots as
 * they go, so two symbols signalling in one tick cannot overdraw a user. Markets are taken strongest
 * signal first. A market with no qualifying detection produces no skip rows (there was nothing to skip).
 */

/** How a user trades: simulated, or with real money behind the small-money rails. */
export type AccountMode = 'paper' | 'live';

/** One user as the engine sees them at this tick. */
export interface EngineUser {
  id: string;
  params: TradeParameters;
  mode: AccountMode;
  /** Free cash in cents. */
  balanceCents: number;
  /** Today's realised loss in positive cents (fees included); 0 when the day is flat or up. */
  lossTodayCents: number;
}

/**
 * An open position with its exit state (levels set from the user's parameters at entry, and the
 * high-water price the tick raises after each bar the position survives).
 */
export interface OpenPosition extends ExitState {
  id: string;
  userId: string;
  symbol: string;
  quantity: number;
  openedAt: number;
}

/** One symbol at this tick: the bar that just closed and what is known about it. */
export interface MarketTick {
  symbol: string;
  assetType: AssetType;
  bar: Pick<Bar, 'openTime' | 'open' | 'high' | 'low' | 'close'>;
  /** The detector's verdict at this bar; null when it is not a candidate (no entry possible). */
  detection: Detection | null;
  sentiment: SentimentReading | null;
  /** Range over the breaker's recent window in percent; null when unknown. */
  recentRangePct: number | null;
  /** ATR(14) at this bar for ATR-multiple exits; absent or null when unknown (fixed percentages apply). */
  atr?: number | null;
}

/** Everything one tick decides on. */
export interface TickInput {
  now: number;
  markets: readonly MarketTick[];
  users: readonly EngineUser[];
  positions: readonly OpenPosition[];
  safety: SafetySettings;
  /** Regular-session test for stocks (the NYSE calendar); crypto trades around the clock. */
  isMarketOpen: (t: number) => boolean;
  /** 'judge': unknown sentiment fails the sentiment rules; 'ignore': a backtest without sentiment. */
  sentiment: 'judge' | 'ignore';
  /** Confidence that qualifies a bar for users who do not insist on a lowest point (0…1). */
  minConfidence: number;
}

/** Open a position for a user. */
export interface OpenIntent {
  kind: 'open';
  userId: string;
  symbol: string;
  assetType: AssetType;
  amountCents: number;
  takeProfitPct: number;
  stopLossPct: number;
  /** Every exit level to fix on the position (take-profit and stop-loss as above). */
  exits: ExitPlan;
  reason: 'lowest-point' | 'confidence';
  requiresApproval: boolean;
  detection: Detection;
}

/** Close a position at an exit rule's level. */
export interface CloseIntent {
  kind: 'close';
  positionId: string;
  userId: string;
  symbol: string;
  reason: ExitTrigger;
  price: number;
}

/** What the engine wants done. */
export type Intent = OpenIntent | CloseIntent;

/** Why a user did not trade a signalled symbol. */
export type SkipReason =
  | SafetyReason
  | 'auto-trading-off'
  | 'outside-trading-hours'
  | 'not-lowest-point'
  | 'low-confidence'
  | 'sentiment-unknown'
  | 'sentiment-below-minimum'
  | 'negative-political-post'
  | 'already-open'
  | 'max-concurrent';

/** The users who did not trade a signalled symbol for one reason (grouped: a tick can skip 500,000 pairs). */
export interface SkipGroup {
  symbol: string;
  reason: SkipReason;
  userIds: string[];
}

/** A whole market refused for everyone this tick. */
export interface Blocked {
  symbol: string;
  reason: 'kill-switch' | 'circuit-breaker' | 'market-closed';
}

/** The tick's decisions. */
export interface TickResult {
  intents: Intent[];
  skips: SkipGroup[];
  blocked: Blocked[];
}

/** Why a user skipped a symbol in a tick's result; null when they traded it or it had no signal. */
export function skipReasonOf(result: TickResult, userId: string, symbol: string): SkipReason | null {
  for (const g of result.skips) if (g.symbol === symbol && g.userIds.includes(userId)) return g.reason;
  return null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Whether minute-of-day `m` lies in [start, end] inclusive, wrapping past midnight when start > end. */
export function withinHours(m: number, start: number, end: number): boolean {
  return start <= end ? m >= start && m <= end : m >= start || m <= end;
}

/** Decides one tick. Never throws on a refused trade: every refusal is a skip or a block with a reason. */
export function engineTick(input: TickInput): TickResult {
  const { users, positions, safety, now } = input;
  const intents: Intent[] = [];
  const skips: SkipGroup[] = [];
  const blocked: Blocked[] = [];

  // Exits: positions grouped by symbol, checked against that symbol's bar.
  const marketBySymbol = new Map<string, MarketTick>();
  for (const m of input.markets) marketBySymbol.set(m.symbol, m);
  for (const p of positions) {
    const market = marketBySymbol.get(p.symbol);
    if (market === undefined) continue;
    const exit = exitFor(p, market.bar, now);
    if (exit !== null) {
      intents.push({
        kind: 'close',
        positionId: p.id,
        userId: p.userId,
        symbol: p.symbol,
        reason: exit.reason,
        price: exit.price,
      });
    }
  }

  const candidates = input.markets.filter((m) => qualifies(m.detection, input.minConfidence));
  if (candidates.length === 0) return { intents, skips, blocked };
  candidates.sort((a, b) => b.detection!.confidence - a.detection!.confidence);

  // Per-user scratch, spent as entries are decided. A position closed this tick still holds its slot
  // and cash until its fill is booked.
  const n = users.length;
  const indexOf = new Map<string, number>();
  for (let u = 0; u < n; u++) indexOf.set(users[u]!.id, u);
  const balance = new Float64Array(n);
  const openCount = new Int32Array(n);
  const amount = new Float64Array(n);
  const maxConcurrent = new Int32Array(n);
  const lowestOnly = new Uint8Array(n);
  const judging = input.sentiment === 'judge';
  const userCheck = new Array<SkipReason | null>(n);
  const minuteOfDay = Math.floor((now % DAY_MS) / MINUTE_MS);
  const holders = new Map<string, Set<number>>();
  for (const p of positions) {
    const u = indexOf.get(p.userId);
    if (u === undefined) continue;
    openCount[u]!++;
    const set = holders.get(p.symbol);
    if (set === undefined) holders.set(p.symbol, new Set([u]));
    else set.add(u);
  }
  const bySymbol = new Map<string, number[]>();
  for (let u = 0; u < n; u++) {
    const user = users[u]!;
    const p = user.params;
    balance[u] = user.balanceCents;
    amount[u] = Math.round(p.tradeAmount * 100);
    maxConcurrent[u] = p.maxConcurrentTrades;
    lowestOnly[u] = p.buyAtLowestOnly ? 1 : 0;
    userCheck[u] = userLevelCheck(user, amount[u]!, minuteOfDay, safety, now);
    const key = `${p.assetType}:${p.symbol}`;
    const list = bySymbol.get(key);
    if (list === undefined) bySymbol.set(key, [u]);
    else list.push(u);
  }

  const kill = checkKillSwitch(safety);
  for (const market of candidates) {
    const symbol = market.symbol;
    if (!kill.ok) {
      blocked.push({ symbol, reason: 'kill-switch' });
      continue;
    }
    if (!checkCircuitBreaker(market.recentRangePct, safety).ok) {
      blocked.push({ symbol, reason: 'circuit-breaker' });
      continue;
    }
    if (market.assetType === 'stock' && !input.isMarketOpen(now)) {
      blocked.push({ symbol, reason: 'market-closed' });
      continue;
    }
    const detection = market.detection!;
    const marketReason = judging ? sentimentReason(market.sentiment) : null;
    const held = holders.get(symbol);
    const lowestReason = detection.buySignal ? null : 'not-lowest-point';
    const confidenceReason =
      detection.buySignal || detection.confidence >= input.minConfidence ? null : 'low-confidence';
    const groups = new Map<SkipReason, string[]>();
    const lists = [bySymbol.get(`${market.assetType}:${symbol}`), bySymbol.get(`${market.assetType}:ALL`)];
    for (const list of lists) {
      if (list === undefined) continue;
      for (let k = 0; k < list.length; k++) {
        const u = list[k]!;
        const user = users[u]!;
        const reason =
          userCheck[u] ??
          (lowestOnly[u] ? lowestReason : confidenceReason) ??
          (judging ? (marketReason ?? sentimentCheck(user.params, market.sentiment!)) : null) ??
          (held?.has(u) ? 'already-open' : null) ??
          (openCount[u]! >= maxConcurrent[u]! ? 'max-concurrent' : null) ??
          (amount[u]! > balance[u]! ? 'insufficient-balance' : null);
        if (reason !== null) {
          const group = groups.get(reason);
          if (group === undefined) groups.set(reason, [user.id]);
          else group.push(user.id);
          continue;
        }
        const p = user.params;
        const exits = planExits(p, { price: market.bar.close, atr: market.atr ?? null });
        balance[u]! -= amount[u]!;
        openCount[u]!++;
        intents.push({
          kind: 'open',
          userId: user.id,
          symbol,
          assetType: market.assetType,
          amountCents: amount[u]!,
          takeProfitPct: exits.takeProfitPct,
          stopLossPct: exits.stopLossPct,
          exits,
          reason: detection.buySignal ? 'lowest-point' : 'confidence',
          requiresApproval: requiresApproval(user.mode, safety),
          detection,
        });
      }
    }
    for (const [reason, userIds] of groups) skips.push({ symbol, reason, userIds });
  }
  return { intents, skips, blocked };
}

/** A detection some user could act on: a buy signal, or confidence at the threshold. */
function qualifies(d: Detection | null, minConfidence: number): boolean {
  return d !== null && (d.buySignal || d.confidence >= minConfidence);
}

/** Checks that depend on the user alone, judged once per tick. */
function userLevelCheck(
  user: EngineUser,
  amountCents: number,
  minuteOfDay: number,
  safety: SafetySettings,
  now: number,
): SkipReason | null {
  const p = user.params;
  if (!p.autoTradingEnabled) return 'auto-trading-off';
  const loss = checkDailyLoss(user.lossTodayCents, user.mode, safety, now);
  if (!loss.ok) return loss.reason;
  if (!withinHours(minuteOfDay, minutesOfDay(p.tradingHoursStart), minutesOfDay(p.tradingHoursEnd))) {
    return 'outside-trading-hours';
  }
  const cap = checkSmallMoneyCap(amountCents, user.mode, safety);
  return cap.ok ? null : cap.reason;
}

/** Under 'judge', unknown sentiment fails every sentiment rule for everyone. */
function sentimentReason(reading: SentimentReading | null): SkipReason | null {
  return reading === null || reading.score === null ? 'sentiment-unknown' : null;
}

/** A user's own sentiment rules against a known reading. */
function sentimentCheck(p: TradeParameters, reading: SentimentReading): SkipReason | null {
  if (reading.score! < p.minSentimentScore) return 'sentiment-below-minimum';
  if (p.requirePoliticalPositive && reading.politicalMin !== null && reading.politicalMin < 0) {
    return 'negative-political-post';
  }
  return null;
}

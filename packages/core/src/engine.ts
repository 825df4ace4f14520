import { type ExitPlan, type ExitState, type ExitTrigger, exitFor, planExits } from './exits';
import { toCents } from './money';
import { effectiveRule, minutesOfDay, type TradeParameters } from './params';
import {
  checkCircuitBreaker,
  checkDailyLoss,
  checkKillSwitch,
  checkSmallMoneyCap,
  requiresApproval,
  type SafetyReason,
  type SafetySettings,
} from './safety';
import { quoteCurrency } from './symbols';
import type { AssetType, Bar, Detection, SentimentReading } from './types';

/**
 * The trading engine for one tick, pure: the tick's detections (one per symbol, computed once, never
 * per user), every user's parameters, balances and open positions → intents to open and close, and a
 * reason for every user and symbol that did not trade on a signal. The backtester runs this same
 * function over replayed bars.
 *
 * Exits come first, judged by the exit rules (`exits.ts`) against each position's state before the bar,
 * on bars after the position's entry bar only: a stop (fixed, trailing or break-even) before the
 * take-profit when one bar touches both, the holding deadline at the bar's close. A bar that opens
 * beyond a level fills at its open.
 * Entries follow the design's rules, cheapest check first, and spend balance and position slots as
 * they go, so two symbols signalling in one tick cannot overdraw a user. Markets are taken strongest
 * signal first. A market with no qualifying detection produces no skip rows (there was nothing to skip).
 */

/** How a user trades: simulated, or with real money behind the small-money rails. */
export type AccountMode = 'paper' | 'live';

/** One user as the engine sees them at this tick, on the account they trade this asset type from. */
export interface EngineUser {
  id: string;
  /**
   * The user's rules for this asset type: an ALL row and per-symbol rows. For each symbol exactly one
   * applies (`effectiveRule`: the symbol's row over ALL), for entries and exits alike.
   */
  rules: readonly TradeParameters[];
  mode: AccountMode;
  /** Free cash in cents. */
  balanceCents: number;
  /** Today's realised loss in positive cents (fees included) across all the user's accounts in this mode. */
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
  /**
   * openTime of the bar whose close the entry was decided on. Exits are judged only on bars that open
   * after it: the entry bar's range (and an older bar a stale tick might carry) holds prices from
   * before the position existed.
   */
  entryBarTime: number;
  /** The account's mode: only positions in the user's trading mode count against their slots. */
  mode: AccountMode;
}

/** One symbol at this tick: the bar that just closed and what is known about it. */
export interface MarketTick {
  symbol: string;
  assetType: AssetType;
  /** Its volume feeds paper fills' slippage (the cost model), as in a backtest. */
  bar: Pick<Bar, 'openTime' | 'open' | 'high' | 'low' | 'close' | 'volume'>;
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
  /** The effective rule's limit on the user's open positions on this account. */
  maxConcurrentTrades: number;
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
  | 'max-concurrent'
  | 'non-usd-quote';

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
    if (market === undefined || market.bar.openTime <= p.entryBarTime) continue;
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
  // and cash until its fill is booked. Slots count the user's positions on the account they trade from.
  const n = users.length;
  const indexOf = new Map<string, number>();
  for (let u = 0; u < n; u++) indexOf.set(users[u]!.id, u);
  const balance = new Float64Array(n);
  const openCount = new Int32Array(n);
  const judging = input.sentiment === 'judge';
  const minuteOfDay = Math.floor((now % DAY_MS) / MINUTE_MS);
  const holders = new Map<string, Set<number>>();
  for (const p of positions) {
    const u = indexOf.get(p.userId);
    if (u === undefined || p.mode !== users[u]!.mode) continue;
    openCount[u]!++;
    const set = holders.get(p.symbol);
    if (set === undefined) holders.set(p.symbol, new Set([u]));
    else set.add(u);
  }
  // Users by the symbol of each rule; a user's ALL rule applies only where they have no symbol rule.
  const bySymbol = new Map<string, number[]>();
  for (let u = 0; u < n; u++) {
    const user = users[u]!;
    balance[u] = user.balanceCents;
    for (const rule of user.rules) {
      const key = `${rule.assetType}:${rule.symbol}`;
      const list = bySymbol.get(key);
      if (list === undefined) bySymbol.set(key, [u]);
      else if (list.at(-1) !== u) list.push(u);
    }
  }
  // User-level checks depend on the rule that applies, judged once per (user, rule).
  const ruleChecks = new Map<TradeParameters, SkipReason | null>();
  const ruleCheck = (user: EngineUser, rule: TradeParameters) => {
    let r = ruleChecks.get(rule);
    if (r === undefined) {
      r = userLevelCheck(user, rule, toCents(rule.tradeAmount), minuteOfDay, safety, now);
      ruleChecks.set(rule, r);
    }
    return r;
  };

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
    const usdQuoted = quoteCurrency(symbol) === 'USD';
    const groups = new Map<SkipReason, string[]>();
    const own = bySymbol.get(`${market.assetType}:${symbol}`);
    const all = bySymbol.get(`${market.assetType}:ALL`);
    const seen = new Set<number>();
    for (const list of [own, all]) {
      if (list === undefined) continue;
      for (let k = 0; k < list.length; k++) {
        const u = list[k]!;
        if (seen.has(u)) continue;
        seen.add(u);
        const user = users[u]!;
        const rule = effectiveRule(user.rules, market.assetType, symbol);
        if (rule === null) continue;
        const amount = toCents(rule.tradeAmount);
        const reason =
          ruleCheck(user, rule) ??
          // Live caps are in USD: a pair quoted in anything else is not traded live.
          (user.mode === 'live' && !usdQuoted ? 'non-usd-quote' : null) ??
          (rule.buyAtLowestOnly ? lowestReason : confidenceReason) ??
          (judging ? (marketReason ?? sentimentCheck(rule, market.sentiment!)) : null) ??
          (held?.has(u) ? 'already-open' : null) ??
          (openCount[u]! >= rule.maxConcurrentTrades ? 'max-concurrent' : null) ??
          (amount > balance[u]! ? 'insufficient-balance' : null);
        if (reason !== null) {
          const group = groups.get(reason);
          if (group === undefined) groups.set(reason, [user.id]);
          else group.push(user.id);
          continue;
        }
        const exits = planExits(rule, { price: market.bar.close, atr: market.atr ?? null });
        balance[u]! -= amount;
        openCount[u]!++;
        intents.push({
          kind: 'open',
          userId: user.id,
          symbol,
          assetType: market.assetType,
          amountCents: amount,
          takeProfitPct: exits.takeProfitPct,
          stopLossPct: exits.stopLossPct,
          maxConcurrentTrades: rule.maxConcurrentTrades,
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
  p: TradeParameters,
  amountCents: number,
  minuteOfDay: number,
  safety: SafetySettings,
  now: number,
): SkipReason | null {
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

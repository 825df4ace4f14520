import { type CostModel, describeCosts, exitOrderType, fillCosts } from './costs';
import { DetectorState } from './detector';
import { type AccountMode, type EngineUser, engineTick, type MarketTick, type OpenPosition } from './engine';
import { advanceExitState, averageTrueRange, type ExitPlan, exitStateAt } from './exits';
import { withIndicators } from './indicators';
import { computeMetrics, type EquityPoint, type Metrics, type TradeRecord } from './metrics';
import { valueCentsDown } from './money';
import { openLedger, type PaperLedger, type PaperLot, paperBuy, paperSell } from './paper';
import type { BacktestParams } from './params';
import { rangePct, type SafetySettings, utcDayStart } from './safety';
import type {
  AssetType,
  Bar,
  BarWithIndicators,
  Detection,
  ExitReason,
  SentimentReading,
  Timeframe,
} from './types';
import { TIMEFRAME_MS } from './types';

/**
 * The backtester: the live detector and engine over replayed bars, with a paper ledger for a broker.
 * At each bar close the detector judges the bar and the engine decides; an entry fills at the next bar's
 * open of that symbol with slippage and fees, and the exit rules (`exits.ts`) judge every later bar from
 * the fill bar on (a stop first when a bar touches both): the fill bar opens after the entry was decided,
 * so its whole range follows the entry. The high-water price rises after each bar the position
 * survives, exactly as a live tick does. Positions still open at the end close at the last close
 * ('end-of-data'). Fees and slippage follow the cost model (`costs.ts`), named in the notes.
 *
 * The circuit breaker judges each symbol's high–low range over the detector's evidence window.
 */

/** One symbol's bars, oldest first (gaps allowed). */
export interface BacktestSeries {
  symbol: string;
  assetType?: AssetType;
  bars: readonly Bar[];
}

/** A series with its indicators computed, ready to replay any number of times. */
export interface PreparedSeries {
  symbol: string;
  assetType: AssetType;
  timeframe: Timeframe;
  bars: readonly BarWithIndicators[];
}

/** Computes each series' indicators once (checking order and timeframe), for repeated backtests. */
export function prepareSeries(series: readonly BacktestSeries[], timeframe: Timeframe): PreparedSeries[] {
  const seen = new Set<string>();
  return series.map((s) => {
    if (seen.has(s.symbol)) throw new Error(`runBacktest: ${s.symbol} appears twice`);
    seen.add(s.symbol);
    for (const b of s.bars) {
      if (b.timeframe !== timeframe || b.symbol !== s.symbol) {
        throw new Error(
          `runBacktest: ${s.symbol} has a ${b.symbol} ${b.timeframe} bar; the backtest runs on ${s.symbol} ${timeframe}`,
        );
      }
    }
    return { symbol: s.symbol, assetType: s.assetType ?? 'crypto', timeframe, bars: withIndicators(s.bars) };
  });
}

/** Sentiment for a backtest: dropped, a constant score, or a recorded series (null = unknown). */
export type BacktestSentiment = 'ignore' | number | ((t: number, symbol: string) => number | null);

/** A backtest's inputs beyond the bars: the parsed parameters plus what JSON cannot carry. */
export interface BacktestOptions {
  params: BacktestParams;
  /** Overrides `params.sentiment` with a recorded series. */
  sentiment?: BacktestSentiment;
  /** Regular-session test for stock symbols; required when a series is a stock. */
  isMarketOpen?: (t: number) => boolean;
  /** Safety rails; by default no kill switch, a 20 % breaker and no paper loss limit. */
  safety?: Partial<SafetySettings>;
  /** Called every few thousand bars with bars done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Called with the detector's verdict at every bar, in replay order (for comparing with live runs). */
  onDetection?: (detection: Detection) => void;
  /**
   * Bars before this instant only warm up the detector and indicators: no entry is decided on them and
   * the metrics start here. Lets a test window be judged with its history but none of its trades.
   */
  tradeFrom?: number;
}

/** Everything a backtest found. */
export interface BacktestResult {
  params: BacktestParams;
  symbols: string[];
  from: number;
  to: number;
  metrics: Metrics;
  trades: TradeRecord[];
  equity: EquityPoint[];
  /** Buy signals the detector raised. */
  signals: number;
  /** Bars judged (detector and engine). */
  barsEvaluated: number;
  /** The cost model in words. */
  costModel: string;
  notes: string[];
}

const BACKTEST_USER = 'backtest';
const PROGRESS_EVERY = 4096;

interface Lane {
  symbol: string;
  assetType: AssetType;
  bars: readonly BarWithIndicators[];
  /** ATR(14) per bar, for ATR-multiple exits. */
  atr: Float64Array;
  cursor: number;
  detector: DetectorState;
  market: MarketTick;
  lastClose: number;
  /** The bar just replayed: the one an exit fills against. */
  lastBar: Bar | null;
  holding: Holding | null;
  /** An entry decided at a bar's close, filled at this lane's next open; costs judged on the signal bar. */
  pending: { amountCents: number; exits: ExitPlan; signalBar: Bar; barTime: number } | null;
}

interface Holding {
  position: OpenPosition;
  lot: PaperLot;
}

/**
 * Runs a backtest over the series (raw, or prepared once with `prepareSeries`). Throws on bad input
 * (unsorted bars, mixed timeframes, a repeated symbol, a stock without a calendar).
 */
export function runBacktest(
  input: readonly BacktestSeries[] | readonly PreparedSeries[],
  options: BacktestOptions,
): BacktestResult {
  const params = options.params;
  const timeframe = params.timeframe;
  const barMs = TIMEFRAME_MS[timeframe];
  const sentiment = options.sentiment ?? params.sentiment;
  const handling = sentiment === 'ignore' ? 'ignore' : 'judge';
  const isMarketOpen = options.isMarketOpen;
  if (isMarketOpen === undefined && input.some((s) => s.assetType === 'stock')) {
    throw new Error('runBacktest: stock series need an isMarketOpen calendar function');
  }
  const safety: SafetySettings = {
    killSwitch: false,
    circuitBreakerPct: 20,
    smallMoneyTradeCapCents: Number.MAX_SAFE_INTEGER,
    smallMoneyDailyLossCents: Number.MAX_SAFE_INTEGER,
    paperDailyLossCents: null,
    liveRequiresApproval: false,
    ...options.safety,
  };
  const costModel = costModelOf(params);
  const tradeFrom = options.tradeFrom ?? Number.NEGATIVE_INFINITY;
  const window = params.detector.evidenceWindow;

  const series = allPrepared(input) ? input : prepareSeries(input, timeframe);
  const lanes: Lane[] = series.map((s) => {
    if (s.timeframe !== timeframe) {
      throw new Error(
        `runBacktest: ${s.symbol} was prepared for ${s.timeframe}, the backtest runs on ${timeframe}`,
      );
    }
    return {
      symbol: s.symbol,
      assetType: s.assetType,
      bars: s.bars,
      atr: averageTrueRange(s.bars),
      cursor: 0,
      detector: new DetectorState({
        symbol: s.symbol,
        assetType: s.assetType,
        timeframe,
        settings: params.detector,
        sentiment: handling,
      }),
      market: {
        symbol: s.symbol,
        assetType: s.assetType,
        bar: { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 },
        detection: null,
        sentiment: null,
        recentRangePct: null,
      },
      lastClose: Number.NaN,
      lastBar: null,
      holding: null,
      pending: null,
    };
  });
  const symbols = lanes.map((l) => l.symbol);
  if (new Set(symbols).size !== symbols.length) throw new Error('runBacktest: a symbol appears twice');

  const totalBars = lanes.reduce((n, l) => n + l.bars.length, 0);
  const startCents = Math.round(params.startBalance * 100);
  let ledger: PaperLedger = openLedger(startCents);
  const trades: TradeRecord[] = [];
  const equity: EquityPoint[] = [];
  const refusals = new Map<string, number>();
  const user: EngineUser = {
    id: BACKTEST_USER,
    rules: [params.params],
    mode: 'paper' satisfies AccountMode,
    balanceCents: startCents,
    lossTodayCents: 0,
  };
  const markets: MarketTick[] = [];
  const positions: OpenPosition[] = [];
  let day = Number.NaN;
  let dayPnlCents = 0;
  let signals = 0;
  let done = 0;
  let ticks = 0;
  let positionSeq = 0;
  let from = Number.NaN;
  let last = Number.NEGATIVE_INFINITY;
  const minConfidence = params.detector.minConfidence;

  const close = (lane: Lane, holding: Holding, price: number, exitTime: number, reason: ExitReason) => {
    const costs = fillCosts(costModel, exitOrderType(reason), lane.lastBar!, holding.lot.quantity * price);
    const sold = paperSell(ledger, holding.lot, price, costs);
    if (!sold.ok) throw new Error(`runBacktest: could not close ${lane.symbol}: ${sold.reason}`);
    ledger = sold.ledger;
    dayPnlCents += sold.pnlCents;
    lane.holding = null;
    trades.push({
      symbol: lane.symbol,
      entryTime: holding.position.openedAt,
      exitTime,
      entryPrice: holding.lot.entryPrice,
      exitPrice: sold.exitPrice,
      quantity: holding.lot.quantity,
      costCents: holding.lot.costCents,
      proceedsCents: sold.proceedsCents,
      feesCents: holding.lot.entryFeeCents + sold.exitFeeCents,
      pnlCents: sold.pnlCents,
      exitReason: reason,
    });
  };

  // Replay in time order: a k-way merge over the lanes, one tick per distinct openTime.
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (const lane of lanes) {
      const next = lane.bars[lane.cursor];
      if (next !== undefined && next.openTime < t) t = next.openTime;
    }
    if (t === Number.POSITIVE_INFINITY) break;
    if (!(t > last)) throw new Error(`runBacktest: bars must be oldest first with distinct times (at ${t})`);
    const trading = t >= tradeFrom;
    if (trading && equity.length === 0) from = t;
    last = t;
    const today = utcDayStart(t);
    if (today !== day) {
      day = today;
      dayPnlCents = 0;
    }
    markets.length = 0;
    let candidates = 0;
    for (const lane of lanes) {
      const bar = lane.bars[lane.cursor];
      if (bar === undefined || bar.openTime !== t) continue;
      lane.cursor++;
      const order = lane.pending;
      if (order !== null) {
        lane.pending = null;
        const costs = fillCosts(costModel, 'market', order.signalBar, order.amountCents / 100);
        const bought = paperBuy(ledger, order.amountCents, bar.open, costs);
        if (bought.ok) {
          ledger = bought.ledger;
          lane.holding = {
            lot: bought.lot,
            position: {
              id: `${lane.symbol}#${++positionSeq}`,
              userId: BACKTEST_USER,
              symbol: lane.symbol,
              quantity: bought.lot.quantity,
              openedAt: t,
              entryBarTime: order.barTime,
              mode: 'paper',
              ...exitStateAt(order.exits, bought.lot.entryPrice, t),
            },
          };
        } else {
          refusals.set(bought.reason, (refusals.get(bought.reason) ?? 0) + 1);
        }
      }
      const reading = sentiment === 'ignore' ? null : readingAt(sentiment, t, lane.symbol);
      if (lane.detector.push(bar, reading)) signals++;
      options.onDetection?.(lane.detector.detection());
      lane.lastClose = bar.close;
      lane.lastBar = bar;
      const d = lane.detector;
      const market = lane.market;
      market.bar = bar;
      market.sentiment = reading;
      // Only a detection someone could act on is materialised (and its range judged); the engine
      // ignores the rest anyway.
      if (trading && (d.buySignal || d.points >= d.thresholdPoints)) {
        market.detection = d.detection();
        market.recentRangePct = recentRange(lane.bars, lane.cursor, window);
        const atr = lane.atr[lane.cursor - 1]!;
        market.atr = Number.isNaN(atr) ? null : atr;
        candidates++;
      } else {
        market.detection = null;
        market.recentRangePct = null;
        market.atr = null;
        if (lane.holding !== null) candidates++;
      }
      markets.push(market);
      done++;
    }

    if (candidates > 0) {
      positions.length = 0;
      let reserved = 0;
      for (const lane of lanes) {
        if (lane.holding !== null) positions.push(lane.holding.position);
        if (lane.pending !== null) {
          reserved += lane.pending.amountCents;
          positions.push(placeholder(lane.symbol));
        }
      }
      user.balanceCents = ledger.balanceCents - reserved;
      user.lossTodayCents = dayPnlCents < 0 ? -dayPnlCents : 0;
      const tick = engineTick({
        now: t + barMs,
        markets,
        users: [user],
        positions,
        safety,
        isMarketOpen: isMarketOpen ?? alwaysOpen,
        sentiment: handling,
        minConfidence,
      });
      for (const intent of tick.intents) {
        const lane = lanes.find((l) => l.symbol === intent.symbol)!;
        if (intent.kind === 'close') {
          if (lane.holding !== null) close(lane, lane.holding, intent.price, t + barMs, intent.reason);
        } else {
          lane.pending = {
            amountCents: intent.amountCents,
            exits: intent.exits,
            signalBar: lane.lastBar!,
            barTime: t,
          };
        }
      }
    }
    // The positions that survived this bar raise their high-water price, as a live tick stores it.
    for (const lane of lanes) {
      const held = lane.holding?.position;
      if (held !== undefined && lane.lastBar?.openTime === t) {
        held.highWaterPrice = advanceExitState(held, lane.lastBar);
      }
    }
    if (!trading) continue;

    let marked = ledger.balanceCents;
    for (const lane of lanes) {
      if (lane.holding !== null) marked += valueCentsDown(lane.holding.lot.quantity, lane.lastClose);
    }
    equity.push({ time: t + barMs, equityCents: marked });
    if ((++ticks & (PROGRESS_EVERY - 1)) === 0) options.onProgress?.(done, totalBars);
  }

  const to = equity.length > 0 ? last + barMs : 0;
  let unfilled = 0;
  for (const lane of lanes) {
    if (lane.holding !== null) close(lane, lane.holding, lane.lastClose, to, 'end-of-data');
    if (lane.pending !== null) unfilled++;
  }
  if (equity.length > 0) equity[equity.length - 1] = { time: to, equityCents: ledger.balanceCents };
  options.onProgress?.(done, totalBars);

  if (equity.length === 0) from = 0;
  const costModelText = describeCosts(costModel);
  const notes: string[] = [];
  if (handling === 'ignore') {
    notes.push(
      'sentiment ignored: the sentiment > 0 condition and its 0.15 weight are left out; the 0.70 threshold is not rescaled',
    );
  } else if (typeof sentiment === 'number') {
    notes.push(`sentiment held constant at ${sentiment}`);
  } else {
    notes.push('sentiment from a recorded series; bars without a score count as unknown (no entry)');
  }
  for (const [reason, count] of refusals) notes.push(`${count} entries refused at fill: ${reason}`);
  if (unfilled > 0) notes.push(`${unfilled} entries signalled on the last bar were not filled`);
  notes.push(costModelText);

  return {
    params,
    symbols,
    from,
    to,
    metrics: computeMetrics({ trades, equity, startCents, barMs, from, to }),
    trades,
    equity,
    signals,
    barsEvaluated: done,
    costModel: costModelText,
    notes,
  };
}

/** The cost model a backtest's parameters describe. */
export function costModelOf(params: BacktestParams): CostModel {
  return {
    slippage: params.slippageModel,
    takerFeeRate: params.feeRate,
    makerFeeRate: params.makerFeeRate,
    slippageRate: params.slippageRate,
  };
}

/** High–low range in percent over the `window` bars ending before index `end`. */
function recentRange(bars: readonly Bar[], end: number, window: number): number {
  let high = Number.NEGATIVE_INFINITY;
  let low = Number.POSITIVE_INFINITY;
  for (let i = Math.max(0, end - window); i < end; i++) {
    const b = bars[i]!;
    if (b.high > high) high = b.high;
    if (b.low < low) low = b.low;
  }
  return rangePct(high, low);
}

function allPrepared(
  input: readonly BacktestSeries[] | readonly PreparedSeries[],
): input is readonly PreparedSeries[] {
  return input.every((s) => 'timeframe' in s);
}

function readingAt(sentiment: BacktestSentiment, t: number, symbol: string): SentimentReading | null {
  if (sentiment === 'ignore') return null;
  const score = typeof sentiment === 'number' ? sentiment : sentiment(t, symbol);
  return score === null ? null : { score, politicalMin: null, politicalScore: null };
}

/** A filled-next-bar order holds its slot and symbol; its levels can never trigger. */
function placeholder(symbol: string): OpenPosition {
  return {
    id: `pending:${symbol}`,
    userId: BACKTEST_USER,
    symbol,
    quantity: 0,
    entryPrice: 0,
    takeProfitPrice: Number.POSITIVE_INFINITY,
    stopLossPrice: Number.NEGATIVE_INFINITY,
    openedAt: 0,
    entryBarTime: 0,
    mode: 'paper',
  };
}

function alwaysOpen(): boolean {
  return true;
}

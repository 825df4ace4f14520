import { describe, expect, it } from 'vitest';
import { prepareSeries, runBacktest } from './backtest';
import { engineTick, type OpenPosition } from './engine';
import {
  AtrState,
  activeStop,
  advanceExitState,
  averageTrueRange,
  type ExitState,
  exitFor,
  exitStateAt,
  planExits,
} from './exits';
import { backtestParamsSchema, tradeParametersSchema } from './params';
import { loadBinance2018 } from './testing/binance-2018';
import { DEFAULT_SAFETY } from './testing/safety';

const FIVE_MIN = 300_000;
const bar = (open: number, high: number, low: number, close: number) => ({ open, high, low, close });

describe('exit rules', () => {
  const fixed: ExitState = { entryPrice: 100, takeProfitPrice: 103, stopLossPrice: 98 };

  it('judges the stop before the take-profit, and fills at the open through a gap', () => {
    expect(exitFor(fixed, bar(100, 104, 97, 100))).toEqual({ reason: 'stop-loss', price: 98 });
    expect(exitFor(fixed, bar(100, 104, 99, 100))).toEqual({ reason: 'take-profit', price: 103 });
    expect(exitFor(fixed, bar(95, 96, 94, 95))).toEqual({ reason: 'stop-loss', price: 95 });
    expect(exitFor(fixed, bar(100, 102, 99, 101))).toBeNull();
  });

  it('trails the highest high of earlier bars, never of the bar being judged', () => {
    const state = { ...fixed, trailingStopPct: 1, highWaterPrice: 100 };
    // This bar rises to 102.5 then falls to 101: the trail from 102.5 (101.475) is not yet in force.
    expect(exitFor(state, bar(100, 102.5, 101, 101.2))).toBeNull();
    const raised = { ...state, highWaterPrice: advanceExitState(state, { high: 102.5 }) };
    expect(raised.highWaterPrice).toBe(102.5);
    expect(activeStop(raised)).toEqual({ price: 102.5 * 0.99, reason: 'trailing-stop' });
    expect(exitFor(raised, bar(101.8, 102, 101, 101.5))).toEqual({ reason: 'trailing-stop', price: 101.475 });
    // A lower high never lowers the water mark.
    expect(advanceExitState(raised, { high: 101 })).toBe(102.5);
  });

  it('moves the stop to the entry price once the gain reaches the break-even trigger', () => {
    const state = { ...fixed, breakEvenPrice: 101, highWaterPrice: 100.5 };
    expect(activeStop(state).reason).toBe('stop-loss');
    const armed = { ...state, highWaterPrice: 101.2 };
    expect(exitFor(armed, bar(100.8, 100.9, 99.9, 100))).toEqual({ reason: 'break-even', price: 100 });
  });

  it('closes at the bar close once the holding time is over, after the price levels', () => {
    const state = { ...fixed, exitDeadline: 1_000 };
    expect(exitFor(state, bar(100, 101, 99.5, 100.4), 999)).toBeNull();
    expect(exitFor(state, bar(100, 101, 99.5, 100.4), 1_000)).toEqual({
      reason: 'max-holding',
      price: 100.4,
    });
    expect(exitFor(state, bar(100, 101, 97, 100.4), 1_000)?.reason).toBe('stop-loss');
  });

  it('plans ATR-multiple levels from the decision price, and fixed ones without an ATR', () => {
    const params = tradeParametersSchema.parse({
      takeProfitPct: 3,
      stopLossPct: 2,
      takeProfitAtr: 3,
      stopLossAtr: 2,
      maxHoldingHours: 2,
    });
    const plan = planExits(params, { price: 200, atr: 1 });
    expect(plan.takeProfitPct).toBeCloseTo(1.5, 12);
    expect(plan.stopLossPct).toBeCloseTo(1, 12);
    expect(plan.maxHoldingMs).toBe(7_200_000);
    expect(planExits(params, { price: 200, atr: null })).toMatchObject({ takeProfitPct: 3, stopLossPct: 2 });
    const state = exitStateAt(plan, 100, 50);
    expect(state.takeProfitPrice).toBeCloseTo(101.5, 12);
    expect(state.stopLossPrice).toBeCloseTo(99, 12);
    expect(state.exitDeadline).toBe(7_200_050);
  });

  it('computes Wilder ATR after `period` bars', () => {
    const bars = Array.from({ length: 20 }, (_, i) => ({ high: 11 + i, low: 9 + i, close: 10 + i }));
    const atr = averageTrueRange(bars, 14);
    expect(Number.isNaN(atr[12]!)).toBe(true);
    expect(atr[13]).toBeCloseTo((2 + 13 * 2) / 14, 12);
    expect(atr[19]).toBeCloseTo(2, 12);
  });

  it('gives bar by bar the ATR the whole series gives, on recorded bars', () => {
    const bars = loadBinance2018()
      .find((s) => s.symbol === 'ETH/BTC')!
      .bars.slice(0, 500);
    const whole = averageTrueRange(bars);
    const state = new AtrState();
    bars.forEach((b, i) => {
      state.push(b);
      if (Number.isNaN(whole[i]!)) expect(state.value).toBeNull();
      else expect(state.value).toBeCloseTo(whole[i]!, 15);
    });
  });

  it('rejects out-of-range rules with a clear message', () => {
    const r = tradeParametersSchema.safeParse({
      trailingStopPct: 0,
      maxHoldingHours: 1000,
      stopLossAtr: 0.123,
    });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toContain('trailing stop must be between 0.1 % and 50 %');
    expect(messages).toContain('maximum holding time must be between 0.25 and 720 hours');
    expect(messages).toContain('stop-loss ATR multiple has at most 2 decimals');
  });
});

describe('live ticks and the backtester exit on the same bar at the same price', () => {
  const series = loadBinance2018();
  const prepared = prepareSeries(series, '5m');

  for (const [name, rules] of [
    [
      'trailing, break-even and holding time',
      { trailingStopPct: 0.8, breakEvenAfterPct: 0.4, maxHoldingHours: 4 },
    ],
    ['ATR multiples', { takeProfitAtr: 4, stopLossAtr: 3, maxHoldingHours: 12 }],
  ] as const) {
    it(name, () => {
      const params = backtestParamsSchema.parse({
        params: { ...rules, buyAtLowestOnly: false },
        slippageModel: 'fixed',
      });
      const result = runBacktest(prepared, { params });
      const closed = result.trades.filter((t) => t.exitReason !== 'end-of-data');
      expect(closed.length).toBeGreaterThanOrEqual(5);
      const reasons = new Set<string>();
      for (const trade of closed) {
        const bars = series.find((s) => s.symbol === trade.symbol)!.bars;
        const fill = bars.findIndex((b) => b.openTime === trade.entryTime);
        const signal = bars[fill - 1]!;
        const atr = averageTrueRange(bars)[fill - 1]!;
        // What the live tick does: fix the plan from the intent at entry, then judge each later bar
        // through the engine and store the raised high-water price on every bar the position survives.
        const plan = planExits(params.params, { price: signal.close, atr: Number.isNaN(atr) ? null : atr });
        const position: OpenPosition = {
          id: 'p',
          userId: 'u',
          symbol: trade.symbol,
          quantity: trade.quantity,
          openedAt: trade.entryTime,
          entryBarTime: signal.openTime,
          mode: 'paper',
          ...exitStateAt(plan, trade.entryPrice, trade.entryTime),
        };
        let exit: { time: number; price: number; reason: string } | null = null;
        for (let i = fill; i < bars.length && exit === null; i++) {
          const b = bars[i]!;
          const tick = engineTick({
            now: b.openTime + FIVE_MIN,
            markets: [
              {
                symbol: trade.symbol,
                assetType: 'crypto',
                bar: b,
                detection: null,
                sentiment: null,
                recentRangePct: null,
              },
            ],
            users: [],
            positions: [position],
            safety: DEFAULT_SAFETY,
            isMarketOpen: () => true,
            sentiment: 'ignore',
            minConfidence: 0.7,
          });
          const close = tick.intents.find((x) => x.kind === 'close');
          if (close?.kind === 'close')
            exit = { time: b.openTime + FIVE_MIN, price: close.price, reason: close.reason };
          else position.highWaterPrice = advanceExitState(position, b);
        }
        expect(exit).not.toBeNull();
        expect(exit!.time).toBe(trade.exitTime);
        expect(exit!.reason).toBe(trade.exitReason);
        const slip = exit!.reason === 'take-profit' ? 0 : params.slippageRate;
        expect(trade.exitPrice).toBeCloseTo(exit!.price * (1 - slip), 12);
        reasons.add(exit!.reason);
      }
      expect(reasons.size).toBeGreaterThanOrEqual(2);
    }, 120_000);
  }
});

import { describe, expect, it } from 'vitest';
import { prepareSeries, runBacktest } from './backtest';
import { DetectorState } from './detector';
import { backtestParamsSchema } from './params';
import { loadBinance2018 } from './testing/binance-2018';
import { SEED_RULES } from './testing/rules';
import type { Bar } from './types';

const FIVE_MIN = 300_000;

describe('runBacktest on the shared Binance 5m data', () => {
  const series = loadBinance2018();
  const prepared = prepareSeries(series, '5m');
  // The seed's rules (lowest points only, fixed 3 % / 2 % exits) and fixed slippage keep the fills
  // checkable; the other exit rules and the range-volume model have their own tests.
  const params = backtestParamsSchema.parse({ params: SEED_RULES, slippageModel: 'fixed' });
  const result = runBacktest(prepared, { params });

  it('replays every bar through the detector and says that sentiment was ignored', () => {
    expect(result.barsEvaluated).toBe(series.reduce((n, s) => n + s.bars.length, 0));
    expect(result.signals).toBe(19);
    expect(result.notes[0]).toMatch(/^sentiment ignored/);
    expect(result.symbols).toHaveLength(7);
  });

  it('fills each entry at the open of the bar after its signal, with slippage', () => {
    expect(result.trades.length).toBeGreaterThan(0);
    for (const t of result.trades) {
      const bars = series.find((s) => s.symbol === t.symbol)!.bars;
      const fill = bars.findIndex((b) => b.openTime === t.entryTime);
      expect(fill).toBeGreaterThan(0);
      expect(t.entryPrice).toBeCloseTo(bars[fill]!.open * (1 + params.slippageRate), 15);
      const signalBar = withSignalAt(t.symbol, bars[fill - 1]!.openTime);
      expect(signalBar).toBe(true);
    }
  });

  it('exits at the levels with stop-loss first, and the money adds up to the cent', () => {
    let pnl = 0;
    for (const t of result.trades) {
      pnl += t.pnlCents;
      expect(t.pnlCents).toBe(t.proceedsCents - t.costCents - t.feesCents);
      const entry = t.entryPrice;
      if (t.exitReason === 'stop-loss')
        expect(t.exitPrice).toBeLessThanOrEqual(entry * 0.98 * (1 - params.slippageRate) + 1e-15);
      if (t.exitReason === 'take-profit')
        expect(t.exitPrice).toBeGreaterThanOrEqual(entry * 1.03 * (1 - params.slippageRate) - 1e-15);
    }
    expect(result.metrics.totalPnlCents).toBe(pnl);
    expect(result.metrics.endCents).toBe(result.metrics.startCents + pnl);
    expect(result.equity.at(-1)?.equityCents).toBe(result.metrics.endCents);
    expect(result.metrics.trades).toBe(result.trades.length);
  });

  it('is deterministic and gives the same result from raw or prepared series', () => {
    const again = runBacktest(series, { params });
    expect(again.trades).toEqual(result.trades);
    expect(again.metrics).toEqual(result.metrics);
  }, 120_000);

  it('trades nothing when sentiment is known and negative, and on every unknown score', () => {
    expect(runBacktest(prepared, { params, sentiment: -10 }).trades).toEqual([]);
    const unknown = runBacktest(prepared, { params, sentiment: () => null });
    expect(unknown.trades).toEqual([]);
    expect(unknown.signals).toBe(0);
    const bullish = runBacktest(prepared, { params, sentiment: 50 });
    expect(bullish.signals).toBeGreaterThanOrEqual(result.signals);
    expect(bullish.notes[0]).toBe('sentiment held constant at 50');
  }, 120_000);

  function withSignalAt(symbol: string, openTime: number): boolean {
    const p = prepared.find((s) => s.symbol === symbol)!;
    const state = new DetectorState({ symbol, assetType: 'crypto', timeframe: '5m', sentiment: 'ignore' });
    for (const b of p.bars) {
      const signal = state.push(b);
      if (b.openTime === openTime) return signal;
    }
    return false;
  }
});

describe('runBacktest mechanics on a constructed series', () => {
  // Real bars, with the first trade's entry bar rewritten so it touches both levels.
  it('assumes the stop-loss when the bar after entry touches both levels', () => {
    const series = loadBinance2018();
    const params = backtestParamsSchema.parse({});
    const base = runBacktest(series, { params });
    const first = base.trades[0]!;
    const s = series.find((x) => x.symbol === first.symbol)!;
    const k = s.bars.findIndex((b) => b.openTime === first.entryTime);
    const bars: Bar[] = s.bars.map((b) => ({ ...b }));
    const entryBar = bars[k]!;
    entryBar.high = entryBar.open * 1.5;
    entryBar.low = entryBar.open * 0.5;
    const edited = runBacktest([{ symbol: s.symbol, bars }], { params });
    const trade = edited.trades.find((t) => t.entryTime === first.entryTime)!;
    expect(trade.exitReason).toBe('stop-loss');
    expect(trade.exitTime).toBe(first.entryTime + FIVE_MIN);
  }, 120_000);

  it('refuses bad input with a clear error', () => {
    const params = backtestParamsSchema.parse({});
    const bar = (t: number): Bar => ({
      symbol: 'X/Y',
      timeframe: '5m',
      openTime: t,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
      tradeCount: null,
    });
    expect(() =>
      runBacktest([{ symbol: 'X/Y', bars: [bar(2 * FIVE_MIN), bar(FIVE_MIN)] }], { params }),
    ).toThrow(/oldest first/);
    expect(() =>
      runBacktest([{ symbol: 'X/Y', bars: [{ ...bar(0), timeframe: '1h' }] }], { params }),
    ).toThrow(/runs on X\/Y 5m/);
    expect(() =>
      runBacktest(
        [
          { symbol: 'X/Y', bars: [bar(0)] },
          { symbol: 'X/Y', bars: [bar(0)] },
        ],
        { params },
      ),
    ).toThrow(/appears twice/);
    expect(() => runBacktest([{ symbol: 'AAPL', assetType: 'stock', bars: [] }], { params })).toThrow(
      /isMarketOpen/,
    );
  });

  it('returns an empty, well-formed result for no bars', () => {
    const r = runBacktest([], { params: backtestParamsSchema.parse({}) });
    expect(r.trades).toEqual([]);
    expect(r.metrics.trades).toBe(0);
    expect(r.equity).toEqual([]);
  });
});

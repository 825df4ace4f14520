import { runBacktest } from '@tradehits/core/backtest';
import { isMarketOpen } from '@tradehits/core/calendar';
import { backtestParamsSchema } from '@tradehits/core/params';
import { loadBinance2018 } from '@tradehits/core/testing/binance-2018';
import { describe, expect, it } from 'vitest';
import { BacktestInputError, runBacktestOffThread } from './backtest-pool';

const series = loadBinance2018().map((s) => ({ ...s, assetType: 'crypto' as const }));
const params = backtestParamsSchema.parse({ startBalance: 2_500 });

describe('runBacktestOffThread', () => {
  it('gives the same result as the backtester in process, with progress', async () => {
    const progress: number[] = [];
    const result = await runBacktestOffThread(series, params, (done) => progress.push(done));
    const inProcess = runBacktest(series, { params, isMarketOpen });
    expect(result.metrics).toEqual(inProcess.metrics);
    expect(result.trades).toEqual(inProcess.trades);
    expect(result.metrics.startCents).toBe(250_000);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBeGreaterThan(0);
  }, 120_000);

  it('keeps the event loop free while it computes', async () => {
    // Four copies of the shared recordings under other names: several seconds of work on this machine.
    const large = [0, 1, 2, 3].flatMap((copy) =>
      series.map((s) => ({
        ...s,
        symbol: `${s.symbol.split('/')[0]}${copy}/BTC`,
        bars: s.bars.map((b) => ({ ...b, symbol: `${s.symbol.split('/')[0]}${copy}/BTC` })),
      })),
    );
    // Probe the loop the way a request would find it: how long until a queued callback runs.
    const waits: number[] = [];
    let finished = false;
    const run = runBacktestOffThread(large, params).finally(() => {
      finished = true;
    });
    while (!finished) {
      const asked = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
      waits.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await run;
    expect(result.barsEvaluated).toBeGreaterThan(100_000);
    waits.sort((a, b) => a - b);
    // The machine is shared and busy: judge the typical wait (the 90th percentile), not one GC pause.
    expect(waits.length).toBeGreaterThan(10);
    expect(waits[Math.floor(waits.length * 0.9)]!).toBeLessThan(100);
  }, 180_000);

  it("refuses bad input with the backtester's message", async () => {
    const [first] = series;
    const unsorted = [{ ...first!, bars: [...first!.bars].reverse() }];
    await expect(runBacktestOffThread(unsorted, params)).rejects.toBeInstanceOf(BacktestInputError);
  }, 60_000);
});

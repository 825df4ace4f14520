import { DEFAULT_WALK_FORWARD, walkForward } from '@tradehits/core/optimize';
import { backtestParamsSchema } from '@tradehits/core/params';
import { loadBinance2018 } from '@tradehits/core/testing/binance-2018';
import { describe, expect, it } from 'vitest';
import { walkForwardParallel } from './optimize-pool';

describe('walkForwardParallel', () => {
  it('gives exactly the single-thread result, spread over worker threads', async () => {
    const series = loadBinance2018().filter((s) => s.symbol === 'DASH/BTC' || s.symbol === 'XMR/BTC');
    const base = backtestParamsSchema.parse({});
    const config = { ...DEFAULT_WALK_FORWARD, samples: 3, minTrades: 1, resamples: 200 };
    const parallel = await walkForwardParallel(series, base, config, { workers: 2 });
    expect(parallel).toEqual(walkForward(series, base, config));
    expect(parallel.folds.length).toBeGreaterThan(3);
  }, 300_000);
});

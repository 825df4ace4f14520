import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BINANCE_2018_DIR } from '@tradehits/core/testing/binance-2018';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileMarketData } from './file-source';

const scratch = mkdtempSync(path.join(tmpdir(), 'tradehits-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('file market data', () => {
  const source = createFileMarketData(BINANCE_2018_DIR);

  it('lists the recorded pairs as crypto symbols', async () => {
    expect(await source.symbols('crypto')).toEqual([
      'ADA/BTC',
      'DASH/BTC',
      'ETH/BTC',
      'LTC/BTC',
      'NXT/BTC',
      'XLM/BTC',
      'XMR/BTC',
    ]);
    expect(await source.symbols('stock')).toEqual([]);
  });

  it('serves 5m bars from `since`, at most `limit`', async () => {
    const all = await source.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m' });
    expect(all).toHaveLength(5760);
    expect(all[0]).toMatchObject({
      symbol: 'ETH/BTC',
      timeframe: '5m',
      openTime: 1515560100000,
      tradeCount: null,
    });
    const page = await source.fetchBars({
      symbol: 'ETH/BTC',
      timeframe: '5m',
      since: all[10]!.openTime + 1,
      limit: 3,
    });
    expect(page).toEqual(all.slice(11, 14));
  });

  it('resamples to whole UTC hours and days, leaving out the day the recording ends inside', async () => {
    const hours = await source.fetchBars({ symbol: 'ETH/BTC', timeframe: '1h' });
    const days = await source.fetchBars({ symbol: 'ETH/BTC', timeframe: '1d' });
    // 2018-01-10 04:55 to 2018-01-30 04:50 (last bar closes 04:55): the 04:00 hour of the 30th is not closed.
    expect(new Date(hours.at(-1)!.openTime).toISOString()).toBe('2018-01-30T03:00:00.000Z');
    expect(new Date(days[0]!.openTime).toISOString()).toBe('2018-01-10T00:00:00.000Z');
    expect(new Date(days.at(-1)!.openTime).toISOString()).toBe('2018-01-29T00:00:00.000Z');
    expect(days).toHaveLength(20);
  });

  it('names what is wrong with a missing symbol or a malformed file', async () => {
    await expect(source.fetchBars({ symbol: 'BTC/USD', timeframe: '5m' })).rejects.toThrow(
      /No recorded candles for BTC\/USD/,
    );
    writeFileSync(
      path.join(scratch, 'BAD_USD-5m.json'),
      JSON.stringify([
        [1, 2, 3, 4, 5, 6],
        [2, 1, 'x', 1, 1, 1],
      ]),
    );
    writeFileSync(
      path.join(scratch, 'BACK_USD-5m.json'),
      JSON.stringify([
        [2, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
      ]),
    );
    writeFileSync(path.join(scratch, 'notes.txt'), 'ignored');
    const files = createFileMarketData(scratch);
    expect(await files.symbols('crypto')).toEqual(['BACK/USD', 'BAD/USD']);
    await expect(files.fetchBars({ symbol: 'BAD/USD', timeframe: '1h' })).rejects.toThrow(
      /row 1 is not \[openTimeMs/,
    );
    await expect(files.fetchBars({ symbol: 'BACK/USD', timeframe: '5m' })).rejects.toThrow(
      /row 1 is out of order/,
    );
  });
});

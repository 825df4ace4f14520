import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resampleBars } from '@tradehits/core/resample';
import { BINANCE_2018_DIR } from '@tradehits/core/testing/binance-2018';
import { afterAll, describe, expect, it } from 'vitest';
import { createReplaySource, parseRecordedBars, replayTime, visibleBars } from './replay';

const dir = BINANCE_2018_DIR;
const ethRows = JSON.parse(readFileSync(path.join(dir, 'ETH_BTC-5m.json'), 'utf8')) as number[][];
const eth = parseRecordedBars('ETH/BTC', JSON.stringify(ethRows), 'ETH_BTC-5m.json');
const first = eth[0]!.openTime;
const MIN = 60_000;

const scratch = mkdtempSync(path.join(tmpdir(), 'replay-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('replay clock', () => {
  it('maps wall time onto the recording at the given speed', () => {
    expect(replayTime(1_000 + 60_000, { wallStart: 1_000, recordStart: first, speed: 60 })).toBe(
      first + 3_600_000,
    );
  });
});

describe('visibleBars', () => {
  it('shows a 5m bar only once it has closed', () => {
    expect(visibleBars(eth, '5m', first + 5 * MIN - 1)).toEqual([]);
    expect(visibleBars(eth, '5m', first + 5 * MIN)).toEqual([eth[0]]);
  });

  it('never invents bars across the recording gaps', () => {
    const ada = parseRecordedBars('ADA/BTC', readFileSync(path.join(dir, 'ADA_BTC-5m.json'), 'utf8'), 'ADA');
    const gaps = ada.filter((b, i) => i > 0 && b.openTime - ada[i - 1]!.openTime > 5 * MIN);
    expect(gaps.length).toBeGreaterThan(0);
    const gap = gaps[0]!;
    // just before the bar after the gap closes, the newest visible bar is the one before the gap
    const shown = visibleBars(ada, '5m', gap.openTime + 5 * MIN - 1);
    expect(shown).toEqual(ada.slice(0, ada.indexOf(gap)));
    const hours = visibleBars(ada, '1h', ada.at(-1)!.openTime + 60 * MIN);
    expect(hours).toEqual(resampleBars(ada, '1h'));
  });

  it('resamples to 1h and 1d, holding back the bucket still forming', () => {
    const end = eth.at(-1)!.openTime + 5 * MIN;
    // the last recorded hour (04:00–05:00) is still forming when the last 5m bar (04:50) closes
    expect(visibleBars(eth, '1h', end)).toEqual(resampleBars(eth, '1h').slice(0, -1));
    expect(visibleBars(eth, '1h', end + 5 * MIN)).toEqual(resampleBars(eth, '1h'));
    expect(visibleBars(eth, '1d', end + 24 * 60 * MIN)).toEqual(resampleBars(eth, '1d'));
    const midHour = Math.floor(first / 3_600_000) * 3_600_000 + 5 * 3_600_000 + 30 * MIN;
    const hours = visibleBars(eth, '1h', midHour);
    expect(hours.at(-1)!.openTime + 3_600_000).toBeLessThanOrEqual(midHour);
    expect(hours.at(-1)!.openTime + 2 * 3_600_000).toBeGreaterThan(midHour);
  });

  it('applies since (inclusive) and limit like the live sources', () => {
    const now = first + 100 * 5 * MIN;
    const since = eth[10]!.openTime;
    expect(visibleBars(eth, '5m', now, since, 2)).toEqual(eth.slice(10, 12));
    expect(visibleBars(eth, '5m', now, undefined, 2).map((b) => b.openTime)).toEqual(
      visibleBars(eth, '5m', now)
        .slice(-2)
        .map((b) => b.openTime),
    );
    expect(visibleBars(eth, '5m', now, undefined, 0)).toEqual([]);
  });
});

describe('createReplaySource', () => {
  it('plays the shared recordings in step, as crypto only', async () => {
    let wall = 5_000;
    const replay = createReplaySource({ dir, clock: () => wall, speed: 60 });
    expect(await replay.symbols('crypto')).toEqual([
      'ADA/BTC',
      'DASH/BTC',
      'ETH/BTC',
      'LTC/BTC',
      'NXT/BTC',
      'XLM/BTC',
      'XMR/BTC',
    ]);
    expect(await replay.symbols('stock')).toEqual([]);
    expect(await replay.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m' })).toEqual([]);
    wall += 60 * MIN; // one wall hour at 60× = 60 recorded hours
    const now = await replay.replayNow();
    expect(now).toBe(first + 60 * 60 * MIN);
    expect(await replay.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m' })).toEqual(
      visibleBars(eth, '5m', now),
    );
    const hours = await replay.fetchBars({ symbol: 'ETH/BTC', timeframe: '1h' });
    expect(hours.length).toBeGreaterThanOrEqual(59);
    expect(hours.every((b) => b.symbol === 'ETH/BTC' && b.timeframe === '1h')).toBe(true);
  });

  it('starts where asked', async () => {
    const startAt = eth[500]!.openTime;
    const replay = createReplaySource({ dir, clock: () => 0, startAt });
    const bars = await replay.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m', limit: 1 });
    expect(bars).toEqual([eth[499]]);
  });

  it('continues from where a lookup says the backfill ends, so the next bar arrives at once', async () => {
    let wall = 0;
    const backfillEnd = eth[1000]!.openTime + 5 * MIN;
    const replay = createReplaySource({
      dir,
      clock: () => wall,
      speed: 60,
      startAt: async () => backfillEnd,
    });
    expect(await replay.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m', limit: 1 })).toEqual([eth[1000]]);
    // Five recorded minutes pass in five wall seconds at speed 60: the next bar closes.
    wall = 5_000;
    expect(await replay.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m', since: backfillEnd })).toEqual([
      eth[1001],
    ]);
  });

  it('replays from the beginning when the backfill covers the whole recording or there is none', async () => {
    for (const lookup of [async () => eth.at(-1)!.openTime + 60 * MIN, async () => null]) {
      const replay = createReplaySource({ dir, clock: () => 0, startAt: lookup });
      expect(await replay.replayNow()).toBe(first);
    }
  });

  it('rejects unknown symbols, bad files and a bad speed with clear errors', async () => {
    writeFileSync(path.join(scratch, 'GOOD_USD-5m.json'), JSON.stringify([[0, 1, 1, 1, 1, 1]]));
    writeFileSync(
      path.join(scratch, 'BAD_USD-5m.json'),
      JSON.stringify([
        [0, 1, 1, 1, 1, 1],
        [0, 1, 1, 1, 1, 1],
      ]),
    );
    writeFileSync(path.join(scratch, 'ODD_USD-5m.json'), JSON.stringify([[0, 'x', 1, 1, 1, 1]]));
    writeFileSync(path.join(scratch, 'notes.txt'), 'ignored');
    const replay = createReplaySource({ dir: scratch, clock: () => 0, startAt: 10 * MIN });
    expect(await replay.symbols('crypto')).toEqual(['BAD/USD', 'GOOD/USD', 'ODD/USD']);
    expect(await replay.fetchBars({ symbol: 'GOOD/USD', timeframe: '5m' })).toHaveLength(1);
    await expect(replay.fetchBars({ symbol: 'BTC/USD', timeframe: '5m' })).rejects.toThrow(
      `replay: no recording for BTC/USD in ${scratch}`,
    );
    await expect(replay.fetchBars({ symbol: 'BAD/USD', timeframe: '5m' })).rejects.toThrow(
      'replay: BAD_USD-5m.json: BAD/USD: row 1 is out of order (openTime 0)',
    );
    await expect(replay.fetchBars({ symbol: 'ODD/USD', timeframe: '5m' })).rejects.toThrow(
      'replay: ODD_USD-5m.json: ODD/USD: row 0 is not [openTimeMs, open, high, low, close, volume] numbers',
    );
    await expect(
      createReplaySource({ dir: path.join(scratch, 'missing'), clock: () => 0 }).symbols('crypto'),
    ).rejects.toThrow('replay: cannot read the replay folder');
    expect(() => createReplaySource({ dir, clock: () => 0, speed: 0 })).toThrow(
      'replay speed must be positive',
    );
  });
});

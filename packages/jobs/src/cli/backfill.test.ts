import { describe, expect, it } from 'vitest';
import { formatSummary, parseBackfillArgs } from './backfill';

describe('backfill command line', () => {
  it('parses files, symbols, timeframes and an ISO range', () => {
    expect(
      parseBackfillArgs([
        '--source',
        'files',
        '--dir',
        '/data',
        '--symbols',
        'ETH/BTC, ADA/BTC',
        '--timeframes',
        '5m,1d',
        '--from',
        '2018-01-15',
        '--to',
        '2018-01-20T12:00:00Z',
      ]),
    ).toEqual({
      source: 'files',
      dir: '/data',
      symbols: ['ETH/BTC', 'ADA/BTC'],
      timeframes: ['5m', '1d'],
      from: Date.UTC(2018, 0, 15),
      to: Date.UTC(2018, 0, 20, 12),
    });
  });

  it('defaults to every timeframe, and to files when a folder is given', () => {
    expect(parseBackfillArgs(['--dir', 'x'])).toEqual({
      source: 'files',
      dir: 'x',
      timeframes: ['5m', '1h', '1d'],
    });
    expect(parseBackfillArgs([]).source).toBe('kraken');
    expect(parseBackfillArgs(['--source', 'alpaca', '--symbols', 'AAPL,MSFT'])).toEqual({
      source: 'alpaca',
      symbols: ['AAPL', 'MSFT'],
      timeframes: ['5m', '1h', '1d'],
    });
  });

  it('names each mistake', () => {
    expect(() => parseBackfillArgs(['--source', 'files'])).toThrow(/needs --dir/);
    expect(() => parseBackfillArgs(['--source', 'binance'])).toThrow(/files, kraken or alpaca/);
    expect(() => parseBackfillArgs(['--source', 'alpaca', '--symbols', 'AAPL,BTC/USD'])).toThrow(
      /--source alpaca serves US stocks only, not "BTC\/USD"/,
    );
    expect(() => parseBackfillArgs(['--timeframes', '5m,4h'])).toThrow(/unknown timeframe "4h"/);
    expect(() => parseBackfillArgs(['--symbols', 'btc-usd'])).toThrow(/Unknown symbol "btc-usd"/);
    expect(() => parseBackfillArgs(['--from', 'yesterday'])).toThrow(/--from "yesterday" is not an ISO/);
    expect(() => parseBackfillArgs(['--from', '2025-02-01', '--to', '2025-01-01'])).toThrow(/after --to/);
    expect(() => parseBackfillArgs(['--symbol', 'X'])).toThrow(/Unknown option '--symbol'/);
  });

  it('prints an aligned summary', () => {
    expect(
      formatSummary([
        { symbol: 'ETH/BTC', timeframe: '5m', rows: 5760, durationMs: 1234 },
        { symbol: 'NOPE/BTC', timeframe: '1h', rows: 0, durationMs: 5, error: 'no data' },
      ]),
    ).toBe(
      [
        'symbol    timeframe  rows  seconds  error',
        'ETH/BTC   5m         5760  1.23',
        'NOPE/BTC  1h         0     0.01     no data',
      ].join('\n'),
    );
  });
});

import { PassThrough } from 'node:stream';
import { BINANCE_2018_DIR } from '@tradehits/core/testing/binance-2018';
import { describe, expect, it } from 'vitest';
import { backtestCli } from './backtest';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await backtestCli(argv, { stdout, stderr, progress: false });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('backtest CLI', () => {
  it('prints one JSON document with params, metrics, trades and the equity curve', async () => {
    const r = await cli(
      '--source',
      'files',
      '--dir',
      BINANCE_2018_DIR,
      '--json',
      '--symbols',
      'NXT/BTC,XMR/BTC',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.symbols).toEqual(['NXT/BTC', 'XMR/BTC']);
    expect(doc.params.sentiment).toBe('ignore');
    expect(doc.metrics.trades).toBe(doc.trades.length);
    expect(doc.trades.length).toBeGreaterThan(0);
    expect(doc.equity.length).toBeGreaterThan(5_000);
    expect(doc.trades[0]).toHaveProperty('exitReason');
  });

  it('resamples to 1h and cuts to the requested range', async () => {
    const r = await cli(
      ...['--source', 'files', '--dir', BINANCE_2018_DIR, '--json', '--timeframe', '1h'],
      ...['--symbols', 'ETH/BTC', '--from', '2018-01-15', '--to', '2018-01-20T00:00:00Z'],
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.params.timeframe).toBe('1h');
    expect(doc.barsEvaluated).toBe(5 * 24);
    expect(doc.from).toBe(Date.UTC(2018, 0, 15));
  });

  it('prints a human summary by default', async () => {
    const r = await cli('--source', 'files', '--dir', BINANCE_2018_DIR, '--symbols', 'LTC/BTC');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Backtest LTC\/BTC 5m/);
    expect(r.stdout).toMatch(/note: sentiment ignored/);
  });

  it.each([
    [
      ['--params', '{"params":{"stopLossPct":80}}'],
      /params\.stopLossPct: stop-loss must be between 0\.1 % and 50 %/,
    ],
    [['--params', '{not json'], /--params is not valid JSON/],
    [['--timeframe', '1d'], /timeframe/],
    [['--symbols', 'DOGE/BTC'], /no <BASE>_<QUOTE>-5m\.json file for DOGE\/BTC/],
    [['--from', 'yesterday'], /--from must be an ISO date/],
    [['--bogus'], /Unknown option/],
  ])('exits 2 with a clear message on %j', async (extra, message) => {
    const r = await cli('--source', 'files', '--dir', BINANCE_2018_DIR, ...extra);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: npm run backtest/);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { loadConfig } from '@tradehits/config';
import { afterAll, expect, it } from 'vitest';
import { parseBackfillArgs, runBackfill } from './backfill';

const SHARED = path.resolve(import.meta.dirname, '../../../../../shared/data/market/binance-2018-01');
const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-backfill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('backfills recorded files into the configured DuckDB store, then resumes with nothing to do', async () => {
  const config = loadConfig({ DATA_DIR: dir }, '/');
  const args = parseBackfillArgs([
    '--dir',
    SHARED,
    '--symbols',
    'ETH/BTC,NXT/BTC',
    '--timeframes',
    '1h,1d',
    '--to',
    '2018-01-20',
  ]);
  let printed = '';
  const io = { write: (t: string) => (printed += t), progress: false };
  const first = await runBackfill(args, config, io);
  expect(first.map((s) => [s.symbol, s.timeframe, s.rows > 0, s.error])).toEqual([
    ['ETH/BTC', '1h', true, undefined],
    ['ETH/BTC', '1d', true, undefined],
    ['NXT/BTC', '1h', true, undefined],
    ['NXT/BTC', '1d', true, undefined],
  ]);
  expect(printed).toMatch(/symbol\s+timeframe\s+rows/);
  expect(printed).toMatch(/bars written to duckdb; 0 failed/);

  const again = await runBackfill(
    parseBackfillArgs(['--dir', SHARED, '--symbols', 'ETH/BTC,NXT/BTC', '--timeframes', '1h,1d']),
    config,
    io,
  );
  // The rest of the recording, after 2018-01-20: resumed, not rewritten.
  expect(again.find((s) => s.symbol === 'ETH/BTC' && s.timeframe === '1h')!.rows).toBe(480 - first[0]!.rows);

  const store = await createDuckDbStore(config.analytics.kind === 'duckdb' ? config.analytics.file : '');
  expect(await store.countBars({ symbol: 'ETH/BTC', timeframe: '1h' })).toBe(480);
  await store.close();
});

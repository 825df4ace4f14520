import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index';

describe('loadConfig', () => {
  it('falls back to the embedded stores when no service is configured', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.database).toEqual({ kind: 'pglite', dir: '/srv/app/.data/pglite' });
    expect(c.analytics).toEqual({
      kind: 'duckdb',
      file: '/srv/app/.data/analytics.duckdb',
      socket: '/srv/app/.data/analytics.sock',
    });
    expect(c.jobs).toEqual({ kind: 'in-process' });
    expect(c.PORT).toBe(3000);
    expect(c.CRYPTO_SYMBOLS).toContain('BTC/USD');
  });

  it('uses the real services when their URLs are set', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://127.0.0.1/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      BIGQUERY_PROJECT: 'p',
      DATA_DIR: '/tmp/x',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://127.0.0.1/test' });
    expect(c.jobs).toEqual({ kind: 'bullmq', redisUrl: 'redis://127.0.0.1:6379' });
    expect(c.analytics).toMatchObject({ kind: 'bigquery', project: 'p', dataset: 'tradehits' });
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(/SECRETS_KEY/);
  });

  it('treats empty strings as unset and splits lists', () => {
    const c = loadConfig({ DATABASE_URL: '', STOCK_SYMBOLS: 'AAPL, MSFT,,' });
    expect(c.database.kind).toBe('pglite');
    expect(c.STOCK_SYMBOLS).toEqual(['AAPL', 'MSFT']);
  });

  it('reads the detector thresholds as one JSON object over the defaults', () => {
    expect(loadConfig({}).DETECTOR_SETTINGS).toMatchObject({ minConfidence: 0.7, evidenceWindow: 12 });
    const c = loadConfig({ DETECTOR_SETTINGS: '{"minConfidence":0.75}' });
    expect(c.DETECTOR_SETTINGS).toMatchObject({ minConfidence: 0.75, evidenceWindow: 12, supportPct: 1.5 });
    expect(() => loadConfig({ DETECTOR_SETTINGS: '{minConfidence' })).toThrow(
      /DETECTOR_SETTINGS: must be a JSON/,
    );
    expect(() => loadConfig({ DETECTOR_SETTINGS: '{"minConfidence":2}' })).toThrow(/DETECTOR_SETTINGS/);
    expect(() => loadConfig({ DETECTOR_SETTINGS: '{"minConfidense":0.7}' })).toThrow(/DETECTOR_SETTINGS/);
  });
});

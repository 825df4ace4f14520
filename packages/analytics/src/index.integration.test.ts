import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@tradehits/config';
import { afterAll, expect, it } from 'vitest';
import { createAnalyticsStore } from './index';

const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-analytics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('chooses DuckDB in the data directory by default and BigQuery when a project is configured', async () => {
  const embedded = await createAnalyticsStore(loadConfig({ DATA_DIR: dir }, '/'));
  expect(embedded.kind).toBe('duckdb');
  await embedded.migrate();
  expect(await embedded.countBars()).toBe(0);
  await embedded.close();

  const cloud = await createAnalyticsStore(
    loadConfig(
      { DATA_DIR: dir, BIGQUERY_PROJECT: 'tradehits-prod', BIGQUERY_API_ENDPOINT: 'http://127.0.0.1:9' },
      '/',
    ),
  );
  expect(cloud.kind).toBe('bigquery'); // built without any request
  await cloud.close();
});

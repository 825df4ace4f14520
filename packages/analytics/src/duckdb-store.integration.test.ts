import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createDuckDbStore } from './duckdb-store';
import { analyticsStoreContract } from './testing/store-contract';

const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-duckdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

analyticsStoreContract('DuckDB', () => createDuckDbStore(path.join(dir, 'nested', 'analytics.duckdb')));

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigQueryDdl, createBigQueryStore } from './bigquery-store';
import { type FakeBigQuery, startFakeBigQuery } from './testing/fake-bigquery';
import { analyticsStoreContract, sharedBars } from './testing/store-contract';

const PROJECT = 'tradehits-test';
let fake: FakeBigQuery;

beforeAll(async () => {
  fake = await startFakeBigQuery(PROJECT);
});
afterAll(async () => {
  await fake.close();
});

const client = () => fake.client();

let datasets = 0;
analyticsStoreContract('BigQuery', async () =>
  createBigQueryStore({ project: PROJECT, dataset: `analytics_${++datasets}`, client: client() }),
);

describe('BigQuery requests', () => {
  it('upserts with a parameterised MERGE whose rows travel as a typed ARRAY<STRUCT>', async () => {
    const store = createBigQueryStore({ project: PROJECT, dataset: 'requests', client: client() });
    await store.migrate();
    const before = fake.requests.length;
    const bars = sharedBars('XMR', 3);
    await store.upsertBars('crypto', bars);
    const sent = fake.requests.slice(before);
    const merge = sent.find((r) => String(r.body.query).startsWith('MERGE'))!;
    expect(merge.path).toBe(`/bigquery/v2/projects/${PROJECT}/queries`);
    expect(merge.body.query).toContain('MERGE INTO `tradehits-test.requests.crypto_bars_5m` AS T');
    expect(merge.body.query).toContain('FROM UNNEST(@rows)');
    expect(merge.body.useLegacySql).toBe(false);
    expect(merge.body.parameterMode).toBe('named');
    const [param] = merge.body.queryParameters as {
      name: string;
      parameterType: {
        type: string;
        arrayType: { type: string; structTypes: { name: string; type: { type: string } }[] };
      };
      parameterValue: { arrayValues: { structValues: Record<string, { value: unknown }> }[] };
    }[];
    expect(param!.name).toBe('rows');
    expect(param!.parameterType.type).toBe('ARRAY');
    expect(param!.parameterType.arrayType.type).toBe('STRUCT');
    const fieldTypes = Object.fromEntries(
      param!.parameterType.arrayType.structTypes.map((f) => [f.name, f.type.type]),
    );
    expect(fieldTypes).toMatchObject({
      symbol: 'STRING',
      open_time: 'INT64',
      close: 'FLOAT64',
      rsi14: 'FLOAT64',
    });
    expect(param!.parameterValue.arrayValues).toHaveLength(3);
    expect(param!.parameterValue.arrayValues[0]!.structValues.symbol!.value).toBe('XMR/BTC');
    // No value is ever spliced into the query text.
    expect(merge.body.query).not.toContain('XMR');
    const read = fake.requests.length;
    expect(await store.bars({ symbol: 'XMR/BTC', timeframe: '5m', limit: 2 })).toEqual(bars.slice(1));
    const select = fake.requests[read]!;
    expect(select.body.query).not.toContain('XMR');
    expect(select.body.queryParameters).toEqual(
      expect.arrayContaining([
        { name: 'symbol', parameterType: { type: 'STRING' }, parameterValue: { value: 'XMR/BTC' } },
        { name: 'limit', parameterType: { type: 'INT64' }, parameterValue: { value: 2 } },
      ]),
    );
    await store.close();
  });

  it('creates date-partitioned tables clustered by symbol; 5-minute bars expire after 90 days', () => {
    const ddl = bigQueryDdl('my-project', 'tradehits');
    const fiveMinute = ddl.find((d) => d.table === 'stock_bars_5m')!.sql;
    expect(fiveMinute).toContain('PARTITION BY DATE(`open_time`)');
    expect(fiveMinute).toContain('CLUSTER BY `symbol`');
    expect(fiveMinute).toContain('OPTIONS (partition_expiration_days = 90)');
    expect(ddl.find((d) => d.table === 'crypto_bars_1d')!.sql).not.toContain('partition_expiration_days');
    expect(ddl.find((d) => d.table === 'market_calendar')!.sql).toContain('PARTITION BY `date`');
  });

  it('infra/bigquery holds the DDL the store runs', () => {
    const file = new URL('../../../infra/bigquery/tables.sql', import.meta.url);
    const expected = bigQueryDdl('your-project', 'tradehits')
      .map((d) => d.sql)
      .join('\n');
    expect(readFileSync(file, 'utf8')).toContain(expected);
  });

  it('rejects project or dataset names that are not identifiers', () => {
    expect(() => createBigQueryStore({ project: PROJECT, dataset: 'x`; DROP', client: client() })).toThrow(
      /Invalid BigQuery project/,
    );
  });
});

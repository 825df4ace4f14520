import type { Config } from '@tradehits/config';
import { createBigQueryStore } from './bigquery-store';
import { createDuckDbStore } from './duckdb-store';
import type { AnalyticsStore } from './store';

export { bigQueryDdl, createBigQueryStore } from './bigquery-store';
export { createDuckDbStore } from './duckdb-store';
export { InvalidRowError } from './schema';
export type { AnalyticsStore, BarQuery, TableCount } from './store';

/** The configured analytics store: BigQuery when a project is set, else the embedded DuckDB file. Not yet migrated. */
export async function createAnalyticsStore(config: Pick<Config, 'analytics'>): Promise<AnalyticsStore> {
  const a = config.analytics;
  if (a.kind === 'bigquery') {
    return createBigQueryStore({
      project: a.project,
      dataset: a.dataset,
      ...(a.apiEndpoint ? { apiEndpoint: a.apiEndpoint } : {}),
    });
  }
  return createDuckDbStore(a.file);
}
export { createTextParquetWriter, readTextParquet } from './parquet';
export { createRemoteAnalyticsStore, serveAnalyticsStore, waitForAnalyticsStore } from './remote-store';

import { writeFileSync } from 'node:fs';
import { bigQueryDdl } from './bigquery-store';

/**
 * Regenerates infra/bigquery/tables.sql from the table definitions:
 * `node --import tsx packages/analytics/src/write-bigquery-ddl.ts` (a test fails while it is stale).
 */
const HEADER = `-- TradeHits analytics tables on BigQuery (dataset \`tradehits\`; replace \`your-project\`).
-- Generated from packages/analytics/src/schema.ts by bigQueryDdl(); AnalyticsStore.migrate() runs the same
-- statements, and a test fails when this file falls behind. Tables are partitioned by day and clustered by
-- symbol; 5-minute bars expire after 90 days (hourly and daily bars keep the history). The dataset itself
-- is created by infra/terraform/bigquery.tf.

`;

const file = new URL('../../../infra/bigquery/tables.sql', import.meta.url);
writeFileSync(
  file,
  HEADER +
    bigQueryDdl('your-project', 'tradehits')
      .map((d) => d.sql)
      .join('\n'),
);
console.log(`wrote ${file.pathname}`);

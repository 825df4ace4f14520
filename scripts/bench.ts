/**
 * `npm run bench`: every benchmark, each with a baseline measured in the same run, printed as a table.
 * Benchmarks are not tests: they never fail on a slow machine, they report.
 */
import { benchBackfill } from './bench/backfill';
import { benchBundle } from './bench/bundle';
import { benchEngineDb } from './bench/engine-db';
import { benchSentiment } from './bench/sentiment';
import { benchTrading } from './bench/trading';

const suites: [string, () => Promise<{ name: string; value: number; unit: string; ratio?: number }[]>][] = [
  ['market data', benchBackfill],
  ['trading', benchTrading],
  ['trading with PostgreSQL', benchEngineDb],
  ['sentiment', benchSentiment],
  ['web', benchBundle],
];

const rows: string[][] = [['suite', 'measure', 'value', 'unit', 'ratio']];
for (const [suite, run] of suites) {
  try {
    for (const r of await run()) {
      rows.push([
        suite,
        r.name,
        r.value.toLocaleString('en-US', { maximumFractionDigits: 3 }),
        r.unit,
        r.ratio === undefined ? '' : r.ratio.toFixed(3),
      ]);
    }
  } catch (err) {
    rows.push([suite, 'failed', '', '', (err as Error).message]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

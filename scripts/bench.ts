/**
 * `npm run bench`: every benchmark, each with a baseline measured in the same run, printed as a table of
 * medians with their spread and ratio. `npm run bench -- --only api` runs one suite (`--list` names them);
 * `--cpu-prof <dir>` has the servers a suite starts write CPU profiles there.
 * Benchmarks are not tests: they never fail on a slow machine, they report.
 */
import { parseArgs } from 'node:util';
import { apiSuite } from './bench/api';
import { backfillSuite } from './bench/backfill';
import { bundleSuite } from './bench/bundle';
import { engineDbSuite } from './bench/engine-db';
import { idleTickSuite } from './bench/idle-tick';
import type { BenchRow, BenchSuite } from './bench/lib';
import { printTable } from './bench/lib';
import { sentimentSuite } from './bench/sentiment';
import { tradingSuite } from './bench/trading';

// A suite is registered by one line here: a `BenchSuite` from its own file under scripts/bench/.
const SUITES: BenchSuite[] = [
  backfillSuite,
  tradingSuite,
  idleTickSuite,
  engineDbSuite,
  sentimentSuite,
  bundleSuite,
  apiSuite,
];

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    list: { type: 'boolean' },
    help: { type: 'boolean' },
    'cpu-prof': { type: 'string' },
  },
});
if (values.help) {
  console.log('usage: npm run bench [-- --only <suite> [--only <suite>]] [--list] [--cpu-prof <dir>]');
  process.exit(0);
}
if (values.list) {
  for (const s of SUITES) console.log(s.name);
  process.exit(0);
}
const chosen = values.only ? SUITES.filter((s) => values.only!.includes(s.name)) : SUITES;
const unknown = (values.only ?? []).filter((n) => !SUITES.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown suite: ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const options = values['cpu-prof'] ? { cpuProfDir: values['cpu-prof'] } : {};
const rows: (BenchRow & { suite: string })[] = [];
for (const suite of chosen) {
  const started = performance.now();
  try {
    for (const r of await suite.run(options)) rows.push({ suite: suite.name, ...r });
  } catch (err) {
    rows.push({ suite: suite.name, name: `failed: ${(err as Error).message}`, value: Number.NaN, unit: '' });
  }
  console.error(`${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
printTable(rows, (line) => console.log(line));

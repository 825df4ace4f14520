import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchRow, BenchSuite } from './lib';

const DIST = path.resolve(import.meta.dirname, '../../apps/web/dist');
const BUDGET_KB = 400;

/**
 * Initial JavaScript of the built SPA: the entry script and every chunk index.html preloads, gzipped
 * at level 9, against the 400 KB budget; the ratio is size ÷ budget (below 1 is within it).
 * Lazy route chunks (the charts) are not initial and are not counted.
 */
export async function benchBundle(): Promise<BenchRow[]> {
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  if (scripts.length === 0) throw new Error('no scripts in apps/web/dist/index.html: build the SPA first');
  let bytes = 0;
  for (const src of new Set(scripts))
    bytes += gzipSync(readFileSync(path.join(DIST, src)), { level: 9 }).length;
  const kb = bytes / 1024;
  return [
    {
      name: 'SPA initial JS (gzip)',
      value: Math.round(kb * 10) / 10,
      unit: 'KB',
      ratio: kb / BUDGET_KB,
      baseline: `budget ${BUDGET_KB} KB`,
    },
  ];
}

/** The web bundle suite for `npm run bench`. */
export const bundleSuite: BenchSuite = { name: 'web', run: () => benchBundle() };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchBundle())
    console.log(
      `${r.name}: ${r.value} ${r.unit} (${((r.ratio ?? 0) * 100).toFixed(0)} % of ${BUDGET_KB} KB)`,
    );
}

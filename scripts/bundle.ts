import { builtinModules } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

const USAGE = `Usage: node --import tsx scripts/bundle.ts --out <dir> [--pglite-template] <entry.ts>...

Bundles an app's entry points and the workspace packages they import into one ES module each
(<dir>/<name>.js), so production runs plain JavaScript instead of compiling TypeScript at start.
Third-party packages stay external and load from node_modules (native DuckDB, argon2 and PGlite's
WebAssembly need their own files). --pglite-template also writes <dir>/pglite-template.tar.gz, the
empty migrated database a new embedded data folder starts from (a second instead of PGlite's initdb).`;

/**
 * Everything but our own workspace packages stays an import of node_modules. A dependency installed
 * under one package's own node_modules (a version other packages do not share) cannot be found from
 * the app's dist/ by name, so it is imported by its path relative to dist/ instead.
 */
function externalDependencies(outDir: string): Plugin {
  return {
    name: 'external-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith('@tradehits/') || args.pluginData?.inner) return undefined;
        if (args.path.startsWith('node:') || builtinModules.includes(args.path))
          return { path: args.path, external: true };
        const opts = { kind: args.kind, pluginData: { inner: true } };
        const here = await b.resolve(args.path, { ...opts, resolveDir: args.resolveDir });
        const fromOut = await b.resolve(args.path, { ...opts, resolveDir: outDir });
        if (here.errors.length || fromOut.path === here.path) return { path: args.path, external: true };
        const relative = path.relative(outDir, here.path).split(path.sep).join('/');
        return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
      });
    },
  };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    'pglite-template': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !values.out || positionals.length === 0) {
  (values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const started = performance.now();
await build({
  entryPoints: positionals,
  outdir: path.resolve(values.out),
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Paths computed from import.meta.url (migrations, the SPA) keep working: dist/ sits where src/ does.
  plugins: [externalDependencies(path.resolve(values.out))],
  logLevel: 'warning',
});
console.log(
  `bundled ${positionals.join(', ')} → ${values.out} in ${Math.round(performance.now() - started)} ms`,
);
if (values['pglite-template']) {
  const { writePgliteTemplate } = await import('@tradehits/db');
  const file = path.resolve(values.out, 'pglite-template.tar.gz');
  const templateStarted = performance.now();
  await writePgliteTemplate(file);
  console.log(`wrote ${file} in ${Math.round(performance.now() - templateStarted)} ms`);
}

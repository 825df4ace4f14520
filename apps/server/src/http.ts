import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { appRouter, createContext } from '@tradehits/api';
import type { JobRunner } from '@tradehits/jobs';
import type { Services } from '@tradehits/trading';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { type Metrics, routeOf } from './metrics';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Serves the built SPA: files as they are, and index.html for every client-side route. */
function serveSpa(webDist: string) {
  const index = path.join(webDist, 'index.html');
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!existsSync(index)) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The web app is not built: run `npm start`.');
      return;
    }
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.normalize(path.join(webDist, urlPath));
    const inside = file.startsWith(webDist + path.sep);
    const isFile = inside && existsSync(file) && statSync(file).isFile();
    const target = isFile ? file : index;
    const hashed = isFile && urlPath.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': MIME[path.extname(target)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(target).pipe(res);
  };
}

/** The HTTP process: tRPC (queries, mutations, SSE subscriptions) at /trpc and the SPA everywhere else. */
export function createHttpServer(
  services: Services,
  runner: JobRunner,
  webDist: string,
  options: { metrics?: Metrics } = {},
): Server {
  const { metrics } = options;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) =>
      createContext(services, runner, req, res, metrics ? { onProcedure: metrics.observeProcedure } : {}),
    onError({ error, path: procedure }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        services.log.error({ procedure, err: error.message, cause: error.cause?.stack }, 'procedure failed');
    },
  });
  const spa = serveSpa(path.resolve(webDist));
  return createServer((req, res) => {
    if (metrics) {
      const started = performance.now();
      res.once('finish', () =>
        metrics.observeRequest(
          req.method ?? 'GET',
          routeOf(req.url),
          res.statusCode,
          (performance.now() - started) / 1000,
        ),
      );
      if (req.method === 'GET' && routeOf(req.url) === '/metrics')
        return void metrics.handle(req, res).catch(() => res.writeHead(500).end());
    }
    if (req.url?.startsWith('/trpc/')) return trpc(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    spa(req, res);
  });
}

import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import {
  appRouter,
  checkHealth,
  conditionalGet,
  createContext,
  describeFailure,
  errorIdOf,
} from '@tradehits/api';
import type { JobRunner } from '@tradehits/jobs';
import type { Services } from '@tradehits/trading';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';

import { createEtagCompressor, type EtagCompressor } from './compress';
import { type Metrics, routeOf } from './metrics';
import { createQueryRoute, plainQueryPath, reportsDown } from './query-route';

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

/**
 * Sent with every response. The SPA loads only its own bundled scripts; ECharts draws on canvas and
 * sets element styles from script (allowed by style-src 'unsafe-inline', which covers style attributes
 * only: no script runs from them). No page may frame the app (clickjacking on the trade buttons).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(production: boolean): Record<string, string> {
  return {
    'content-security-policy': CSP,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    // Only where TLS is certain: HSTS sent over a plain local listener would pin a dev's browser.
    ...(production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** The decoded path of a request target, or null when it is not a well-formed origin-form path. */
export function requestPath(url: string | undefined): string | null {
  if (!url?.startsWith('/')) return null;
  const raw = url.split('?')[0]!.split('#')[0]!;
  // "//host/..." is how a scheme-relative URL starts: never a path of ours, and `new URL()` misreads it.
  if (raw.startsWith('//')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null; // "/%", "/%zz", "/%E0%A4%A": not percent-encoding
  }
  // NUL and other controls never name a file, and fs calls throw on NUL.
  if (/\p{Cc}/u.test(decoded)) return null;
  return decoded;
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Serves the built SPA: files as they are, and index.html for every client-side route. */
function serveSpa(webDist: string) {
  const index = path.join(webDist, 'index.html');
  return (urlPath: string, res: ServerResponse) => {
    if (!existsSync(index)) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The web app is not built: run `npm start`.');
      return;
    }
    const file = path.normalize(path.join(webDist, urlPath));
    const inside = file.startsWith(webDist + path.sep);
    const isFile = inside && existsSync(file) && statSync(file).isFile();
    const target = isFile ? file : index;
    const hashed = isFile && urlPath.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': MIME[path.extname(target)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(target)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}

/** A plain HTTP path beside tRPC and the SPA (health for the platform, and the like). */
export interface HttpRoute {
  method: 'GET';
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** Liveness (the process answers) and readiness (its dependencies answer) for the platform's probes. */
function healthRoutes(services: Services, runner: JobRunner): HttpRoute[] {
  return [
    { method: 'GET', path: '/healthz', handle: (_req, res) => send(res, 200, { ok: true }) },
    {
      method: 'GET',
      path: '/readyz',
      async handle(_req, res) {
        const report = await checkHealth(services, runner);
        send(res, report.ok ? 200 : 503, report);
      },
    },
  ];
}

/**
 * Whether a browser sent this request from another site. Browsers send Origin on every POST, and
 * Sec-Fetch-Site where they support it; scripts and the typed Node client send neither and pass (they
 * carry no ambient cookie a forged cross-site request could borrow).
 */
function crossSite(req: IncomingMessage, publicUrl: string | undefined): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  if (origin === 'null') return true;
  const allowed = new Set<string>();
  if (req.headers.host) allowed.add(`http://${req.headers.host}`).add(`https://${req.headers.host}`);
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  return !allowed.has(origin);
}

/** `GET /metrics` in Prometheus' text format, when the server keeps metrics. */
function metricsRoutes(metrics: Metrics | undefined): HttpRoute[] {
  return metrics ? [{ method: 'GET', path: '/metrics', handle: (req, res) => metrics.handle(req, res) }] : [];
}

/** The HTTP process: tRPC (queries, mutations, SSE subscriptions) at /trpc and the SPA everywhere else. */
export function createHttpServer(
  services: Services,
  runner: JobRunner,
  webDist: string,
  options: { routes?: HttpRoute[]; metrics?: Metrics; compressor?: EtagCompressor } = {},
): Server {
  const { config, log } = services;
  const { metrics } = options;
  const compressor = options.compressor ?? createEtagCompressor();
  const onProcedure = metrics ? { onProcedure: metrics.observeProcedure } : {};
  // The log line carries the id the client was given, and no SQL, parameters or stack.
  const onError = ({ error, path: procedure }: { error: TRPCError; path: string | undefined }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR')
      log.error(
        { errorId: errorIdOf(error), procedure, ...describeFailure(error.cause ?? error) },
        'procedure failed',
      );
  };
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: config.HTTP_BODY_LIMIT_BYTES,
    maxBatchSize: config.HTTP_BATCH_LIMIT,
    createContext: ({ req, res }) => createContext(services, runner, req, res, onProcedure),
    onError,
    responseMeta(opts) {
      // A monitor polling health.check reads the status code: 503 when a dependency is down.
      const { paths, data } = opts;
      const down = data.some((d) => {
        if (!('result' in d)) return false;
        const out = d.result.data as { json?: unknown } | undefined;
        return reportsDown('health.check', out) || reportsDown('health.check', out?.json);
      });
      if (paths?.length === 1 && paths[0] === 'health.check' && down) return { status: 503 };
      // Conditional queries (bars) carry an ETag and answer 304 to a browser that holds them.
      return conditionalGet(opts);
    },
  });
  const query = createQueryRoute(services, runner, compressor, { ...onProcedure, onError });
  const spa = serveSpa(path.resolve(webDist));
  const routes = new Map(
    [...healthRoutes(services, runner), ...metricsRoutes(metrics), ...(options.routes ?? [])].map((r) => [
      `${r.method} ${r.path}`,
      r,
    ]),
  );
  const headers = securityHeaders(config.NODE_ENV === 'production');

  async function handle(req: IncomingMessage, res: ServerResponse) {
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
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const urlPath = requestPath(req.url);
    if (urlPath === null) return send(res, 400, { error: 'Malformed request path.' });

    const route = routes.get(`${req.method === 'HEAD' ? 'GET' : req.method} ${urlPath}`);
    if (route) return route.handle(req, res);

    if (req.url!.startsWith('/trpc/')) {
      // A declared length over the limit is refused before a byte is read (chunked bodies are counted
      // as they arrive by the tRPC adapter, which stops at the same limit).
      if (Number(req.headers['content-length'] ?? 0) > config.HTTP_BODY_LIMIT_BYTES) {
        res.setHeader('connection', 'close');
        return send(res, 413, {
          error: `Request bodies are limited to ${config.HTTP_BODY_LIMIT_BYTES} bytes.`,
        });
      }
      if (req.method === 'POST') {
        // tRPC also reads form data and raw bodies; this API takes JSON only, so a cross-site HTML form
        // (which cannot send JSON) can never reach a procedure.
        const type = req.headers['content-type'] ?? '';
        if (!/^application\/json\s*(;|$)/i.test(type))
          return send(res, 415, { error: 'Send procedure input as application/json.' });
        if (crossSite(req, config.PUBLIC_URL))
          return send(res, 403, { error: 'Cross-site requests are refused.' });
      } else if (req.method !== 'GET') {
        return send(res, 405, { error: 'Use GET for queries and POST for mutations.' });
      } else {
        const procedure = plainQueryPath(req.url!, req.headers);
        if (procedure) return query(req, res, procedure);
      }
      // Large answers with an ETag go compressed when the client accepts it; all in one write.
      compressor.wrap(req, res);
      return trpc(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { error: 'Method not allowed.' });
    spa(urlPath, res);
  }

  const server = createServer((req, res) => {
    // The edge never lets a request take the process down: anything unexpected is a logged 500.
    Promise.resolve()
      .then(() => handle(req, res))
      .catch((err: unknown) => {
        const errorId = errorIdOf(err instanceof Object ? err : new Error(String(err)));
        log.error({ errorId, url: req.url?.slice(0, 200), ...describeFailure(err) }, 'request failed');
        send(res, 500, { error: 'Something went wrong on our side.', errorId });
      });
  });
  // Slow senders (slowloris) are cut off: headers within 10 s, the whole request within the limit.
  server.headersTimeout = Math.min(10_000, config.HTTP_REQUEST_TIMEOUT_MS);
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  // Idle keep-alive sockets go after a short while; live streams send a heartbeat well within it.
  server.keepAliveTimeout = 65_000;
  // A malformed request line or header never reaches the handler: answer 400 and close.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  appRouter,
  type BarsAnswer,
  type Context,
  createCaller,
  createContext,
  type ProcedureTiming,
} from '@tradehits/api';
import { ifNoneMatch } from '@tradehits/api/conditional-get';
import type { JobRunner } from '@tradehits/jobs';
import type { Services } from '@tradehits/trading';
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError, transformTRPCResponse } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { EtagCompressor } from './compress';
import { isPlainJson } from './plain-json';

// The router's procedures flattened by dotted path, as the adapter looks them up.
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

/** Queries answered `{ etag, … }` (as the adapter's conditional GET knows them): revalidated, kept per ETag. */
const TAGGED: ReadonlySet<string> = new Set(['markets.bars']);

/**
 * The procedure a GET of `url` calls when it is one plain query (not a batch, not a subscription, not a
 * streamed answer), else null: those go to the HTTP adapter.
 */
export function plainQueryPath(url: string, headers: IncomingMessage['headers']): string | null {
  const [pathname, search = ''] = url.split('?') as [string, string?];
  if (!pathname.startsWith('/trpc/') || /(^|&)batch=/.test(search) || headers['trpc-accept']) return null;
  const path = pathname.slice('/trpc/'.length);
  return procedures[path]?._def.type === 'query' ? path : null;
}

/** Whether an answer of `path` reports a dependency down: health.check then answers 503 for monitors. */
export function reportsDown(path: string, data: unknown): boolean {
  return path === 'health.check' && (data as { ok?: unknown } | null)?.ok === false;
}

/**
 * Plain GET queries without the HTTP adapter's per-call work (a web Request, AbortSignals, a streamed
 * Response for a body that is one string). The call runs through the same caller: context, auth,
 * validation, logging and metrics; the answer is the adapter's envelope, its status and errors made by
 * tRPC's own helpers. Tagged answers (bars, ~700 KB) are kept per ETag with their compressed forms, so
 * they are serialised and compressed once rather than on every call.
 */
export function createQueryRoute(
  services: Services,
  runner: JobRunner,
  compressor: EtagCompressor,
  options: {
    onProcedure?: (timing: ProcedureTiming) => void;
    onError: (opts: { error: TRPCError; path: string }) => void;
  },
) {
  const config = appRouter._def._config;
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    // Made inside the try: a failure to build it (the session lookup) is answered as the adapter would.
    let ctx: Context | undefined;
    let input: unknown;
    try {
      ctx = await createContext(
        services,
        runner,
        req,
        res,
        options.onProcedure ? { onProcedure: options.onProcedure } : {},
      );
      const raw = new URLSearchParams(req.url!.split('?')[1] ?? '').get('input');
      try {
        input = raw === null ? undefined : config.transformer.input.deserialize(JSON.parse(raw));
      } catch (cause) {
        throw new TRPCError({ code: 'PARSE_ERROR', message: 'Unable to parse the input', cause });
      }
      const call = path
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], createCaller(ctx));
      const data = await (call as (input: unknown) => Promise<unknown>)(input);
      // The adapter's envelope; a plain JSON answer is superjson's `{ json }` without superjson's walk.
      const envelope = () =>
        Buffer.from(
          JSON.stringify(
            isPlainJson(data)
              ? { result: { data: { json: data } } }
              : transformTRPCResponse(config, { result: { data } }),
          ),
        );
      if (TAGGED.has(path)) {
        const { etag } = data as BarsAnswer;
        res.setHeader('etag', etag);
        res.setHeader('cache-control', 'private, no-cache');
        if (ifNoneMatch(ctx.req.ifNoneMatch, etag)) {
          res.writeHead(304).end();
          return;
        }
        return await compressor.sendTagged(req, res, etag, envelope);
      }
      const body = envelope();
      res
        .writeHead(reportsDown(path, data) ? 503 : 200, {
          'content-type': 'application/json',
          'content-length': body.length,
        })
        .end(body);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path });
      const shape = getTRPCErrorShape({ config, error, type: 'query', path, input, ctx });
      const body = JSON.stringify(transformTRPCResponse(config, { error: shape }));
      if (res.headersSent) return void res.destroy();
      res.removeHeader('etag');
      res.removeHeader('cache-control');
      res
        .writeHead(getHTTPStatusCodeFromError(error), {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        })
        .end(body);
    }
  };
}

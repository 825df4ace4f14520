import type { IncomingMessage, ServerResponse } from 'node:http';
import { appRouter, createCaller, createContext, type ProcedureTiming } from '@tradehits/api';
import { ifNoneMatch } from '@tradehits/api/conditional-get';
import type { JobRunner } from '@tradehits/jobs';
import type { Services } from '@tradehits/trading';
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError, transformTRPCResponse } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { EtagCompressor } from './compress';

const PATH = 'markets.bars';

/** Whether a GET of this URL is one plain `markets.bars` call this route answers (not a batch). */
export function isPlainBarsCall(url: string): boolean {
  return url.split('?')[0] === `/trpc/${PATH}` && !/[?&]batch=/.test(url);
}

/**
 * `markets.bars` without the HTTP adapter's per-call cost. The call runs through the same procedure
 * (context, auth, validation, logging, metrics); what changes is the answer's bytes: the adapter
 * serialises the ~700 KB answer on every call, while here its tRPC envelope is written once per ETag and
 * kept, compressed once per encoding, beside it. Errors are shaped and logged as the adapter does.
 */
export function createBarsRoute(
  services: Services,
  runner: JobRunner,
  compressor: EtagCompressor,
  options: {
    onProcedure?: (timing: ProcedureTiming) => void;
    onError: (opts: { error: TRPCError; path: string }) => void;
  },
) {
  const config = appRouter._def._config;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ctx = await createContext(
      services,
      runner,
      req,
      res,
      options.onProcedure ? { onProcedure: options.onProcedure } : {},
    );
    let input: unknown;
    try {
      const raw = new URLSearchParams(req.url!.split('?')[1] ?? '').get('input');
      try {
        input = raw === null ? undefined : config.transformer.input.deserialize(JSON.parse(raw));
      } catch (cause) {
        throw new TRPCError({ code: 'PARSE_ERROR', message: 'Unable to parse the input', cause });
      }
      const answer = await createCaller(ctx).markets.bars(input as never);
      res.setHeader('etag', answer.etag);
      res.setHeader('cache-control', 'private, no-cache');
      if (ifNoneMatch(ctx.req.ifNoneMatch, answer.etag)) {
        res.writeHead(304).end();
        return;
      }
      const body = () =>
        Buffer.from(JSON.stringify(transformTRPCResponse(config, { result: { data: answer } })));
      await compressor.sendTagged(req, res, answer.etag, body);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: PATH });
      const shape = getTRPCErrorShape({ config, error, type: 'query', path: PATH, input, ctx });
      const body = JSON.stringify(transformTRPCResponse(config, { error: shape }));
      if (res.headersSent) return void res.destroy();
      res.removeHeader('etag');
      res
        .writeHead(getHTTPStatusCodeFromError(error), {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        })
        .end(body);
    }
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const compressors: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 5: a 700 KB bars answer in tens of milliseconds, and still smaller than gzip's best.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
  gzip: (body) => promisify(gzip)(body),
};

/** `body` compressed the way the server sends it (brotli quality 5, or gzip's default level). */
export function compressBody(encoding: Encoding, body: Buffer): Promise<Buffer> {
  return compressors[encoding](body);
}

/** The encoding to answer in: brotli over gzip, neither when the client refuses both (`q=0`) or names neither. */
export function preferredEncoding(header: string | string[] | undefined): Encoding | null {
  const accepted = new Set<string>();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    if (name && (q === undefined || Number(q) > 0)) accepted.add(name);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return null;
}

/** What the compressor has done, for tests and metrics. */
export interface CompressorStats {
  /** Bodies compressed (once per ETag and encoding). */
  compressed: number;
  /** Answers sent from already compressed bytes. */
  reused: number;
}

/**
 * Compresses large answers that carry an `ETag` (the bars) with node:zlib, in its thread pool, and keeps
 * the compressed bytes per (ETag, encoding): an ETag names exactly one answer, so each is compressed once
 * however many clients fetch it. The body the HTTP adapter writes is collected and sent at `end` in one
 * write with its length (the adapter streams even a one-chunk answer: chunked framing and a second write
 * for the last chunk). Event streams (subscriptions) pass through as they are written.
 */
export function createEtagCompressor(options: { maxEntries?: number; minBytes?: number } = {}) {
  const maxEntries = options.maxEntries ?? 32;
  const minBytes = options.minBytes ?? 8 * 1024;
  const cache = new Map<string, Promise<Buffer>>();
  const stats: CompressorStats = { compressed: 0, reused: 0 };

  function compressed(key: string, encoding: Encoding, body: Buffer): Promise<Buffer> {
    let bytes = cache.get(key);
    if (bytes) {
      stats.reused++;
      cache.delete(key); // most recently used last, so eviction takes the first
    } else {
      stats.compressed++;
      bytes = compressors[encoding](body);
      // A failed compression is not kept: the next request tries again.
      bytes.catch(() => cache.delete(key));
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    }
    cache.set(key, bytes);
    return bytes;
  }

  const bodies = new Map<string, Buffer>();

  /**
   * Sends the answer named by `etag`, whose bytes `body` makes the first time: kept per ETag, and
   * compressed once per encoding the clients ask for.
   */
  async function sendTagged(
    req: IncomingMessage,
    res: ServerResponse,
    etag: string,
    body: () => Buffer,
  ): Promise<void> {
    let identity = bodies.get(etag);
    if (identity) bodies.delete(etag);
    else identity = body();
    bodies.set(etag, identity);
    if (bodies.size > maxEntries) bodies.delete(bodies.keys().next().value!);
    const encoding = preferredEncoding(req.headers['accept-encoding']);
    let bytes = identity;
    if (encoding && identity.length >= minBytes) {
      bytes = await compressed(`${encoding}:${identity.length}:${etag}`, encoding, identity).catch(
        () => identity,
      );
    }
    if (bytes !== identity) {
      res.setHeader('content-encoding', encoding!);
      if (!etag.startsWith('W/')) res.setHeader('etag', `W/${etag}`);
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': bytes.length,
      vary: 'accept-encoding',
    });
    res.end(bytes);
  }

  /** Takes over `res`'s body for this request; call before the adapter writes anything. */
  function wrap(req: IncomingMessage, res: ServerResponse): void {
    const encoding = preferredEncoding(req.headers['accept-encoding']);
    const write = res.write;
    const end = res.end;
    const chunks: Buffer[] = [];
    const endWith = end.bind(res) as (body: Buffer) => ServerResponse;
    const restore = () => {
      res.write = write;
      res.end = end;
    };
    let mode: 'undecided' | 'collect' | 'pass' = 'undecided';
    // Decided at the first byte, when the adapter has set the status and headers.
    const decide = () => {
      if (mode !== 'undecided') return mode;
      const stream = String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
      mode = stream || res.headersSent ? 'pass' : 'collect';
      if (mode === 'pass') restore();
      else if (res.statusCode === 200 && res.hasHeader('etag')) res.setHeader('vary', 'accept-encoding');
      return mode;
    };
    const collect = (chunk: unknown, enc?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : typeof chunk === 'string'
            ? Buffer.from(chunk, typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8')
            : Buffer.from(chunk as Uint8Array),
      );
    };
    res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse['write']>) {
      if (decide() === 'pass') return write.apply(this, args);
      collect(args[0], args[1]);
      const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, ...args: Parameters<ServerResponse['end']>) {
      if (decide() === 'pass') return end.apply(this, args);
      restore();
      collect(args[0], args[1]);
      // A 304 (the adapter still writes the answer it replaces) sends no body and announces none.
      if (res.statusCode === 304 || res.statusCode === 204) return endWith(Buffer.alloc(0));
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const etag = res.getHeader('etag');
      if (!encoding || typeof etag !== 'string' || res.statusCode !== 200 || body.length < minBytes) {
        res.setHeader('content-length', body.length);
        return endWith(body);
      }
      compressed(`${encoding}:${body.length}:${etag}`, encoding!, body).then(
        (bytes) => {
          res.setHeader('content-encoding', encoding!);
          res.setHeader('content-length', bytes.length);
          // Another encoding is another representation: its validator is weak (compared without W/).
          if (!etag.startsWith('W/')) res.setHeader('etag', `W/${etag}`);
          endWith(bytes);
        },
        () => {
          res.setHeader('content-length', body.length);
          endWith(body);
        },
      );
      return this;
    } as ServerResponse['end'];
  }

  return { wrap, sendTagged, stats };
}

export type EtagCompressor = ReturnType<typeof createEtagCompressor>;

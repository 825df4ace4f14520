import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createTestApi } from '@tradehits/api/testing';
import { barRows, parseBarColumns } from '@tradehits/core/bar-columns';
import { withIndicators } from '@tradehits/core/indicators';
import { binance2018Pair } from '@tradehits/core/testing/binance-2018';
import type { DbHandle } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtagCompressor } from './compress';
import { createHttpServer } from './http';

/** One GET over a fresh connection: status, headers and the body (as text, and as the bytes sent). */
function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string; bytes: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body: bytes.toString('utf8'), bytes });
        });
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('markets.bars over HTTP', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  let server: ReturnType<typeof createHttpServer>;
  let base: string;
  const compressor = createEtagCompressor();
  const bars = withIndicators(binance2018Pair('ETH/BTC').slice(0, 600)).map((b) => ({
    ...b,
    symbol: 'ETH/BTC',
  }));
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
    await api.services.analytics.upsertBars('crypto', bars);
    server = createHttpServer(api.services, api.runner, '/nonexistent', { compressor });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await api?.close();
    await db?.close();
  });

  it('sends columns with an ETag, then 304 with no body to a browser that holds them', async () => {
    const { token } = await api.signUp('charts');
    const cookie = `th_session=${token}`;
    const url = `${base}/trpc/markets.bars?input=${encodeURIComponent(
      JSON.stringify({ json: { symbol: 'ETH/BTC', timeframe: '5m', limit: 500 } }),
    )}`;
    const first = await get(url, { cookie });
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const answer = JSON.parse(first.body).result.data.json as { etag: string; json: string };
    expect(barRows(parseBarColumns(answer.json))).toEqual(bars.slice(-500));

    const again = await get(url, { cookie, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    // A 304 must not announce a body it does not send, or a client waits for it.
    expect(again.headers['content-length'] ?? '0').toBe('0');

    expect((await get(url, { cookie, 'if-none-match': '"other"' })).status).toBe(200);
    // Signed out: refused, never a cached answer.
    expect((await get(url, { 'if-none-match': etag })).status).toBe(401);
  });

  it('compresses the answer once per ETag, in the encoding the client prefers', async () => {
    const { token } = await api.signUp('zipped');
    const cookie = `th_session=${token}`;
    const url = `${base}/trpc/markets.bars?input=${encodeURIComponent(
      JSON.stringify({ json: { symbol: 'ETH/BTC', timeframe: '5m', limit: 400 } }),
    )}`;
    const plain = await get(url, { cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    const before = { ...compressor.stats };

    const accept = 'gzip, deflate, br, zstd';
    const [br, again] = await Promise.all([
      get(url, { cookie, 'accept-encoding': accept }),
      get(url, { cookie, 'accept-encoding': accept }),
    ]);
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBe(br.bytes.length);
    expect(br.bytes.length).toBeLessThan(plain.bytes.length / 2);
    expect(brotliDecompressSync(br.bytes).toString('utf8')).toBe(plain.body);
    expect(again.bytes.equals(br.bytes)).toBe(true);
    // Two requests, one compression: the second waited for (or reused) the first's bytes.
    expect(compressor.stats.compressed - before.compressed).toBe(1);
    expect(compressor.stats.reused - before.reused).toBe(1);

    // The compressed representation's validator is weak, and revalidates to 304.
    expect(br.headers.etag).toBe(`W/${plain.headers.etag}`);
    const revalidated = await get(url, {
      cookie,
      'accept-encoding': accept,
      'if-none-match': br.headers.etag as string,
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.bytes.length).toBe(0);

    const gz = await get(url, { cookie, 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.bytes).toString('utf8')).toBe(plain.body);

    // Small answers go uncompressed, in one piece with their length rather than chunked.
    const health = await get(`${base}/trpc/health.check`, { 'accept-encoding': accept });
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(health.headers['content-length']).toBe(String(health.bytes.length));
    expect(health.headers['transfer-encoding']).toBeUndefined();
    expect(JSON.parse(health.body).result.data.json.ok).toBe(true);
  });

  it('answers errors and batches as tRPC does', async () => {
    const { token } = await api.signUp('errors');
    const cookie = `th_session=${token}`;
    const call = (input: string) => `${base}/trpc/markets.bars?input=${encodeURIComponent(input)}`;

    const signedOut = await get(call(JSON.stringify({ json: { symbol: 'ETH/BTC', timeframe: '5m' } })), {});
    expect(signedOut.status).toBe(401);
    expect(JSON.parse(signedOut.body).error.json).toMatchObject({
      message: 'Sign in to continue.',
      data: { code: 'UNAUTHORIZED', httpStatus: 401, path: 'markets.bars' },
    });

    const tooMany = await get(
      call(JSON.stringify({ json: { symbol: 'ETH/BTC', timeframe: '5m', limit: 9999 } })),
      {
        cookie,
      },
    );
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.body).error.json).toMatchObject({
      message: 'limit: Limit is 1 to 5000',
      data: { code: 'BAD_REQUEST', httpStatus: 400 },
    });

    const garbled = await get(call('{"json":'), { cookie });
    expect(garbled.status).toBe(400);
    expect(JSON.parse(garbled.body).error.json.data.code).toBe('PARSE_ERROR');

    // A batch goes through the adapter and answers an array, with the same bars.
    const input = { symbol: 'ETH/BTC', timeframe: '5m', limit: 10 };
    const batch = await get(
      `${base}/trpc/markets.bars?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: input } }))}`,
      { cookie },
    );
    const single = await get(call(JSON.stringify({ json: input })), { cookie });
    expect(JSON.parse(batch.body)).toEqual([JSON.parse(single.body)]);
  });

  it('answers plain queries as the adapter answers them in a batch', async () => {
    const { token } = await api.signUp('plain');
    const cookie = `th_session=${token}`;
    const same = async (path: string, input?: unknown) => {
      const query = input === undefined ? '' : `input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
      const batchInput = encodeURIComponent(
        JSON.stringify(input === undefined ? {} : { 0: { json: input } }),
      );
      const plain = await get(`${base}/trpc/${path}${query ? `?${query}` : ''}`, { cookie });
      const batch = await get(`${base}/trpc/${path}?batch=1&input=${batchInput}`, { cookie });
      expect(plain.headers['content-length']).toBe(String(plain.bytes.length));
      expect(plain.headers['x-request-id']).toBeTruthy();
      return { plain, batch: JSON.parse(batch.body)[0], status: batch.status };
    };
    const trades = await same('trades.active');
    expect(trades.plain.status).toBe(200);
    expect(JSON.parse(trades.plain.body)).toEqual(trades.batch);
    const me = await same('me.profile');
    expect(JSON.parse(me.plain.body)).toEqual(me.batch);
    const health = await get(`${base}/trpc/health.check`, {});
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).result.data.json).toMatchObject({ ok: true, db: 'ok' });

    // Unknown procedures and mutations are the adapter's, with its answers.
    expect((await get(`${base}/trpc/nothing.here`, { cookie })).status).toBe(404);
    expect((await get(`${base}/trpc/auth.logout`, { cookie })).status).toBe(405);
  });
});

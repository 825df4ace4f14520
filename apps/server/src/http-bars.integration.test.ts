import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApi } from '@tradehits/api/testing';
import { barRows, parseBarColumns } from '@tradehits/core/bar-columns';
import { withIndicators } from '@tradehits/core/indicators';
import { binance2018Pair } from '@tradehits/core/testing/binance-2018';
import type { DbHandle } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './http';

/** One GET over a fresh connection: status, headers and the raw body bytes. */
function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
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
  const bars = withIndicators(binance2018Pair('ETH/BTC').slice(0, 600)).map((b) => ({
    ...b,
    symbol: 'ETH/BTC',
  }));
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
    await api.services.analytics.upsertBars('crypto', bars);
    server = createHttpServer(api.services, api.runner, '/nonexistent');
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
});

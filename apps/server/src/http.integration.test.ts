import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureAdmin } from '@tradehits/api';
import { createTestApi } from '@tradehits/api/testing';
import { loadTestServices } from '@tradehits/config';
import { createDb, type DbHandle } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createBullmqRunner, type JobRunner, processors } from '@tradehits/jobs';
import { startTcpProxy, type TcpProxy } from '@tradehits/jobs/testing/tcp-proxy';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './http';

type TestApi = Awaited<ReturnType<typeof createTestApi>>;

/** A server on a free port over `api`, with every log line it writes captured. */
async function serve(api: TestApi, webDist: string, runner: JobRunner = api.runner) {
  const lines: string[] = [];
  api.services.log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const server = createHttpServer(api.services, runner, webDist);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    lines,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the target sent byte for byte (fetch would normalise "/%zz" or "//["). */
function raw(
  base: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path: target, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A tRPC call as the typed client makes it (superjson envelope); returns status, cookie and body. */
async function call(base: string, procedure: string, input?: unknown, cookie?: string) {
  const isQuery = /\.(check|me|list|profile|get|queues|runs)$/.test(procedure);
  const target = isQuery
    ? `/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`
    : `/trpc/${procedure}`;
  const res = await fetch(`${base}${target}`, {
    method: isQuery ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    ...(isQuery ? {} : { body: JSON.stringify({ json: input ?? null }) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    cookie: res.headers.get('set-cookie')?.split(';')[0],
    json: JSON.parse(text) as {
      result?: { data: { json: unknown } };
      error?: { json: { message: string; data: Record<string, unknown> } };
    },
    text,
  };
}

const alive = async (base: string) => (await fetch(`${base}/healthz`)).status === 200;

async function waitFor(fn: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PASSWORD = 'correct horse battery';

describe('the HTTP edge over PostgreSQL', () => {
  let db: DbHandle & { url: string };
  let api: TestApi;
  let app: Awaited<ReturnType<typeof serve>>;
  let webDist: string;

  beforeAll(async () => {
    webDist = await mkdtemp(path.join(tmpdir(), 'tradehits-web-'));
    await mkdir(path.join(webDist, 'assets'));
    await writeFile(path.join(webDist, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(path.join(webDist, 'assets', 'app-1234.js'), 'console.log(1)');
    db = await createPostgresTestDb();
    api = await createTestApi(db, {
      HTTP_BATCH_LIMIT: '20',
      LIVE_STREAMS_PER_USER: '2',
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'a long admin password',
    });
    await ensureAdmin(db.db, api.services.config);
    app = await serve(api, webDist);
  });
  afterAll(async () => {
    await app?.close();
    await api?.close();
    await db?.close();
    await rm(webDist, { recursive: true, force: true });
  });

  it.each(['/%', '/%zz', '/%E0%A4%A', '/assets/%', '//', '//[', '/trpc/%', '/%00'])(
    'answers GET %s with a 4xx and stays up',
    async (target) => {
      const res = await raw(app.url, 'GET', target);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await alive(app.url)).toBe(true);
    },
  );

  it('serves the SPA with its security headers, and no HSTS outside production', async () => {
    const page = await raw(app.url, 'GET', '/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['strict-transport-security']).toBeUndefined();
    const asset = await raw(app.url, 'GET', '/assets/app-1234.js');
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    const procedure = await raw(app.url, 'GET', '/trpc/auth.me');
    expect(procedure.headers['content-security-policy']).toBeDefined();
  });

  it('sends HSTS in production', async () => {
    const prodApi = await createTestApi(db, { NODE_ENV: 'production' });
    const prod = await serve(prodApi, webDist);
    const res = await raw(prod.url, 'GET', '/');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    await prod.close();
    await prodApi.close();
  });

  it('treats a malformed session cookie as no session', async () => {
    for (const cookie of ['th_session=%', 'th_session=%E0%A4%A', 'th_session']) {
      const res = await raw(app.url, 'GET', '/trpc/auth.me', { cookie });
      expect(res.status, cookie).toBe(200);
    }
  });

  it('answers a malformed request line or header with 400 and stays up', async () => {
    for (const request of [
      'GET / HTTP/1.1\r\nBad Header\r\n\r\n',
      'NOT-HTTP\r\n\r\n',
      'GET /\u0000 HTTP/1.1\r\n\r\n',
    ]) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
        socket.end(request);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
    }
    expect(await alive(app.url)).toBe(true);
  });

  it('refuses bodies over the limit, form posts, cross-site mutations and oversized batches', async () => {
    const json = { 'content-type': 'application/json' };
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    expect((await raw(app.url, 'POST', '/trpc/auth.login', json, big)).status).toBe(413);
    // Without a declared length the adapter stops reading at the limit too.
    const chunked = await raw(
      app.url,
      'POST',
      '/trpc/auth.login',
      { ...json, 'transfer-encoding': 'chunked' },
      big,
    );
    expect(chunked.status).toBe(413);
    expect(
      (
        await raw(
          app.url,
          'POST',
          '/trpc/auth.logout',
          { 'content-type': 'multipart/form-data; boundary=x' },
          '--x--',
        )
      ).status,
    ).toBe(415);
    expect(
      (await raw(app.url, 'POST', '/trpc/auth.logout', { 'content-type': 'text/plain' }, '{}')).status,
    ).toBe(415);
    expect(
      (
        await raw(
          app.url,
          'POST',
          '/trpc/auth.logout',
          { 'content-type': 'application/x-www-form-urlencoded' },
          'a=1',
        )
      ).status,
    ).toBe(415);
    const evil = await raw(
      app.url,
      'POST',
      '/trpc/auth.logout',
      { ...json, origin: 'https://evil.example' },
      '{}',
    );
    expect(evil.status).toBe(403);
    const sameSite = await raw(app.url, 'POST', '/trpc/auth.logout', { ...json, origin: app.url }, '{}');
    expect(sameSite.status).toBe(401); // reaches the procedure: not signed in
    expect((await raw(app.url, 'POST', '/trpc/auth.login', json, '{not json')).status).toBe(400);
    expect((await raw(app.url, 'PUT', '/trpc/auth.login', json, '{}')).status).toBe(405);
    const paths = Array.from({ length: 21 }, () => 'health.check').join(',');
    expect((await raw(app.url, 'GET', `/trpc/${paths}?batch=1`)).status).toBe(400);
    const ok = Array.from({ length: 20 }, () => 'auth.me').join(',');
    expect((await raw(app.url, 'GET', `/trpc/${ok}?batch=1`)).status).toBe(200);
    expect(await alive(app.url)).toBe(true);
  });

  it('refuses NUL and control characters naming the field, and never shows SQL, a hash or a stack', async () => {
    const res = await call(app.url, 'auth.register', {
      username: 'nul_user',
      email: 'nul@example.test',
      password: PASSWORD,
      fullName: 'Null\u0000Byte',
    });
    expect(res.status).toBe(400);
    expect(res.json.error?.json.message).toBe('fullName: must not contain control characters');
    const bell = await call(app.url, 'auth.login', { username: 'x\u0007', password: 'y' });
    expect(bell.json.error?.json.message).toBe('username: must not contain control characters');
    expect(
      await db.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'nul_user') }),
    ).toBeUndefined();

    // Now a real failure inside the database: a constraint the insert trips.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`alter table users add constraint th_test_no_boom check (full_name <> 'Boom')`);
    const boom = await call(app.url, 'auth.register', {
      username: 'boom_user',
      email: 'boom@example.test',
      password: PASSWORD,
      fullName: 'Boom',
    });
    await admin.query('alter table users drop constraint th_test_no_boom');
    await admin.end();
    expect(boom.status).toBe(500);
    const errorId = boom.json.error?.json.data.errorId as string;
    expect(errorId).toMatch(/^[0-9a-f]{8}$/);
    expect(boom.json.error?.json.message).toMatch(new RegExp(`error id ${errorId}`));
    const logged = app.lines.filter((l) => l.includes(errorId));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ procedure: 'auth.register', sqlState: '23514' });
    for (const text of [boom.text, ...app.lines]) {
      expect(text).not.toMatch(/argon2|insert into|select |Failed query|params:/i);
      expect(text).not.toMatch(/\n\s+at |\.ts:\d+/);
    }
  });

  it('changes only what a partial parameters update names; refuses 2.555 % and 10.5, storing nothing', async () => {
    const reg = await call(app.url, 'auth.register', {
      username: 'paula',
      email: 'paula@example.test',
      password: PASSWORD,
      fullName: 'Paula',
    });
    const cookie = reg.cookie!;
    const created = await call(
      app.url,
      'me.parameters.create',
      { assetType: 'stock', symbol: 'AAPL', tradeAmount: 12.5, autoTradingEnabled: true, takeProfitPct: 3 },
      cookie,
    );
    const rule = created.json.result!.data.json as Record<string, unknown>;
    const updated = await call(app.url, 'me.parameters.update', { id: rule.id, takeProfitPct: 4 }, cookie);
    expect(updated.status).toBe(200);
    const after = updated.json.result!.data.json as Record<string, unknown>;
    expect(after).toMatchObject({
      assetType: 'stock',
      symbol: 'AAPL',
      tradeAmount: '12.50',
      autoTradingEnabled: true,
      takeProfitPct: 4,
    });
    for (const [patch, message] of [
      [{ takeProfitPct: 2.555 }, 'takeProfitPct: take-profit has at most 2 decimals'],
      [{ minSentimentScore: 10.5 }, 'minSentimentScore: min sentiment must be a whole number'],
    ] as const) {
      const bad = await call(app.url, 'me.parameters.update', { id: rule.id, ...patch }, cookie);
      expect(bad.status).toBe(400);
      expect(bad.json.error?.json.message).toBe(message);
      const worse = await call(app.url, 'me.parameters.create', { symbol: 'ETH/USD', ...patch }, cookie);
      expect(worse.json.error?.json.message).toBe(message);
    }
    const list = (await call(app.url, 'me.parameters.list', undefined, cookie)).json.result!.data
      .json as unknown[];
    expect(list).toEqual([after]);
    const empty = await call(app.url, 'me.updateProfile', {}, cookie);
    expect(empty.status).toBe(400);
  });

  it('reads the client address from X-Forwarded-For only through the trusted proxies', async () => {
    const guess = (base: string, forwardedFor: string) =>
      fetch(`${base}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ json: { username: 'root', password: 'not the password' } }),
      }).then((r) => r.status);
    // No trusted proxy: a client that rotates the header is still one address, and is slowed.
    for (let i = 0; i < 3; i++) expect(await guess(app.url, `198.51.100.${i}`)).toBe(401);
    expect(await guess(app.url, '198.51.100.99')).toBe(429);
    // Behind one trusted proxy, the address it appended is the client's: another client is not slowed.
    const proxiedApi = await createTestApi(db, { TRUSTED_PROXY_COUNT: '1' });
    const behind = await serve(proxiedApi, webDist);
    for (let i = 0; i < 3; i++) expect(await guess(behind.url, `6.6.6.6, 192.0.2.10`)).toBe(401);
    expect(await guess(behind.url, '192.0.2.10')).toBe(429);
    expect(await guess(behind.url, '6.6.6.6, 192.0.2.11')).toBe(401);
    await behind.close();
    await proxiedApi.close();
  });

  it('holds the login limits against one batched request and concurrent batches', async () => {
    await call(app.url, 'auth.register', {
      username: 'batchy',
      email: 'batchy@example.test',
      password: PASSWORD,
      fullName: 'Batchy',
    });
    const batch = (passwords: string[]) => {
      const body = Object.fromEntries(
        passwords.map((password, i) => [i, { json: { username: 'batchy', password } }]),
      );
      return fetch(`${app.url}/trpc/${passwords.map(() => 'auth.login').join(',')}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => (await r.json()) as { error?: { json: { data: { code: string } } } }[]);
    };
    const guesses = Array.from({ length: 19 }, (_, i) => `wrong guess ${i}`);
    const answers = (
      await Promise.all([batch([...guesses, PASSWORD]), batch(guesses), batch(guesses)])
    ).flat();
    const checked = answers.filter((a) => a.error?.json.data.code !== 'TOO_MANY_REQUESTS');
    expect(checked.length).toBeLessThanOrEqual(3);
    expect(answers[19]!.error?.json.data.code).toBe('TOO_MANY_REQUESTS');

    // Per address, across accounts: 60 different names in three batches get at most 20 checks.
    const many = (offset: number) => {
      const body = Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [
          i,
          { json: { username: `nobody${offset + i}`, password: 'x' } },
        ]),
      );
      return fetch(`${app.url}/trpc/${Array.from({ length: 20 }, () => 'auth.login').join(',')}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => (await r.json()) as { error?: { json: { data: { code: string } } } }[]);
    };
    const wide = (await Promise.all([many(0), many(20), many(40)])).flat();
    expect(wide.filter((a) => a.error?.json.data.code !== 'TOO_MANY_REQUESTS').length).toBeLessThanOrEqual(
      20,
    );
  });

  it('caps live streams per user and frees a slot when one closes', async () => {
    const reg = await call(app.url, 'auth.register', {
      username: 'streamer',
      email: 'streamer@example.test',
      password: PASSWORD,
      fullName: 'Streamer',
    });
    const open = async () => {
      const controller = new AbortController();
      const res = await fetch(`${app.url}/trpc/live.events`, {
        headers: { cookie: reg.cookie!, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!/event: (serialized-error|message)|data: /.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return { text, close: () => controller.abort() };
    };
    const a = await open();
    const b = await open();
    expect(a.text).toMatch(/connected/);
    expect(b.text).toMatch(/connected/);
    const c = await open();
    expect(c.text).toMatch(/serialized-error/);
    expect(c.text).toMatch(/At most 2 live streams/);
    c.close();
    a.close();
    await waitFor(async () => {
      const d = await open();
      d.close();
      return /connected/.test(d.text);
    });
    b.close();
  });

  it('survives pooled connections killed by the server, and health recovers', async () => {
    expect((await call(app.url, 'health.check')).status).toBe(200);
    const admin = new pg.Client({ connectionString: loadTestServices().postgresUrl });
    await admin.connect();
    const dbName = new URL(db.url).pathname.slice(1);
    for (let i = 0; i < 3; i++) {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [dbName],
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(await alive(app.url)).toBe(true);
    }
    await admin.end();
    await waitFor(async () => (await call(app.url, 'health.check')).status === 200);
  });
});

describe('dependencies that stop answering', () => {
  let db: DbHandle & { url: string };
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let proxied: DbHandle;
  let api: TestApi;
  let runner: JobRunner;
  let app: Awaited<ReturnType<typeof serve>>;
  const prefix = `th-http-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    pgProxy = await startTcpProxy(db.url);
    redisProxy = await startTcpProxy(loadTestServices().redisUrl);
    proxied = createDb(
      { kind: 'postgres', url: pgProxy.url },
      { statementTimeoutMs: 1500, connectTimeoutMs: 1000 },
    );
    api = await createTestApi(proxied, {
      HEALTH_TIMEOUT_MS: '1000',
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'a long admin password',
    });
    await ensureAdmin(proxied.db, api.services.config);
    runner = createBullmqRunner(api.services, processors, {
      redisUrl: redisProxy.url,
      consume: false,
      prefix,
      commandTimeoutMs: 1000,
    });
    app = await serve(api, path.join(tmpdir(), 'no-such-web-dist'), runner);
  });
  afterAll(async () => {
    await app?.close();
    await runner?.close();
    await api?.close();
    await proxied?.close();
    await pgProxy?.close();
    await redisProxy?.close();
    const redis = new Redis(loadTestServices().redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.close();
  });

  const timed = async <T>(fn: () => Promise<T>) => {
    const started = Date.now();
    const value = await fn();
    return { value, ms: Date.now() - started };
  };

  it('answers 503 within seconds while the database hangs, stays up, and recovers', async () => {
    expect((await call(app.url, 'health.check')).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    pgProxy.pause();
    // The database ping is cached for a second (monitors probe often): let the last answer age out.
    await sleep(1_100);
    const health = await timed(() => call(app.url, 'health.check'));
    expect(health.value.status).toBe(503);
    expect(health.value.json.result?.data.json).toMatchObject({
      ok: false,
      db: expect.stringMatching(/no answer/),
    });
    expect(health.ms).toBeLessThan(4000);
    const ready = await timed(() => fetch(`${app.url}/readyz`));
    expect(ready.value.status).toBe(503);
    expect(ready.ms).toBeLessThan(4000);
    expect(await alive(app.url)).toBe(true);
    // A procedure that needs the database fails within the statement timeout, not minutes later.
    const login = await timed(() => call(app.url, 'auth.login', { username: 'root', password: 'nope' }));
    expect(login.value.status).toBe(500);
    expect(login.ms).toBeLessThan(8000);
    pgProxy.restore();
    await waitFor(async () => (await call(app.url, 'health.check')).status === 200);
  });

  it('answers 503 when Redis is down, and admin job calls fail fast with a clear message', async () => {
    const login = await call(app.url, 'auth.login', { username: 'root', password: 'a long admin password' });
    const cookie = login.cookie!;
    expect((await call(app.url, 'admin.jobs.run', { name: 'system.heartbeat' }, cookie)).status).toBe(200);
    redisProxy.cut();
    const health = await timed(() => call(app.url, 'health.check'));
    expect(health.value.status).toBe(503);
    expect(health.value.json.result?.data.json).toMatchObject({ ok: false, db: 'ok' });
    expect(health.ms).toBeLessThan(4000);
    for (const [procedure, input] of [
      ['admin.jobs.run', { name: 'system.heartbeat' }],
      ['admin.jobs.queues', undefined],
    ] as const) {
      const res = await timed(() => call(app.url, procedure, input, cookie));
      expect(res.value.status, procedure).toBe(503);
      expect(res.value.json.error?.json.message).toMatch(/job queue is not answering/);
      expect(res.ms).toBeLessThan(4000);
    }
    redisProxy.restore();
    await waitFor(async () => (await call(app.url, 'health.check')).status === 200);
    expect((await call(app.url, 'admin.jobs.run', { name: 'system.heartbeat' }, cookie)).status).toBe(200);
  });
});

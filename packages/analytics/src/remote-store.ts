import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnalyticsStore } from './store';

/**
 * DuckDB lets one process open a file for writing. When the server and a BullMQ worker share a machine
 * without BigQuery, the server owns the file and serves the store on a Unix socket in the data folder
 * (reachable only by processes that may read that folder); the worker's store forwards every call there.
 */

type Method = Exclude<keyof AnalyticsStore, 'kind'>;

const METHODS = [
  'migrate',
  'close',
  'exportTables',
  'importTables',
  'upsertBars',
  'bars',
  'barsInRange',
  'latestBars',
  'lastBarTime',
  'countBars',
  'lastBarTimes',
  'upsertMarketCalendar',
  'upsertSentimentItems',
  'sentimentItems',
  'upsertPoliticalPosts',
  'politicalPosts',
  'upsertSentimentAggregates',
  'latestSentimentAggregate',
  'latestSentimentAggregates',
  'sentimentTimeline',
  'upsertDetections',
  'detections',
] as const satisfies readonly Method[];

// Every method must be listed: this fails to compile when the interface gains one.
type Missing = Exclude<Method, (typeof METHODS)[number]>;
const _complete: Missing extends never ? true : never = true;

/** JSON with Maps (lastBarTimes) kept as Maps. */
const encode = (value: unknown) =>
  JSON.stringify(value, (_k, v) => (v instanceof Map ? { $map: [...v.entries()] } : v));
const decode = (text: string) =>
  JSON.parse(text, (_k, v) => (v && typeof v === 'object' && '$map' in v ? new Map(v.$map) : v));

/** Serves `store` on a Unix socket at `socketPath` (replacing a stale one). The store's owner closes it. */
export async function serveAnalyticsStore(store: AnalyticsStore, socketPath: string) {
  if (existsSync(socketPath)) rmSync(socketPath);
  const server = createServer(async (req, res) => {
    const method = req.url?.slice(1) as Method;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      // The owner closes its own store; a client's close only ends its side.
      if (!(METHODS as readonly string[]).includes(method) || method === 'close' || method === 'migrate') {
        res.writeHead(method === 'close' || method === 'migrate' ? 200 : 404).end(encode({ result: null }));
        return;
      }
      const args = decode(Buffer.concat(chunks).toString('utf8')) as unknown[];
      const result = await (store[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      res.writeHead(200, { 'content-type': 'application/json' }).end(encode({ result: result ?? null }));
    } catch (err) {
      const error =
        err instanceof Error ? { name: err.name, message: err.message } : { message: String(err) };
      res.writeHead(500, { 'content-type': 'application/json' }).end(encode({ error }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function call(socketPath: string, method: string, args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const body = encode(args);
    const req = request(
      { socketPath, path: `/${method}`, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const reply = decode(Buffer.concat(chunks).toString('utf8')) as {
              result?: unknown;
              error?: { name?: string; message: string };
            };
            if (reply.error) {
              const error = new Error(reply.error.message);
              if (reply.error.name) error.name = reply.error.name;
              reject(error);
            } else resolve(reply.result ?? null);
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', (err) =>
      reject(
        new Error(
          `The analytics store at ${socketPath} did not answer (is the server running?): ${err.message}`,
        ),
      ),
    );
    req.end(body);
  });
}

/** An analytics store that forwards every call to the one served at `socketPath`. */
export function createRemoteAnalyticsStore(socketPath: string): AnalyticsStore {
  const store = { kind: 'duckdb' as const } as Record<string, unknown>;
  for (const method of METHODS) {
    store[method] = async (...args: unknown[]) => {
      const result = await call(socketPath, method, args);
      // `undefined` does not survive JSON; the methods that return nothing return it again here.
      return method === 'migrate' || method === 'close' ? undefined : result;
    };
  }
  return store as unknown as AnalyticsStore;
}

/** Waits until the store at `socketPath` answers (the server may still be starting). */
export async function waitForAnalyticsStore(socketPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await call(socketPath, 'countBars', [{}]);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

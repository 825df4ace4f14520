import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root and the shared real data beside it. */
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHARED_MARKET = path.resolve(ROOT, '../shared/data/market/binance-2018-01');

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs one of the repo's TypeScript entry points to completion; rejects with its output on failure. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...baseEnv(), ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}:\n${out}`)),
    );
  });
}

/** The environment without the services a developer's shell may point at, so each test picks its own. */
function baseEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'BIGQUERY_PROJECT', 'PORT', 'DATA_DIR']) delete env[k];
  return { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn', TURBO_TELEMETRY_DISABLED: '1' };
}

export interface RunningApp {
  url: string;
  dataDir: string;
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts the BullMQ worker app and waits until it says it is consuming. */
export async function startWorker(env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: { ...baseEnv(), LOG_LEVEL: 'info', ...env },
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 60_000;
  while (!log.includes('worker consuming')) {
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`worker did not start in time:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: '',
    dataDir: env.DATA_DIR ?? '',
    process: child,
    log: () => log,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Starts the server process (as `npm start` runs it) and waits until /trpc/health.check answers. */
export async function startApp(env: Record<string, string> = {}, dataDir?: string): Promise<RunningApp> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'tradehits-e2e-')));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...baseEnv(), DATA_DIR: dir, PORT: String(port), ...env },
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  // PGlite's first boot and migration take minutes on a loaded shared machine.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/trpc/health.check`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // A server that never answered must not outlive the test that started it.
      await stopChild(child);
      throw new Error(`server did not answer in time:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dataDir: dir,
    process: child,
    log: () => log,
    async stop() {
      await stopChild(child);
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

import path from 'node:path';
import { SLIPPAGE_MODELS } from '@tradehits/core/costs';
import { detectorSettingsSchema } from '@tradehits/core/params';
import { z } from 'zod';

/**
 * The one place that reads the environment. `loadConfig()` validates once; every other package takes
 * the resulting `Config` as an argument and never touches `process.env`.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const optionalUrl = z.url().optional();
const money = z.coerce.number().positive();
/** `BTC=11000,EUR=1.08`: USD per unit of each currency. */
const usdRates = z.string().transform((text, ctx) => {
  const rates: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Z]{2,10})=(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || !(Number(m[2]) > 0)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not CURRENCY=positive USD rate, e.g. BTC=11000`,
      });
      return z.NEVER;
    }
    rates[m[1]!] = Number(m[2]);
  }
  return rates;
});
/** A JSON object of detector thresholds; omitted fields keep the design's defaults. */
const detectorSettings = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"minConfidence":0.75}' });
      return z.NEVER;
    }
  })
  .pipe(detectorSettingsSchema.strict());

export const DEFAULT_CRYPTO_SYMBOLS = [
  'BTC/USD',
  'ETH/USD',
  'SOL/USD',
  'XRP/USD',
  'ADA/USD',
  'DOGE/USD',
  'LTC/USD',
  'DOT/USD',
  'LINK/USD',
  'AVAX/USD',
];
export const DEFAULT_STOCK_SYMBOLS = [
  'AAPL',
  'GOOGL',
  'MSFT',
  'AMZN',
  'TSLA',
  'NVDA',
  'AMD',
  'META',
  'NFLX',
  'DIS',
  'SPY',
  'QQQ',
  'DIA',
];

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),
  PUBLIC_URL: optionalUrl,
  /** Largest request body the HTTP edge reads; a bigger one gets 413 before it is parsed. */
  HTTP_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  /** Most procedures in one batched tRPC request (each still passes its own limits). */
  HTTP_BATCH_LIMIT: z.coerce.number().int().min(1).max(100).default(20),
  /** How long a client may take to send a whole request (headers and body). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Live-event (SSE) streams one user may hold open at once, per server process. */
  LIVE_STREAMS_PER_USER: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * How many reverse proxies in front of the server append to X-Forwarded-For (Cloud Run's front end
   * is one). 0 trusts no header: the client address is the socket's.
   */
  TRUSTED_PROXY_COUNT: z.coerce.number().int().min(0).max(10).default(0),
  /** Longest a health probe waits for one dependency before reporting it down. */
  HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** A query running longer is cancelled (server side) and abandoned (client side) after this. */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Longest wait for a new database connection. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  /** Key prefix of the BullMQ queues, so several deployments (or test runs) can share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/, 'must be 1–40 of a-z, 0-9, _ and -')
    .default('tradehits'),
  BIGQUERY_PROJECT: z.string().optional(),
  BIGQUERY_DATASET: z.string().default('tradehits'),
  BIGQUERY_API_ENDPOINT: optionalUrl,

  ADMIN_USERNAME: z.string().min(3).optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  SESSION_DAYS: z.coerce.number().int().positive().default(30),
  COOKIE_SECURE: bool.optional(),
  /** 32 bytes, base64: encrypts users' exchange API keys at rest (AES-256-GCM). */
  SECRETS_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes encoded as base64')
    .optional(),
  /**
   * The key SECRETS_KEY replaced: still accepted for reading until `npm run secrets:rotate` has
   * re-sealed every stored credential with SECRETS_KEY.
   */
  SECRETS_KEY_PREVIOUS: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes encoded as base64')
    .optional(),

  CRYPTO_SYMBOLS: list.default(DEFAULT_CRYPTO_SYMBOLS),
  STOCK_SYMBOLS: list.default(DEFAULT_STOCK_SYMBOLS),
  STOCK_VENUE: z.enum(['kraken', 'alpaca']).default('kraken'),
  MARKET_SOURCE: z.enum(['live', 'replay']).default('live'),
  REPLAY_DIR: z.string().optional(),
  /** Recorded time per wall time in a replay: 60 plays an hour of candles in a minute. */
  REPLAY_SPEED: z.coerce.number().positive('must be greater than 0').max(100_000).default(1),
  KRAKEN_PUBLIC_URL: optionalUrl,
  KRAKEN_PRIVATE_URL: optionalUrl,
  ALPACA_KEY_ID: z.string().optional(),
  ALPACA_SECRET_KEY: z.string().optional(),
  ALPACA_DATA_URL: optionalUrl,
  ALPACA_TRADING_URL: optionalUrl,
  ALPACA_PAPER: bool.default(true),

  PAPER_START_BALANCE: money.default(100_000),
  /**
   * Paper only: the USD rate a paper order on a pair not quoted in USD converts at when no
   * `<currency>/USD` bar is recorded (the replay demo's pairs are all quoted in BTC). A recorded rate
   * always wins; live orders on such pairs are refused whatever this says.
   */
  PAPER_USD_RATES: usdRates.default({}),
  /** Paper fills pay the venue's taker fee on market orders and the maker fee on take-profit limits. */
  FEE_RATE: z.coerce.number().min(0).max(0.05).default(0.0026),
  MAKER_FEE_RATE: z.coerce.number().min(0).max(0.05).default(0.0016),
  /** Slippage of paper market fills: the floor under 'range-volume', the whole of it under 'fixed'. */
  SLIPPAGE_RATE: z.coerce.number().min(0).max(0.05).default(0.0005),
  SLIPPAGE_MODEL: z.enum(SLIPPAGE_MODELS).default('range-volume'),
  SMALL_MONEY_TRADE_CAP: money.default(50),
  SMALL_MONEY_DAILY_LOSS: money.default(100),
  CIRCUIT_BREAKER_PCT: z.coerce.number().positive().max(100).default(20),
  /** The live detector's thresholds (minConfidence, evidenceWindow, …), the same object a backtest takes. */
  DETECTOR_SETTINGS: detectorSettings.default(detectorSettingsSchema.parse({})),
  LIVE_REQUIRES_APPROVAL: bool.default(true),

  CMC_API_KEY: z.string().optional(),
  CMC_API_URL: optionalUrl,
  NEWS_FEEDS: list.default([]),
  X_BEARER_TOKEN: z.string().optional(),
  X_API_URL: optionalUrl,
  X_ACCOUNTS: list.default(['realDonaldTrump']),
  /** Recent-search query for social posts; by default the cashtags of CRYPTO_SYMBOLS and STOCK_SYMBOLS. */
  X_SEARCH_QUERY: z.string().min(1).max(512).optional(),
  TRUTH_SOCIAL_URL: optionalUrl,
  TRUTH_SOCIAL_ACCOUNTS: list.default(['realDonaldTrump']),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// URL')
    .optional(),
  REPORT_EMAIL_TO: list.default([]),
  REPORT_EMAIL_FROM: z.string().default('reports@tradehits.local'),
  /** Who gets alert e-mails; by default every active admin's address. */
  ALERT_EMAIL_TO: list.default([]),
  /** Where the scheduled backup writes (a folder per run); `<DATA_DIR>/backups` by default. */
  BACKUP_DIR: z.string().optional(),
  /** In BigQuery mode the analytics tables are extracted here (a gs:// prefix). */
  BACKUP_GCS_URI: z
    .string()
    .regex(/^gs:\/\/[^/]+/, 'must be a gs://bucket/prefix URI')
    .optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(7),
  JOB_RUNS_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  JOBS_ENABLED: bool.default(true),
});

export type Env = z.infer<typeof envSchema>;

const checkedEnvSchema = envSchema.superRefine((e, ctx) => {
  if (e.SECRETS_KEY_PREVIOUS && !e.SECRETS_KEY)
    ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY_PREVIOUS'], message: 'needs SECRETS_KEY beside it' });
  if (e.SECRETS_KEY_PREVIOUS && e.SECRETS_KEY_PREVIOUS === e.SECRETS_KEY)
    ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY_PREVIOUS'], message: 'must differ from SECRETS_KEY' });
});

export interface Config extends Env {
  /** Absolute data directory for the embedded stores. */
  dataDir: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };
  analytics:
    | { kind: 'bigquery'; project: string; dataset: string; apiEndpoint?: string }
    | {
        kind: 'duckdb';
        file: string;
        /**
         * The server's local socket for the DuckDB file: DuckDB allows one writing process, so beside a
         * BullMQ worker the server owns the file and the worker reaches it through this socket.
         */
        socket: string;
      };
  /** Absolute folder of the scheduled backups. */
  backupDir: string;
  jobs: { kind: 'bullmq'; redisUrl: string } | { kind: 'in-process' };
  /** Keys that open sealed credentials, the current one first; empty when live trading is off. */
  secretKeys: string[];
}

/** Raised when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once. Empty strings count as unset. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = checkedEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.DATA_DIR);
  return {
    ...e,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dir: path.join(dataDir, 'pglite') },
    analytics: e.BIGQUERY_PROJECT
      ? {
          kind: 'bigquery',
          project: e.BIGQUERY_PROJECT,
          dataset: e.BIGQUERY_DATASET,
          ...(e.BIGQUERY_API_ENDPOINT ? { apiEndpoint: e.BIGQUERY_API_ENDPOINT } : {}),
        }
      : {
          kind: 'duckdb',
          file: path.join(dataDir, 'analytics.duckdb'),
          socket: path.join(dataDir, 'analytics.sock'),
        },
    backupDir: path.resolve(cwd, e.BACKUP_DIR ?? path.join(dataDir, 'backups')),
    jobs: e.REDIS_URL ? { kind: 'bullmq', redisUrl: e.REDIS_URL } : { kind: 'in-process' },
    secretKeys: [e.SECRETS_KEY, e.SECRETS_KEY_PREVIOUS].filter((k): k is string => !!k),
  };
}

/** For process entry points: the config, or the invalid variables printed and exit status 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

/** Where integration tests find the real services (this machine and CI run them on 127.0.0.1). */
export function loadTestServices(env: Record<string, string | undefined> = process.env) {
  return {
    postgresUrl: env.DATABASE_URL_TEST || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL_TEST || 'redis://127.0.0.1:6379',
    /** Debian's Chromium; CI runners may point elsewhere. */
    chromiumPath: env.CHROMIUM_PATH || '/usr/bin/chromium',
  };
}

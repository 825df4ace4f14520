import type { Detection } from '@tradehits/core';
import { z } from 'zod';

/**
 * One contract per job: its queue, payload schema and schedules live here, so a producer and a worker
 * fail to compile together when a payload changes.
 */

const assetType = z.enum(['crypto', 'stock']);
const timeframe = z.enum(['5m', '1h', '1d']);

const percent = z.number().nonnegative().nullable();

/** A live entry as the engine decided it (`OpenRequest` of the trading layer, `at` as epoch ms). */
const liveEntry = z.object({
  userId: z.string(),
  assetType,
  mode: z.literal('live'),
  symbol: z.string(),
  amountCents: z.number().int().positive(),
  price: z.number().positive(),
  takeProfitPct: z.number(),
  stopLossPct: z.number(),
  exits: z
    .object({
      takeProfitPct: z.number(),
      stopLossPct: z.number(),
      trailingStopPct: percent,
      breakEvenAfterPct: percent,
      maxHoldingMs: z.number().nonnegative().nullable(),
    })
    .optional(),
  maxConcurrentTrades: z.number().int().positive(),
  clientOrderId: z.string().min(1),
  executionReason: z.string(),
  parametersId: z.string().nullable().optional(),
  detection: z
    .custom<Detection>((d) => typeof d === 'object')
    .nullable()
    .optional(),
  requiresApproval: z.boolean(),
});

/**
 * One live order's work, each its own job so one account's failure never holds up another's: an
 * entry, an exit, or the recovery of an interrupted order (or of a held position never sent).
 */
export const tradingOrderPayload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('entry'), at: z.number().int(), request: liveEntry }),
  z.object({
    kind: z.literal('exit'),
    at: z.number().int(),
    tradeId: z.string(),
    price: z.number().positive(),
    reason: z.enum(['take-profit', 'stop-loss', 'trailing-stop', 'break-even', 'max-holding']),
  }),
  z.object({
    kind: z.literal('recover'),
    at: z.number().int(),
    ref: z.union([
      z.object({ orderId: z.string(), tradeId: z.string() }),
      z.object({ heldTradeId: z.string() }),
    ]),
  }),
]);
export type TradingOrder = z.infer<typeof tradingOrderPayload>;

export const jobPayloads = {
  'system.heartbeat': z.object({}),
  'market.ingest': z.object({ assetType, timeframe }),
  'sentiment.collect': z.object({}),
  'sentiment.aggregate': z.object({}),
  /** The tick for one closed bar; without `barTime`, the bar that closed last. */
  'engine.tick': z.object({
    assetType,
    timeframe: timeframe.default('5m'),
    barTime: z.number().int().nonnegative().optional(),
  }),
  'trading.order': tradingOrderPayload,
  'reports.daily': z.object({}),
  'calendar.crosscheck': z.object({}),
  'system.housekeeping': z.object({}),
  'alerts.scan': z.object({}),
  'system.backup': z.object({}),
  'system.retention': z.object({}),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloads)[N]>;

/** The BullMQ queue each job runs on: one per domain, so a slow ingest never delays an engine tick. */
export const jobQueue: Record<JobName, string> = {
  'system.heartbeat': 'system',
  'market.ingest': 'market',
  'sentiment.collect': 'sentiment',
  'sentiment.aggregate': 'sentiment',
  'engine.tick': 'engine',
  'trading.order': 'orders',
  'reports.daily': 'reports',
  'calendar.crosscheck': 'system',
  'system.housekeeping': 'system',
  'alerts.scan': 'alerts',
  'system.backup': 'system',
  'system.retention': 'system',
};

export const QUEUES = [...new Set(Object.values(jobQueue))];

export interface Schedule<N extends JobName = JobName> {
  /** Stable id: re-registering updates the schedule, never duplicates it. */
  id: string;
  name: N;
  data: JobPayload<N>;
  pattern: string;
  tz: string;
}

const NY = 'America/New_York';

function schedule<N extends JobName>(
  id: string,
  name: N,
  data: JobPayload<N>,
  pattern: string,
  tz = 'UTC',
): Schedule {
  return { id, name, data, pattern, tz } as Schedule;
}

/**
 * Every timed job. The engine tick has no schedule: ingesting a bar enqueues the tick for that bar
 * (`engineTickJobId`), so a tick never judges the bar before the one that just closed, and a second
 * trigger for the same bar is the same job. Stock jobs run on New York time; the 5-minute and hourly stock patterns cover the
 * whole hours around the session and the processor records a skip (with the reason) outside it, which
 * is how early closes and holidays are handled without a cron per exception.
 */
export const SCHEDULES: Schedule[] = [
  schedule('heartbeat', 'system.heartbeat', {}, '* * * * *'),
  schedule('ingest-crypto-1d', 'market.ingest', { assetType: 'crypto', timeframe: '1d' }, '2 0 * * *'),
  schedule('ingest-crypto-1h', 'market.ingest', { assetType: 'crypto', timeframe: '1h' }, '1 * * * *'),
  schedule('ingest-crypto-5m', 'market.ingest', { assetType: 'crypto', timeframe: '5m' }, '*/5 * * * *'),
  schedule('ingest-stock-1d', 'market.ingest', { assetType: 'stock', timeframe: '1d' }, '0 6 * * *', NY),
  schedule('ingest-stock-1h', 'market.ingest', { assetType: 'stock', timeframe: '1h' }, '0 9-17 * * 1-5', NY),
  schedule(
    'ingest-stock-5m',
    'market.ingest',
    { assetType: 'stock', timeframe: '5m' },
    '*/5 9-16 * * 1-5',
    NY,
  ),
  schedule('sentiment-collect', 'sentiment.collect', {}, '*/10 * * * *'),
  schedule('sentiment-aggregate', 'sentiment.aggregate', {}, '*/5 * * * *'),
  schedule('reports-daily', 'reports.daily', {}, '5 0 * * *'),
  schedule('calendar-crosscheck', 'calendar.crosscheck', {}, '30 5 * * *'),
  schedule('housekeeping', 'system.housekeeping', {}, '15 3 * * *'),
  schedule('alerts-scan', 'alerts.scan', {}, '* * * * *'),
  schedule('backup', 'system.backup', {}, '45 2 * * *'),
  schedule('retention', 'system.retention', {}, '30 3 * * *'),
];

/** Retry policy: ingest and sentiment talk to outside services that time out, rate-limit and 5xx. */
export const jobAttempts: Record<JobName, number> = {
  'system.heartbeat': 1,
  'market.ingest': 5,
  'sentiment.collect': 3,
  'sentiment.aggregate': 2,
  'engine.tick': 2,
  // A failed order is recorded with its reason; the reconciler and the next tick take it from there.
  'trading.order': 1,
  'reports.daily': 3,
  'calendar.crosscheck': 3,
  'system.housekeeping': 2,
  'alerts.scan': 1,
  'system.backup': 2,
  'system.retention': 2,
};

/** The crypto market jobs a replay speeds up, with the recorded period each one follows. */
const REPLAY_CADENCE_MS: Record<string, number> = {
  'ingest-crypto-5m': 5 * 60_000,
  'ingest-crypto-1h': 60 * 60_000,
  'ingest-crypto-1d': 24 * 60 * 60_000,
};

/** A cron pattern (seconds field first) that fires about every `ms`, at least every 5 s. */
function everyPattern(ms: number): string {
  const seconds = Math.max(5, Math.round(ms / 1000));
  if (seconds < 60) return `*/${seconds} * * * * *`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `0 */${minutes} * * * *`;
  return `0 0 */${Math.min(23, Math.round(minutes / 60))} * * *`;
}

/**
 * The schedules for a replay at `speed` recorded ms per wall ms: the crypto ingests run once per
 * recorded bar period (5 s for 5-minute bars at speed 60), and each ingested bar triggers its engine
 * tick, so a demo shows bars, detections and trades arrive at the replay's pace. At speed 1 nothing
 * changes.
 */
export function replaySchedules(schedules: readonly Schedule[], speed: number): Schedule[] {
  if (speed <= 1) return [...schedules];
  return schedules.map((s) => {
    const period = REPLAY_CADENCE_MS[s.id];
    return period === undefined ? s : { ...s, pattern: everyPattern(period / speed), tz: 'UTC' };
  });
}

/**
 * The engine tick's job id for one asset type, timeframe and bar: the same bar always gets the same id,
 * so a retried ingest never queues a second tick for it. (BullMQ allows a ':' only in three-part ids.)
 */
export function engineTickJobId(
  assetType: 'crypto' | 'stock',
  timeframe: '5m' | '1h' | '1d',
  barTime: number,
) {
  return `engine.tick:${assetType}.${timeframe}:${barTime}`;
}

/**
 * A live order job's id: its order key, so a repeated tick queues nothing new. An entry is keyed by its
 * client order id (already per user, symbol, timeframe, bar and mode); an exit and a recovery by position or
 * order and the tick, so a later tick may try again. BullMQ takes a ':' only in three-part ids.
 */
export function tradingOrderJobId(order: TradingOrder) {
  const key =
    order.kind === 'entry'
      ? order.request.clientOrderId
      : order.kind === 'exit'
        ? `${order.tradeId}.${order.at}`
        : `${'orderId' in order.ref ? order.ref.orderId : order.ref.heldTradeId}.${order.at}`;
  return `trading.order:${order.kind}:${key.replaceAll(':', '.')}`;
}

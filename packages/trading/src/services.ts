import type { AnalyticsStore } from '@tradehits/analytics';
import type { Config } from '@tradehits/config';
import type { Detection, MarketDataSource } from '@tradehits/core';
import type { Db } from '@tradehits/db';

/** What the live feed carries to the browser. `userId` scopes an event to one user; absent means everyone. */
export type LiveEvent =
  | { type: 'bar'; symbol: string; timeframe: string; openTime: number }
  | { type: 'detection'; detection: Detection }
  /** A tick stored its judgement of every symbol at one bar: watchlists and chart markers are stale. */
  | { type: 'detections'; assetType: string; timeframe: string; barTime: number; symbols: string[] }
  | {
      type: 'trade.opened' | 'trade.closed';
      userId: string;
      trade: { id: string; symbol: string; status: string };
    }
  | { type: 'approval'; userId?: string; approval: { id: string; status: string; tradeId: string } }
  | { type: 'safety'; killSwitch: boolean }
  | { type: 'account'; userId: string; account: { id: string; status: string; reason: string | null } }
  | { type: 'backtest.progress'; userId: string; runId: string; done: number; total: number }
  /** For admins only: something needs their attention (see jobs' processors/alerts.ts). */
  | {
      type: 'notification';
      notification: {
        id: string;
        kind: string;
        severity: string;
        title: string;
        body: string;
        createdAt: number;
      };
    };

/** Publish/subscribe for live events: in memory in one process, Redis pub/sub across processes. */
export interface EventBus {
  publish(event: LiveEvent): void;
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

type LogFn = {
  (obj: object, msg?: string): void;
  (msg: string): void;
};

/** The structured logger every layer writes to (pino's shape). Secrets never reach it. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger whose every line carries these bindings (request id, job, …). */
  child(bindings: Record<string, unknown>): Logger;
}

/** The ports every use case and job processor gets: adapters, the event bus, the log and the clock. */
export interface Services {
  config: Config;
  db: Db;
  analytics: AnalyticsStore;
  bus: EventBus;
  log: Logger;
  market: { crypto: MarketDataSource; stock: MarketDataSource };
  /** The clock, passed in so a test or a replay can move it. */
  now(): Date;
}

import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users';

/** Ratings and comments from traders, read by admins. */
export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    rating: integer('rating').notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('feedback_rating_range', sql`${t.rating} between 1 and 5`)],
);

/** Who did what: admin actions, safety decisions, trades opened and closed. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: jsonb('details'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_created_idx').on(t.createdAt)],
);

/** One record per job run (and per symbol inside a run), for the admin console and metrics. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    job: text('job').notNull(),
    symbol: text('symbol'),
    timeframe: text('timeframe'),
    status: text('status').notNull(),
    rows: integer('rows').notNull().default(0),
    durationMs: integer('duration_ms').notNull().default(0),
    error: text('error'),
    detail: jsonb('detail'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('job_runs_started_idx').on(t.startedAt), index('job_runs_job_idx').on(t.job, t.startedAt)],
);

/** Daily reports, one per kind and day. */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    day: date('day').notNull(),
    body: jsonb('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('reports_kind_day_key').on(t.kind, t.day)],
);

/** Platform switches (the global kill switch) and their last writer. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
});

/** Days on which our NYSE calendar and a venue's calendar disagree. */
export const calendarDisagreements = pgTable(
  'calendar_disagreements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    venue: text('venue').notNull(),
    day: date('day').notNull(),
    field: text('field').notNull(),
    ours: text('ours'),
    theirs: text('theirs'),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('calendar_disagreements_key').on(t.venue, t.day, t.field)],
);

/**
 * What admins must hear about at once (a pending approval, a failing job streak, stale data, a
 * quarantined account, a user at the daily loss limit). One row per occurrence: the dedupe key makes
 * a repeated detection (another server instance, the next scan) a no-op. Mailed once when SMTP is set.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    severity: text('severity').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    detail: jsonb('detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_key').on(t.dedupeKey),
    index('notifications_created_idx').on(t.createdAt),
    check('notifications_severity', sql`${t.severity} in ('info', 'warning', 'critical')`),
  ],
);

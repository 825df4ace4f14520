import { index, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * A walk-forward optimiser run, kept whole: the data it ran on, its settings and cost model, every
 * fold, the in-sample and out-of-sample figures with their intervals, and the parameters it
 * recommends. Written once; traders apply `recommended` to their own parameters.
 */
export const optimizerRuns = pgTable(
  'optimizer_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Who started it; null for a command-line run. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** Where the bars came from (a folder name, or `analytics`). */
    dataset: text('dataset').notNull(),
    symbols: jsonb('symbols').$type<string[]>().notNull(),
    timeframe: text('timeframe').notNull(),
    dataFrom: timestamp('data_from', { withTimezone: true }).notNull(),
    dataTo: timestamp('data_to', { withTimezone: true }).notNull(),
    config: jsonb('config').notNull(),
    costModel: text('cost_model').notNull(),
    folds: jsonb('folds').notNull(),
    inSample: jsonb('in_sample').notNull(),
    outOfSample: jsonb('out_of_sample').notNull(),
    recommended: jsonb('recommended').notNull(),
    /** The recommended parameters' figures on the bars after the window they were chosen on. */
    recommendedOutOfSample: jsonb('recommended_out_of_sample').notNull(),
    notes: jsonb('notes').$type<string[]>().notNull(),
    seconds: numeric('seconds', { precision: 10, scale: 1 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('optimizer_runs_created_at_idx').on(t.createdAt)],
);

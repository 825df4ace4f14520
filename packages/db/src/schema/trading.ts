import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { hundredths, minorUnits, ZERO_MONEY } from './money';
import { users } from './users';

export const assetTypeEnum = pgEnum('asset_type', ['crypto', 'stock']);
export const accountModeEnum = pgEnum('account_mode', ['paper', 'live']);
/**
 * A position's life: pending_approval (cash held, waiting for an admin) → held (cash held, cleared to
 * send) → opening (its buy order claimed, the venue asked) → open → closing (its sell claimed) → closed;
 * failed, rejected and expired end a position that never filled. Paper positions go straight to open.
 */
export const tradeStatusEnum = pgEnum('trade_status', [
  'pending_approval',
  'held',
  'opening',
  'open',
  'closing',
  'closed',
  'rejected',
  'expired',
  'failed',
]);
/** A venue order's life; only `filled`, `canceled` and `rejected` are final. */
export const orderStatusEnum = pgEnum('order_status', [
  'submitting',
  'acknowledged',
  'partially_filled',
  'filled',
  'canceled',
  'rejected',
  'unknown',
]);
export const orderSideEnum = pgEnum('order_side', ['buy', 'sell']);
/** An account the venue keeps refusing (bad key, no funds) is quarantined until its keys are relinked. */
export const accountStatusEnum = pgEnum('account_status', ['active', 'quarantined']);
export const approvalStatusEnum = pgEnum('approval_status', ['pending', 'approved', 'rejected', 'expired']);

/** A user's rules for one asset type and symbol ('ALL' = every symbol of that type). */
export const tradeParameters = pgTable(
  'trade_parameters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    assetType: assetTypeEnum('asset_type').notNull(),
    symbol: text('symbol').notNull().default('ALL'),
    tradeAmount: minorUnits('trade_amount').notNull(),
    takeProfitPct: hundredths('take_profit_pct').notNull(),
    stopLossPct: hundredths('stop_loss_pct').notNull(),
    maxConcurrentTrades: integer('max_concurrent_trades').notNull(),
    buyAtLowestOnly: boolean('buy_at_lowest_only').notNull().default(true),
    minSentimentScore: integer('min_sentiment_score').notNull().default(0),
    requirePoliticalPositive: boolean('require_political_positive').notNull().default(false),
    autoTradingEnabled: boolean('auto_trading_enabled').notNull().default(false),
    tradingHoursStart: text('trading_hours_start').notNull().default('00:00'),
    tradingHoursEnd: text('trading_hours_end').notNull().default('23:59'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Exit rules beyond fixed TP/SL; null turns a rule off. */
    takeProfitAtr: hundredths('take_profit_atr'),
    stopLossAtr: hundredths('stop_loss_atr'),
    trailingStopPct: hundredths('trailing_stop_pct'),
    breakEvenAfterPct: hundredths('break_even_after_pct'),
    maxHoldingHours: hundredths('max_holding_hours'),
  },
  (t) => [
    uniqueIndex('trade_parameters_user_asset_symbol_key').on(t.userId, t.assetType, t.symbol),
    check('trade_parameters_amount_positive', sql`${t.tradeAmount} > 0`),
  ],
);

/** A cash account per user, asset type and mode. Balance = start + realised P&L − fees − cost of open positions. */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    assetType: assetTypeEnum('asset_type').notNull(),
    mode: accountModeEnum('mode').notNull(),
    venue: text('venue').notNull(),
    startBalance: minorUnits('start_balance').notNull(),
    balance: minorUnits('balance').notNull(),
    realizedPnl: minorUnits('realized_pnl').notNull().default(ZERO_MONEY),
    fees: minorUnits('fees').notNull().default(ZERO_MONEY),
    /** Venue API key and secret, sealed with AES-256-GCM; null for paper accounts. */
    credentials: text('credentials'),
    status: accountStatusEnum('status').notNull().default('active'),
    /** Why the account was quarantined, shown to its user and admins. */
    statusReason: text('status_reason'),
    /** Set when a venue fact (a fill beyond the cash held) needs an admin's eye; the fill is booked anyway. */
    flaggedReason: text('flagged_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // No balance >= 0 check: our own debits are guarded in the update, and a venue's fill is a fact
  // the ledger must book even when it cost more than was held (the account is flagged instead).
  (t) => [uniqueIndex('accounts_user_asset_mode_key').on(t.userId, t.assetType, t.mode)],
);

/** A position from entry to exit. `clientOrderId` makes a retried open a no-op. */
export const trades = pgTable(
  'trades',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    parametersId: uuid('parameters_id').references(() => tradeParameters.id, { onDelete: 'set null' }),
    /** For the closed part of a partly sold position: the position it was split from. */
    parentTradeId: uuid('parent_trade_id'),
    symbol: text('symbol').notNull(),
    assetType: assetTypeEnum('asset_type').notNull(),
    isPaper: boolean('is_paper').notNull(),
    status: tradeStatusEnum('status').notNull(),
    clientOrderId: text('client_order_id').notNull(),
    venueOrderId: text('venue_order_id'),
    entryPrice: numeric('entry_price', { precision: 30, scale: 10 }),
    exitPrice: numeric('exit_price', { precision: 30, scale: 10 }),
    entryTime: timestamp('entry_time', { withTimezone: true }),
    exitTime: timestamp('exit_time', { withTimezone: true }),
    quantity: numeric('quantity', { precision: 30, scale: 10 }).notNull(),
    /** Cash put in at entry, fees excluded. */
    amount: minorUnits('amount').notNull(),
    entryFee: minorUnits('entry_fee').notNull().default(ZERO_MONEY),
    exitFee: minorUnits('exit_fee').notNull().default(ZERO_MONEY),
    pnl: minorUnits('pnl'),
    pnlPct: numeric('pnl_pct', { precision: 10, scale: 4 }),
    takeProfitPrice: numeric('take_profit_price', { precision: 30, scale: 10 }),
    stopLossPrice: numeric('stop_loss_price', { precision: 30, scale: 10 }),
    /** The rule's exits fixed when the order was decided; the levels are set from them at the fill. */
    takeProfitPct: hundredths('take_profit_pct'),
    stopLossPct: hundredths('stop_loss_pct'),
    /** Quote currency the amounts are in (`BTC` for ETH/BTC). */
    currency: text('currency').notNull().default('USD'),
    executionReason: text('execution_reason').notNull(),
    exitReason: text('exit_reason'),
    timeframeDetected: text('timeframe_detected'),
    sentimentAtBuy: hundredths('sentiment_at_buy'),
    politicalSentimentAtBuy: hundredths('political_sentiment_at_buy'),
    wasLowestPoint: boolean('was_lowest_point').notNull().default(false),
    indicatorSnapshot: jsonb('indicator_snapshot'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Exit state beyond the fixed levels, set at entry from the plan: the trailing distance, the price
     * that moves the stop to the entry, the instant the holding time ends, and the highest high seen
     * since entry (raised by each engine tick the position survives). Null = that rule is off.
     */
    trailingStopPct: hundredths('trailing_stop_pct'),
    breakEvenPrice: numeric('break_even_price', { precision: 30, scale: 10 }),
    exitDeadline: timestamp('exit_deadline', { withTimezone: true }),
    highWaterPrice: numeric('high_water_price', { precision: 30, scale: 10 }),
    /** The break-even and holding-time rules as decided with the order; the levels above follow at the fill. */
    breakEvenAfterPct: hundredths('break_even_after_pct'),
    maxHoldingHours: hundredths('max_holding_hours'),
  },
  (t) => [
    uniqueIndex('trades_client_order_id_key').on(t.clientOrderId),
    index('trades_user_status_idx').on(t.userId, t.status),
    // Open positions per account: the engine's max-concurrent count (a sequential scan without it).
    index('trades_account_status_idx').on(t.accountId, t.status),
    index('trades_status_symbol_idx').on(t.status, t.symbol),
    check('trades_quantity_positive', sql`${t.quantity} > 0`),
    // At most one automatic position per user, symbol and mode from decision to exit. Written with the
    // end states so it never names a status added in the same migration.
    uniqueIndex('trades_one_automatic_position_key')
      .on(t.userId, t.symbol, t.isPaper)
      .where(
        sql`${t.executionReason} <> 'manual' and ${t.status} not in ('closed', 'rejected', 'expired', 'failed')`,
      ),
  ],
);

/**
 * One row per order sent (or about to be sent) to a venue. The row is written in the same transaction
 * that claims its position, before the venue is called; every venue answer is applied to it by id.
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tradeId: uuid('trade_id')
      .notNull()
      .references(() => trades.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    side: orderSideEnum('side').notNull(),
    clientOrderId: text('client_order_id').notNull(),
    venueOrderId: text('venue_order_id'),
    status: orderStatusEnum('status').notNull().default('submitting'),
    requestedQuantity: numeric('requested_quantity', { precision: 30, scale: 10 }).notNull(),
    filledQuantity: numeric('filled_quantity', { precision: 30, scale: 10 }).notNull().default('0'),
    averagePrice: numeric('average_price', { precision: 30, scale: 10 }),
    /** The venue's fee in minor units of `currency`, rounded up. */
    fee: minorUnits('fee').notNull().default(0),
    currency: text('currency').notNull(),
    /** Why the order failed or is unknown, as the venue or the process reported it. */
    reason: text('reason'),
    /** Whether asking again may change the outcome. */
    retryable: boolean('retryable'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_client_order_id_key').on(t.clientOrderId),
    index('orders_trade_idx').on(t.tradeId),
    index('orders_status_idx').on(t.status),
  ],
);

/** A live order waiting for an admin: pending → approved (executed), rejected, or expired. */
export const approvals = pgTable(
  'approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tradeId: uuid('trade_id')
      .notNull()
      .references(() => trades.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: approvalStatusEnum('status').notNull().default('pending'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    note: text('note'),
  },
  (t) => [uniqueIndex('approvals_trade_key').on(t.tradeId), index('approvals_status_idx').on(t.status)],
);

import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  inet,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { minorUnits, ZERO_MONEY } from './money';

export const roleEnum = pgEnum('role', ['user', 'beta_user', 'admin']);
export type Role = (typeof roleEnum.enumValues)[number];

/** Traders and admins. Balances are the paper balances, kept in step with the paper accounts. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    fullName: text('full_name').notNull(),
    role: roleEnum('role').notNull().default('user'),
    cryptoBalance: minorUnits('crypto_balance').notNull().default(ZERO_MONEY),
    stockBalance: minorUnits('stock_balance').notNull().default(ZERO_MONEY),
    active: boolean('active').notNull().default(true),
    /** Set by an admin: no new trades until cleared. */
    tradingPaused: boolean('trading_paused').notNull().default(false),
    /** Set by the daily loss limit: no new trades before this instant. */
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
    /** The user's stock venue for trading; null means the platform default. */
    stockVenue: text('stock_venue'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
  ],
);

/** Lucia-style sessions: the id is the SHA-256 of the token the browser holds, never the token itself. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Failed and successful logins, for rate limiting by account and by address. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    address: inet('address'),
    success: boolean('success').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('login_attempts_username_idx').on(t.username, t.attemptedAt),
    index('login_attempts_address_idx').on(t.address, t.attemptedAt),
  ],
);

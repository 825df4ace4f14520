CREATE TYPE "public"."account_status" AS ENUM('active', 'quarantined');--> statement-breakpoint
CREATE TYPE "public"."order_side" AS ENUM('buy', 'sell');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('submitting', 'acknowledged', 'partially_filled', 'filled', 'canceled', 'rejected', 'unknown');--> statement-breakpoint
ALTER TYPE "public"."trade_status" ADD VALUE 'held' BEFORE 'open';--> statement-breakpoint
ALTER TYPE "public"."trade_status" ADD VALUE 'opening' BEFORE 'open';--> statement-breakpoint
ALTER TYPE "public"."trade_status" ADD VALUE 'closing' BEFORE 'closed';--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trade_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"side" "order_side" NOT NULL,
	"client_order_id" text NOT NULL,
	"venue_order_id" text,
	"status" "order_status" DEFAULT 'submitting' NOT NULL,
	"requested_quantity" numeric(30, 10) NOT NULL,
	"filled_quantity" numeric(30, 10) DEFAULT '0' NOT NULL,
	"average_price" numeric(30, 10),
	"fee" numeric(20, 2) DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"reason" text,
	"retryable" boolean,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_balance_not_negative";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "status" "account_status" DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "flagged_reason" text;--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "parent_trade_id" uuid;--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "take_profit_pct" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "stop_loss_pct" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "currency" text DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_trade_id_trades_id_fk" FOREIGN KEY ("trade_id") REFERENCES "public"."trades"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_client_order_id_key" ON "orders" USING btree ("client_order_id");--> statement-breakpoint
CREATE INDEX "orders_trade_idx" ON "orders" USING btree ("trade_id");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("status");--> statement-breakpoint
-- A database from before this rule may hold two automatic positions on one user, symbol and mode (an
-- ALL row plus a symbol row opened both). Those are real positions; which to keep is an operator's call,
-- so the migration stops with a message that names them instead of failing on the index.
DO $$
DECLARE duplicates text;
BEGIN
  SELECT string_agg(format('user %s %s (%s)', user_id, symbol, CASE WHEN is_paper THEN 'paper' ELSE 'live' END), ', ')
    INTO duplicates
    FROM (
      SELECT user_id, symbol, is_paper FROM trades
      WHERE execution_reason <> 'manual' AND status::text NOT IN ('closed', 'rejected', 'expired', 'failed')
      GROUP BY user_id, symbol, is_paper HAVING count(*) > 1
    ) d;
  IF duplicates IS NOT NULL THEN
    RAISE EXCEPTION 'More than one automatic position is open for: %. Close the extra positions, then migrate again.', duplicates;
  END IF;
END $$;--> statement-breakpoint
CREATE UNIQUE INDEX "trades_one_automatic_position_key" ON "trades" USING btree ("user_id","symbol","is_paper") WHERE "trades"."execution_reason" <> 'manual' and "trades"."status" not in ('closed', 'rejected', 'expired', 'failed');--> statement-breakpoint
-- Existing positions carry their pair's quote currency (ETH/BTC amounts are BTC).
UPDATE "trades" SET "currency" = split_part("symbol", '/', 2) WHERE "symbol" LIKE '%/%';
CREATE TABLE "optimizer_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_by" uuid,
	"dataset" text NOT NULL,
	"symbols" jsonb NOT NULL,
	"timeframe" text NOT NULL,
	"data_from" timestamp with time zone NOT NULL,
	"data_to" timestamp with time zone NOT NULL,
	"config" jsonb NOT NULL,
	"cost_model" text NOT NULL,
	"folds" jsonb NOT NULL,
	"in_sample" jsonb NOT NULL,
	"out_of_sample" jsonb NOT NULL,
	"recommended" jsonb NOT NULL,
	"recommended_out_of_sample" jsonb NOT NULL,
	"notes" jsonb NOT NULL,
	"seconds" numeric(10, 1) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trade_parameters" ADD COLUMN "take_profit_atr" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trade_parameters" ADD COLUMN "stop_loss_atr" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trade_parameters" ADD COLUMN "trailing_stop_pct" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trade_parameters" ADD COLUMN "break_even_after_pct" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trade_parameters" ADD COLUMN "max_holding_hours" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "trailing_stop_pct" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "break_even_price" numeric(30, 10);--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "exit_deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "high_water_price" numeric(30, 10);--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "break_even_after_pct" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "trades" ADD COLUMN "max_holding_hours" numeric(6, 2);--> statement-breakpoint
ALTER TABLE "optimizer_runs" ADD CONSTRAINT "optimizer_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "optimizer_runs_created_at_idx" ON "optimizer_runs" USING btree ("created_at");
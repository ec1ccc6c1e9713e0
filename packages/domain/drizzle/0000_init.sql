CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"role" text DEFAULT 'game' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash"),
	CONSTRAINT "api_keys_role" CHECK ("api_keys"."role" IN ('game'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"idempotency_key" text,
	"request_hash" text,
	"parent_id" bigint,
	"game_id" text,
	"player_id" text,
	"wager_cents" bigint,
	"currency" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_entries_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "ledger_entries_kind" CHECK ("ledger_entries"."kind" IN ('seed', 'contribution', 'win', 'reset', 'adjustment')),
	CONSTRAINT "ledger_entries_key_has_hash" CHECK (("ledger_entries"."idempotency_key" IS NULL) = ("ledger_entries"."request_hash" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "ledger_lines" (
	"entry_id" bigint NOT NULL,
	"pool_slug" text NOT NULL,
	"amount_delta_cents" bigint NOT NULL,
	"reserve_delta_cents" bigint NOT NULL,
	"contributed_delta_cents" bigint DEFAULT 0 NOT NULL,
	"paid_out_delta_cents" bigint DEFAULT 0 NOT NULL,
	"seeded_by_house_delta_cents" bigint DEFAULT 0 NOT NULL,
	"amount_after_cents" bigint NOT NULL,
	"reserve_after_cents" bigint NOT NULL,
	"residue_after" integer NOT NULL,
	CONSTRAINT "ledger_lines_pk" PRIMARY KEY("entry_id","pool_slug"),
	CONSTRAINT "ledger_lines_conservation" CHECK ("ledger_lines"."amount_delta_cents" + "ledger_lines"."reserve_delta_cents" + "ledger_lines"."paid_out_delta_cents" = "ledger_lines"."contributed_delta_cents" + "ledger_lines"."seeded_by_house_delta_cents")
);
--> statement-breakpoint
CREATE TABLE "pools" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"reserve_cents" bigint DEFAULT 0 NOT NULL,
	"residue" integer DEFAULT 0 NOT NULL,
	"seed_cents" bigint NOT NULL,
	"ceiling_cents" bigint,
	"contribution_bp" integer NOT NULL,
	"contributed_cents" bigint DEFAULT 0 NOT NULL,
	"paid_out_cents" bigint DEFAULT 0 NOT NULL,
	"seeded_by_house_cents" bigint DEFAULT 0 NOT NULL,
	"contributions_count" bigint DEFAULT 0 NOT NULL,
	"wins_count" bigint DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pools_amount_not_negative" CHECK ("pools"."amount_cents" >= 0),
	CONSTRAINT "pools_reserve_not_negative" CHECK ("pools"."reserve_cents" >= 0),
	CONSTRAINT "pools_residue_range" CHECK ("pools"."residue" >= 0 AND "pools"."residue" < 10000),
	CONSTRAINT "pools_seed_not_negative" CHECK ("pools"."seed_cents" >= 0),
	CONSTRAINT "pools_ceiling_not_below_seed" CHECK ("pools"."ceiling_cents" IS NULL OR "pools"."ceiling_cents" >= "pools"."seed_cents"),
	CONSTRAINT "pools_contribution_bp_range" CHECK ("pools"."contribution_bp" >= 0 AND "pools"."contribution_bp" <= 10000),
	CONSTRAINT "pools_conservation" CHECK ("pools"."amount_cents" + "pools"."reserve_cents" + "pools"."paid_out_cents" = "pools"."contributed_cents" + "pools"."seeded_by_house_cents")
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_parent_id_ledger_entries_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_entry_id_ledger_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_pool_slug_pools_slug_fk" FOREIGN KEY ("pool_slug") REFERENCES "public"."pools"("slug") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_kind_id_idx" ON "ledger_entries" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "ledger_entries_created_at_idx" ON "ledger_entries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_parent_id_idx" ON "ledger_entries" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "ledger_lines_pool_entry_idx" ON "ledger_lines" USING btree ("pool_slug","entry_id");
CREATE TABLE "game_day_stats" (
	"day" text NOT NULL,
	"game_id" text NOT NULL,
	"contributions" bigint DEFAULT 0 NOT NULL,
	"wager_cents" bigint DEFAULT 0 NOT NULL,
	"contributed_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "game_day_stats_pk" PRIMARY KEY("day","game_id")
);
--> statement-breakpoint
CREATE TABLE "pool_minute_stats" (
	"pool_slug" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"contributions" bigint DEFAULT 0 NOT NULL,
	"wager_cents" bigint DEFAULT 0 NOT NULL,
	"contributed_cents" bigint DEFAULT 0 NOT NULL,
	"wins" bigint DEFAULT 0 NOT NULL,
	"paid_out_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "pool_minute_stats_pk" PRIMARY KEY("pool_slug","minute")
);
--> statement-breakpoint
-- Top games now read game_day_stats: the partial index 0003 made for them is only a cost.
DROP INDEX "ledger_entries_contribution_day_idx";--> statement-breakpoint
ALTER TABLE "pools" ADD COLUMN "last_contribution_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pools" ADD COLUMN "last_win_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pool_minute_stats" ADD CONSTRAINT "pool_minute_stats_pool_slug_pools_slug_fk" FOREIGN KEY ("pool_slug") REFERENCES "public"."pools"("slug") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pool_minute_stats_minute_idx" ON "pool_minute_stats" USING btree ("minute");--> statement-breakpoint
-- Backfill: an existing database keeps its figures. The same sums the writer
-- upserts per batch, computed once from the ledger (minutes and days in UTC).
INSERT INTO "pool_minute_stats" ("pool_slug", "minute", "contributions", "wager_cents", "contributed_cents", "wins", "paid_out_cents")
SELECT l."pool_slug",
       date_trunc('minute', e."created_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
       count(*) FILTER (WHERE e."kind" = 'contribution'),
       coalesce(sum(e."wager_cents") FILTER (WHERE e."kind" = 'contribution'), 0),
       coalesce(sum(l."contributed_delta_cents") FILTER (WHERE e."kind" = 'contribution'), 0),
       count(*) FILTER (WHERE e."kind" = 'win'),
       coalesce(sum(l."paid_out_delta_cents") FILTER (WHERE e."kind" = 'win'), 0)
FROM "ledger_lines" l JOIN "ledger_entries" e ON e."id" = l."entry_id"
WHERE e."kind" IN ('contribution', 'win')
GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO "game_day_stats" ("day", "game_id", "contributions", "wager_cents", "contributed_cents")
SELECT to_char(e."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD'), e."game_id",
       count(*), coalesce(sum(e."wager_cents"), 0), coalesce(sum(c."cents"), 0)
FROM "ledger_entries" e
LEFT JOIN LATERAL (
  SELECT sum(l."contributed_delta_cents") AS "cents" FROM "ledger_lines" l WHERE l."entry_id" = e."id"
) c ON true
WHERE e."kind" = 'contribution'
GROUP BY 1, 2;--> statement-breakpoint
UPDATE "pools" p SET
  "last_contribution_at" = (SELECT max(e."created_at") FROM "ledger_lines" l JOIN "ledger_entries" e ON e."id" = l."entry_id"
                            WHERE l."pool_slug" = p."slug" AND e."kind" = 'contribution'),
  "last_win_at" = (SELECT max(e."created_at") FROM "ledger_lines" l JOIN "ledger_entries" e ON e."id" = l."entry_id"
                   WHERE l."pool_slug" = p."slug" AND e."kind" = 'win');

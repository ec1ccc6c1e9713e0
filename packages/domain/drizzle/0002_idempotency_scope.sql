-- Idempotency keys become per caller (the API key, or the person for operator
-- wins): two game servers that number their rounds alike no longer read each
-- other's receipts. Existing rows get the scope '' (the legacy global scope);
-- the write path still finds them for any caller, so a key used before this
-- migration is never taken as new. The column is added with a default, so the
-- append-only trigger (BEFORE UPDATE) is not involved.
ALTER TABLE "ledger_entries" ADD COLUMN "idempotency_scope" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_scope_key_unique" UNIQUE("idempotency_scope","idempotency_key");--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_idempotency_key_unique";

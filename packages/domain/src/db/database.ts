import type { ExtractTablesWithRelations } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import type { schema } from './schema.ts'

export type Schema = typeof schema

/** A drizzle database over either driver. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>

/** A drizzle transaction over either driver. */
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>

/** Something queries can run on: the database or an open transaction. */
export type Executor = Database | Transaction

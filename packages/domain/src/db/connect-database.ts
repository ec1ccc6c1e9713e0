import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import type { LoggerPort } from '@jackpot/observability'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import type { Database } from './database.ts'
import { type DirectoryLock, lockDataDirectory } from './pglite-lock.ts'
import { schema } from './schema.ts'

/** Where drizzle-kit writes the migrations (`bun run db:generate`). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url))

// Any fixed int8 works; it only has to be the same for every replica.
const MIGRATION_LOCK_ID = '7420113519'

/** Seconds before reconnect attempt `retries`: 50 ms doubling up to 1 s, with jitter. */
export function reconnectBackoff(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2)
}

/** An open database connection (pool) with its migrations applied. */
export interface ConnectedDatabase {
  kind: 'postgres' | 'pglite'
  db: Database
  /**
   * Runs `work` while holding the cluster-wide setup lock, so replicas starting
   * together migrate and seed one after the other.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T>
  migrate(): Promise<void>
  /** PGlite only: a gzipped tarball of the data directory (see `dumpPgliteDataDir`). */
  dumpDataDir?: () => Promise<Blob>
  close(): Promise<void>
}

export interface ConnectOptions {
  databaseUrl?: string | undefined
  pgliteDataDir: string
  poolSize: number
  connectTimeoutSeconds: number
  /** `statement_timeout` of every pooled PostgreSQL session, ms; 0 or unset: none. */
  statementTimeoutMs?: number | undefined
  /** `lock_timeout` of every pooled PostgreSQL session, ms; 0 or unset: none. */
  lockTimeoutMs?: number | undefined
  logger?: LoggerPort | undefined
}

/**
 * Connects to PostgreSQL when `databaseUrl` is set, otherwise starts PGlite in
 * `pgliteDataDir` ('memory://' for in-memory), locking a directory against a
 * second process.
 *
 * @example
 * const database = await connectDatabase({ pgliteDataDir: 'memory://', poolSize: 1, connectTimeoutSeconds: 5 })
 */
export async function connectDatabase(options: ConnectOptions): Promise<ConnectedDatabase> {
  return options.databaseUrl ? connectPostgres(options.databaseUrl, options) : connectPglite(options)
}

function connectPostgres(url: string, options: ConnectOptions): ConnectedDatabase {
  const clientOptions = {
    connect_timeout: options.connectTimeoutSeconds,
    // PostgreSQL notices ("relation already exists, skipping") are not worth a log line.
    onnotice: () => {},
    // postgres.js's default grows 3^n/100 s up to 20 s with a retry count shared by the whole
    // pool, so after a few seconds of outage it would wait far past PostgreSQL's return. Capped
    // at 1 s (jittered), writes are back within about a second of PostgreSQL accepting connections.
    backoff: reconnectBackoff,
  }
  // Startup parameters, so every session (and every reconnect) has them without a SET round trip.
  const sessionTimeouts = {
    statement_timeout: options.statementTimeoutMs ?? 0,
    lock_timeout: options.lockTimeoutMs ?? 0,
  }
  const client = postgres(url, { ...clientOptions, max: options.poolSize, connection: sessionTimeouts })
  const postgresDb = drizzlePostgres(client, { schema })
  const db: Database = postgresDb
  return {
    kind: 'postgres',
    db,
    async exclusively(work) {
      // A session-level advisory lock lives on one connection, so it gets its own
      // (taking one from the pool could starve the migration itself when max is 1).
      // No timeouts on it: waiting for another replica's migration is expected.
      const lockClient = postgres(url, { ...clientOptions, max: 1 })
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID}::bigint)`
        return await work()
      } finally {
        await lockClient.end({ timeout: 5 })
      }
    },
    async migrate() {
      // Migrations may legitimately run long (an index on a big ledger): a session without the timeouts.
      const migrationClient = postgres(url, { ...clientOptions, max: 1 })
      try {
        await migratePostgres(drizzlePostgres(migrationClient, { schema }), {
          migrationsFolder: MIGRATIONS_FOLDER,
        })
      } finally {
        await migrationClient.end({ timeout: 5 })
      }
    },
    close: () => client.end({ timeout: 5 }),
  }
}

async function connectPglite(options: ConnectOptions): Promise<ConnectedDatabase> {
  const inMemory = options.pgliteDataDir.startsWith('memory://')
  const lock: DirectoryLock | null = inMemory
    ? null
    : lockDataDirectory(options.pgliteDataDir, options.logger)
  let client: PGlite
  try {
    client = new PGlite(options.pgliteDataDir)
    await client.waitReady
  } catch (error) {
    lock?.release()
    throw error
  }
  const db = drizzlePglite(client, { schema })
  return {
    kind: 'pglite',
    db,
    // One process owns a PGlite directory (the lock file sees to it), so there is no one to wait for.
    exclusively: (work) => work(),
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    dumpDataDir: () => dumpPgliteDataDir(client),
    async close() {
      try {
        if (!client.closed) await client.close()
      } finally {
        lock?.release()
      }
    },
  }
}

/**
 * A gzipped tarball of a running PGlite's data directory, loadable with
 * `new PGlite(dir, { loadDataDir })`. Taken inside a transaction, so no write batch
 * (each is one transaction) is half done, after a CHECKPOINT, so the files hold every
 * commit: a consistent copy while the server keeps serving (writes wait for the dump).
 */
export async function dumpPgliteDataDir(client: PGlite): Promise<Blob> {
  return client.transaction(async (tx) => {
    await tx.exec('CHECKPOINT')
    return client.dumpDataDir('gzip')
  })
}

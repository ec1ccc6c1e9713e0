/**
 * Everything a contribution bench runs against, set up and torn down in one
 * place: a fresh PostgreSQL database (project migrations, default pools), the
 * shared Redis under a key prefix of the run's own, one server replica pinned
 * to its CPU, a game API key, and a folder for wrk's key logs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serviceAnswers, testServices } from '@jackpot/test-kit'
import Redis from 'ioredis'
import { type BenchDatabase, createBenchDatabase } from './bench-database.ts'
import { createGameApiKey } from './game-api-key.ts'
import { type PinnedServer, startPinnedServer } from './pinned-server.ts'

export interface ContributionRun {
  /** Short random id: every key, database and Redis prefix of the run carries it. */
  id: string
  database: BenchDatabase
  server: PinnedServer
  apiKey: string
  currency: string
  logDir: string
  /** Stops the server, drops the database, deletes the run's Redis keys and logs. */
  close(): Promise<void>
}

export interface ContributionRunOptions {
  /** Part of the database name and Redis prefix, e.g. `contrib`. */
  label: string
  openFiles?: number
  /** Extra server environment (NAME=VALUE from the command line). */
  serverEnv?: Record<string, string>
}

/**
 * @example
 * const run = await openContributionRun({ label: 'contrib' })
 * try { … } finally { await run.close() }
 */
export async function openContributionRun(options: ContributionRunOptions): Promise<ContributionRun> {
  const { redisUrl } = testServices()
  if (!(await serviceAnswers(redisUrl, 6379))) throw new Error(`Redis is not reachable at ${redisUrl}`)
  const id = crypto.randomUUID().slice(0, 8)
  const redisKeyPrefix = `bench-${options.label}-${id}`
  const cleanups: (() => Promise<void> | void)[] = []
  const close = async () => {
    process.off('SIGINT', interrupted)
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  }
  // Ctrl-C during a run still stops the server and drops the database.
  const interrupted = () => void close().finally(() => process.exit(130))
  process.once('SIGINT', interrupted)
  try {
    const database = await createBenchDatabase(options.label)
    cleanups.push(() => database.drop())
    cleanups.push(() => deleteRedisKeys(redisUrl, redisKeyPrefix))
    const jwtSecret = `bench-${crypto.randomUUID()}-${crypto.randomUUID()}`
    const server = await startPinnedServer({
      databaseUrl: database.url,
      redisUrl,
      redisKeyPrefix,
      jwtSecret,
      ...(options.openFiles === undefined ? {} : { openFiles: options.openFiles }),
      ...(options.serverEnv === undefined ? {} : { env: options.serverEnv }),
    })
    cleanups.push(() => server.stop())
    const logDir = mkdtempSync(join(tmpdir(), 'jackpot-contrib-keys-'))
    cleanups.push(() => rmSync(logDir, { recursive: true, force: true }))
    const { apiKey, currency } = await createGameApiKey(server.url, jwtSecret)
    return { id, database, server, apiKey, currency, logDir, close }
  } catch (error) {
    await close()
    throw error
  }
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

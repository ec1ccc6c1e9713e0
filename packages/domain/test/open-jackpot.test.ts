import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CurrencyMismatchError,
  DatabaseLockedError,
  DatabaseUnavailableError,
  InvalidCommandError,
  openJackpot,
} from '../src/index.ts'
import { readWholeLedger } from './support/ledger-replay.ts'
import { createTestPostgresDatabase, runPostgresSuite } from './support/postgres-test-database.ts'

// Each test starts PGlite on a directory, a few seconds on a busy 2-core machine.
setDefaultTimeout(60_000)

const dataDir = mkdtempSync(join(tmpdir(), 'jackpot-open-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const contribution = (key: string) => ({
  idempotencyKey: key,
  gameId: 'g',
  wagerCents: 10_000n,
  currency: 'EUR',
})

describe('openJackpot on a PGlite directory', () => {
  test('refuses a second open of the same directory, and reopens it after close with the data kept', async () => {
    const first = await openJackpot({ pgliteDataDir: dataDir })
    await first.contribute(contribution('c-1'))
    const error = await openJackpot({ pgliteDataDir: dataDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatabaseLockedError)
    expect(error).toMatchObject({ code: 'E_DATABASE_LOCKED', pid: process.pid })
    await first.close()

    const again = await openJackpot({ pgliteDataDir: dataDir })
    try {
      expect((await again.getPool('minor')).totals.contributions).toBe(1)
      // Seeded once, when the directory was new.
      expect((await readWholeLedger(again, { kind: 'seed' })).length).toBe(3)
    } finally {
      await again.close()
    }
  })

  test('refuses a directory that another process has open, naming its pid', async () => {
    const holder = Bun.spawn(['bun', join(import.meta.dir, 'fixtures/hold-pglite-directory.ts'), dataDir], {
      stdout: 'pipe',
      stderr: 'inherit',
    })
    try {
      const reader = holder.stdout.getReader()
      const { value } = await reader.read()
      expect(new TextDecoder().decode(value)).toContain('ready')
      const error = await openJackpot({ pgliteDataDir: dataDir }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DatabaseLockedError)
      expect(error).toMatchObject({ dataDir, pid: holder.pid })
    } finally {
      holder.kill('SIGKILL')
      await holder.exited
    }
    // The killed holder left a stale lock; it is taken over.
    const store = await openJackpot({ pgliteDataDir: dataDir })
    await store.close()
  })

  test('fails calls after close with DatabaseUnavailableError', async () => {
    const store = await openJackpot({ pgliteDataDir: dataDir })
    await store.close()
    await store.close()
    await expect(store.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError)
  })

  test('refuses to open pools kept in another currency, and releases the directory', async () => {
    const error = await openJackpot({ pgliteDataDir: dataDir, currency: 'USD' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CurrencyMismatchError)
    expect(error).toMatchObject({ received: 'USD', expected: 'EUR' })
    const store = await openJackpot({ pgliteDataDir: dataDir })
    expect(store.currency).toBe('EUR')
    await store.close()
  })
})

describe('openJackpot options', () => {
  test('refuses invalid settings before touching any database', async () => {
    await expect(openJackpot({ pgliteDataDir: 'memory://', currency: 'euro' })).rejects.toMatchObject({
      field: 'currency',
    })
    await expect(openJackpot({ pgliteDataDir: 'memory://', poolSize: 0 })).rejects.toBeInstanceOf(
      InvalidCommandError,
    )
    const pool = { slug: 'one', name: 'One', seedCents: 0n, contributionBp: 1, ceilingCents: null }
    await expect(openJackpot({ pgliteDataDir: 'memory://', pools: [pool, pool] })).rejects.toMatchObject({
      field: 'pools',
    })
  })

  test('refuses to start with DatabaseUnavailableError when PostgreSQL does not answer', async () => {
    const operations: string[] = []
    const error = await openJackpot({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere',
      connectTimeoutSeconds: 1,
      interceptor: (operation, call) => {
        operations.push(operation)
        return call()
      },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatabaseUnavailableError)
    expect((error as Error).cause).toBeDefined()
    expect(operations).toEqual(['setup', 'setup'])
  })
})

if (await runPostgresSuite('packages/domain startup')) {
  describe('openJackpot on PostgreSQL', () => {
    test('lets replicas start together: migrations run once and one set of pools is seeded', async () => {
      const database = await createTestPostgresDatabase()
      try {
        const pools = [
          { slug: 'solo', name: 'Solo', seedCents: 500n, contributionBp: 10, ceilingCents: null },
        ]
        const replicas = await Promise.all(
          Array.from({ length: 4 }, () => openJackpot({ databaseUrl: database.url, poolSize: 1, pools })),
        )
        try {
          expect((await replicas[0]!.listPools()).map((p) => p.slug)).toEqual(['solo'])
          expect((await readWholeLedger(replicas[3]!, { kind: 'seed' })).length).toBe(1)
          await replicas[1]!.contribute(contribution('c-1'))
          expect((await replicas[2]!.getPool('solo')).totals.contributions).toBe(1)
        } finally {
          await Promise.all(replicas.map((replica) => replica.close()))
        }
      } finally {
        await database.drop()
      }
    })
  })
}

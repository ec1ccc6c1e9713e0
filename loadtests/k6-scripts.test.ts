/**
 * Every k6 script in this folder, run for a few iterations against a real
 * server through the runner (loadtests/runner): no machine here has k6, and a
 * script that no longer matches the API must fail CI, not the first load test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createHarness, type Harness } from '../apps/server/test/support/harness.ts'
import { failuresOf, runK6Script } from './runner/k6-runner.ts'

const SCRIPTS = readdirSync(import.meta.dir)
  .filter((name) => name.endsWith('.k6.ts'))
  .sort()

/** A server on a socket, configured as the README's load-test section runs the target. */
async function listening(
  env: Record<string, string>,
  store?: Harness['store'],
): Promise<{ harness: Harness; baseUrl: string }> {
  const harness = await createHarness({ env, ...(store ? { store } : {}) })
  const server = harness.app.listen({ port: 0, hostname: '127.0.0.1' }).server
  return { harness, baseUrl: `http://127.0.0.1:${server?.port}` }
}

let target: { harness: Harness; baseUrl: string }

beforeAll(async () => {
  // The limiter stays on the path; the public limit is out of reach of one load generator.
  target = await listening({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_PUBLIC: '1000000000' })
})

afterAll(async () => {
  await target.harness.app.stop(true)
  await target.harness.close()
})

describe('the k6 scripts, through the runner against a real server', () => {
  test('are all found', () => {
    expect(SCRIPTS).toEqual(['contributions.k6.ts', 'draw-rush.k6.ts', 'pool-reads.k6.ts', 'wins.k6.ts'])
  })

  for (const script of SCRIPTS) {
    test(`${script}: every check passes, every scenario runs, and teardown revokes the key setup made`, async () => {
      const { harness, baseUrl } = target
      const keysBefore = new Set((await harness.store.listApiKeys()).map((key) => key.id))

      const report = await runK6Script({
        script: join(import.meta.dir, script),
        env: { BASE_URL: baseUrl, ADMIN_TOKEN: harness.token('admin', 'k6') },
        iterations: 4,
      })

      expect(failuresOf(report, { setup: true, teardown: true })).toEqual([])
      expect(report.scenarios.length).toBeGreaterThan(0)
      expect(report.checks.reduce((sum, check) => sum + check.passes, 0)).toBeGreaterThan(
        report.scenarios.length,
      )
      const made = (await harness.store.listApiKeys()).filter((key) => !keysBefore.has(key.id))
      expect(made).toHaveLength(1)
      expect(made[0]!.revokedAt).toBeInstanceOf(Date)
    }, 60_000)
  }
})

describe('a target that would throttle the run', () => {
  test('stops pool-reads in setup() with the fix, before a single iteration or API key', async () => {
    // The defaults: RATE_LIMIT_PUBLIC=1200 per 60 s per client IP. Same database, its own app.
    const throttling = await listening({ RATE_LIMIT_ENABLED: 'true' }, target.harness.store)
    const keysBefore = await throttling.harness.store.listApiKeys()
    try {
      const report = await runK6Script({
        script: join(import.meta.dir, 'pool-reads.k6.ts'),
        env: { BASE_URL: throttling.baseUrl, ADMIN_TOKEN: throttling.harness.token('admin', 'k6') },
      })

      expect(report.errors).toHaveLength(1)
      expect(report.errors[0]!.phase).toBe('setup')
      expect(report.errors[0]!.message).toContain(
        'the public rate limit allows 20.0 pool reads/s per client and this run sends up to 200/s',
      )
      expect(report.scenarios[0]!.iterations).toBe(0)
      expect(await throttling.harness.store.listApiKeys()).toEqual(keysBefore)
    } finally {
      await throttling.harness.app.stop(true)
      await throttling.harness.close()
    }
  }, 60_000)
})

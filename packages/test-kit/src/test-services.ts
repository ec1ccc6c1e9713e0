import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the test suites find PostgreSQL and Redis. Test code only: production
 * configuration lives in `@jackpot/config`, which never learns about tests.
 */
export interface TestServices {
  /** An admin connection URL; suites create and drop their own databases through it. */
  postgresUrl: string
  redisUrl: string
  /** Under CI=true a missing service fails the run instead of being skipped. */
  servicesRequired: boolean
}

export function testServices(source: Record<string, string | undefined> = process.env): TestServices {
  return {
    postgresUrl: source.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: source.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    servicesRequired: source.CI === 'true' || source.CI === '1',
  }
}

/**
 * File where a suite that could not run here (a service missing, outside CI)
 * leaves one line; `bun run test` prints them after the run.
 */
export const UNAVAILABLE_REPORT = join(tmpdir(), 'jackpot-tests-not-run.txt')

/**
 * Whether a TCP connection to the service at `url` opens within `timeoutMs`:
 * the one cheap "is it up?" every suite asks before deciding to run, skip
 * (outside CI) or fail (under `CI=true`).
 *
 * @example
 * const redisUp = await serviceAnswers(testServices().redisUrl, 6379)
 */
export function serviceAnswers(url: string, defaultPort: number, timeoutMs = 1_000): Promise<boolean> {
  const parsed = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the test suites find PostgreSQL and Redis. Lives here because only this
 * package reads the environment.
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

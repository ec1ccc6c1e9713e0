import { describe, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { serviceAnswers, testServices } from '@jackpot/config'
import { postgresAddress, postgresAvailable, reportUnavailable } from '@jackpot/domain/testing'
import { privateRedisAvailable, REDIS_SERVER } from '../../../../../ops/cluster/private-redis.ts'
import { DEFAULT_NGINX } from '../../../../../ops/edge/start-edge.ts'

/** What a suite needs. */
export interface ClusterNeeds {
  postgres?: boolean
  /** The shared test Redis (`testServices().redisUrl`); suites use a key prefix of their own. */
  redis?: boolean
  /** The redis-server binary: the suite starts a private one it may kill. */
  redisServer?: boolean
  nginx?: boolean
}

/**
 * Declares `body` when what the suite needs is here. Otherwise it fails under
 * CI=true (a missing service never passes silently there) or reports the
 * suite as not run.
 *
 * @example
 * await describeWith('pool cache', { postgres: true, redis: true }, () => { test(…) })
 */
export async function describeWith(name: string, needs: ClusterNeeds, body: () => void): Promise<void> {
  const missing: string[] = []
  if (needs.postgres && !(await postgresAvailable())) missing.push(`PostgreSQL at ${postgresAddress()}`)
  if (needs.redis && !(await serviceAnswers(testServices().redisUrl, 6379)))
    missing.push(`Redis at ${testServices().redisUrl}`)
  if (needs.redisServer && !privateRedisAvailable()) missing.push(`redis-server at ${REDIS_SERVER}`)
  if (needs.nginx && !existsSync(DEFAULT_NGINX)) missing.push(`nginx at ${DEFAULT_NGINX}`)
  if (missing.length === 0) {
    describe(name, body)
  } else if (testServices().servicesRequired) {
    test(`${name}: its services are here (CI=true)`, () => {
      throw new Error(`missing: ${missing.join(', ')}`)
    })
  } else {
    reportUnavailable(`apps/server ${name}: missing ${missing.join(', ')}`)
  }
}

/** A prefix no other run uses, so suites share the test Redis without clashing. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${crypto.randomUUID()}`
}

import { existsSync } from 'node:fs'
import { postgresAddress, postgresAvailable } from '@jackpot/domain/testing'
import { describeWithServices, redisNeed, type ServiceNeed } from '@jackpot/test-kit'
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
 * Declares `body` when what the suite needs is here; otherwise test-kit's one
 * rule (fail under CI=true, else report not run).
 *
 * @example
 * await describeWith('pool cache', { postgres: true, redis: true }, () => { test(…) })
 */
export function describeWith(name: string, needs: ClusterNeeds, body: () => void): Promise<void> {
  const wanted: ServiceNeed[] = []
  if (needs.postgres)
    wanted.push({ what: `PostgreSQL at ${postgresAddress()}`, available: postgresAvailable })
  if (needs.redis) wanted.push(redisNeed())
  if (needs.redisServer)
    wanted.push({ what: `redis-server at ${REDIS_SERVER}`, available: privateRedisAvailable })
  if (needs.nginx)
    wanted.push({ what: `nginx at ${DEFAULT_NGINX}`, available: () => existsSync(DEFAULT_NGINX) })
  return describeWithServices(`apps/server ${name}`, wanted, body)
}

export { uniquePrefix } from '@jackpot/test-kit'

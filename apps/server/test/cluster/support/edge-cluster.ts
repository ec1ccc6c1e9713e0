import { createTestPostgresDatabase } from '@jackpot/domain/testing'
import { type LocalCluster, startLocalCluster } from '../../../../../ops/cluster/local-cluster.ts'
import { type PrivateRedis, startPrivateRedis } from '../../../../../ops/cluster/private-redis.ts'
import { clusterToken, createGameKey } from './cluster-client.ts'

export interface EdgeClusterOptions {
  /** A private redis-server the caller may kill (`'private'`), or this Redis URL shared under `redisKeyPrefix`. */
  redis: 'private' | string
  redisKeyPrefix: string
  /** The replicas' extra environment (rate limits, cache ages). */
  env: Record<string, string>
  /** The `sub` of the admin token that creates the game key. */
  adminSub: string
}

export interface EdgeCluster {
  cluster: LocalCluster
  /** Replica A's and B's base URLs, and nginx's in front of both. */
  a: string
  b: string
  edge: string
  /** A game API key created through replica A. */
  gameKey: string
  /** The private redis-server, when one was asked for. */
  redis: PrivateRedis | undefined
  /** Stops the replicas and nginx, the private Redis, and drops the database. */
  stop(): Promise<void>
}

/**
 * Two real replicas (`apps/server/src/main.ts`) on a fresh PostgreSQL database and
 * Redis, with Debian's nginx in front, and a game key to write with: what the
 * cluster suites and bench/cluster-cache.bench.ts start from.
 *
 * @example
 * const edgeCluster = await startEdgeCluster({ redis: 'private', redisKeyPrefix, env: {}, adminSub: 'e2e-admin' })
 */
export async function startEdgeCluster(options: EdgeClusterOptions): Promise<EdgeCluster> {
  const database = await createTestPostgresDatabase()
  let redis: PrivateRedis | undefined
  let cluster: LocalCluster | undefined
  const stop = async () => {
    await cluster?.stop()
    await redis?.stop()
    await database.drop()
  }
  try {
    if (options.redis === 'private') redis = await startPrivateRedis()
    cluster = await startLocalCluster({
      databaseUrl: database.url,
      redisUrl: redis?.url ?? options.redis,
      redisKeyPrefix: options.redisKeyPrefix,
      replicas: 2,
      edge: true,
      env: options.env,
    })
    const [a, b] = cluster.replicas.map((replica) => replica.url) as [string, string]
    const gameKey = await createGameKey(a, clusterToken(cluster.jwtSecret, 'admin', options.adminSub))
    return { cluster, a, b, edge: cluster.edge!.url, gameKey, redis, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

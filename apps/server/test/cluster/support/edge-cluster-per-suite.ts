import { afterAll, beforeAll } from 'bun:test'
import { type EdgeCluster, type EdgeClusterOptions, startEdgeCluster } from './edge-cluster.ts'

/**
 * Starts an edge cluster before the suite's tests and stops it after them. The
 * returned object is filled in by the `beforeAll`, so tests read `cluster.a` and the rest.
 *
 * @example
 * const c = edgeClusterPerSuite({ redis: 'private', redisKeyPrefix, env: {}, adminSub: 'e2e-admin' })
 * test('…', () => fetch(`${c.a}/api/v1/pools`))
 */
export function edgeClusterPerSuite(options: EdgeClusterOptions): EdgeCluster {
  const started = {} as EdgeCluster
  beforeAll(async () => {
    Object.assign(started, await startEdgeCluster(options))
  }, 60_000)
  afterAll(() => started.stop?.())
  return started
}

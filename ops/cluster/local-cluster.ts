/**
 * N server replicas on one PostgreSQL and one Redis, optionally behind the
 * nginx edge: the cluster mode of DESIGN.md, on this machine, for the
 * end-to-end tests and measurements of the cache and the edge.
 *
 *   bun run ops/cluster/local-cluster.ts --database-url postgres://postgres@127.0.0.1:5432/test \
 *     --redis-url redis://127.0.0.1:6379 --replicas 2 --edge-port 8080
 */
import { join } from 'node:path'
import { type RunningEdge, startEdge } from '../edge/start-edge.ts'

export interface ClusterOptions {
  databaseUrl: string
  redisUrl?: string | undefined
  replicas?: number
  /** First replica port; the others follow. Defaults to a port derived from the pid. */
  basePort?: number
  /** Start the nginx edge on this port in front of the replicas. */
  edgePort?: number
  /** Extra environment for every replica (e.g. rate limits). */
  env?: Record<string, string>
  /** Forward replica logs to this process's stderr. Defaults to false. */
  verbose?: boolean
}

export interface Replica {
  url: string
  port: number
  stop(signal?: NodeJS.Signals): Promise<void>
}

export interface LocalCluster {
  replicas: Replica[]
  edge: RunningEdge | null
  stop(): Promise<void>
}

const REPO_ROOT = join(import.meta.dir, '..', '..')
export const CLUSTER_JWT_SECRET = 'local-cluster-secret-for-tests-only-0123456789'

export async function startReplica(port: number, options: ClusterOptions): Promise<Replica> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    JWT_SECRET: CLUSTER_JWT_SECRET,
    LOG_LEVEL: options.verbose ? 'info' : 'warn',
    TRUST_PROXY: 'true',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  }
  const child = Bun.spawn([process.execPath, 'run', join(REPO_ROOT, 'apps/server/src/main.ts')], {
    cwd: REPO_ROOT,
    env,
    stdout: options.verbose ? 'inherit' : 'ignore',
    stderr: 'inherit',
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ready) break
    if (child.exitCode !== null) throw new Error(`replica on port ${port} exited with ${child.exitCode}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`replica on port ${port} was not ready within 30 s`)
    }
    await Bun.sleep(100)
  }
  return {
    url,
    port,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return
      child.kill(signal)
      await Promise.race([child.exited, Bun.sleep(15_000)])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}

export async function startLocalCluster(options: ClusterOptions): Promise<LocalCluster> {
  const count = options.replicas ?? 2
  const basePort = options.basePort ?? 20_000 + ((process.pid * 7) % 20_000)
  const replicas: Replica[] = []
  try {
    // Sequentially: the first replica runs the migrations; the others find them done.
    for (let i = 0; i < count; i++) replicas.push(await startReplica(basePort + i, options))
    const edge = options.edgePort
      ? await startEdge({ upstreams: replicas.map((r) => `127.0.0.1:${r.port}`), port: options.edgePort })
      : null
    return {
      replicas,
      edge,
      async stop() {
        await edge?.stop()
        await Promise.all(replicas.map((replica) => replica.stop()))
      },
    }
  } catch (error) {
    await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')))
    throw error
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const option = (name: string) => {
    const at = args.indexOf(name)
    return at >= 0 ? args[at + 1] : undefined
  }
  if (args.includes('--help')) {
    console.log(`usage: bun run ops/cluster/local-cluster.ts --database-url URL [--redis-url URL]
         [--replicas 2] [--base-port 3001] [--edge-port 8080]

Starts server replicas on one PostgreSQL (and Redis, if given) and, with
--edge-port, Debian's nginx in front of them. Stop with Ctrl-C.`)
    process.exit(0)
  }
  const databaseUrl = option('--database-url')
  if (!databaseUrl) {
    console.error(
      '--database-url is required: replicas must share one PostgreSQL (embedded PGlite is single-process).',
    )
    process.exit(1)
  }
  const cluster = await startLocalCluster({
    databaseUrl,
    redisUrl: option('--redis-url'),
    replicas: Number(option('--replicas') ?? 2),
    basePort: Number(option('--base-port') ?? 3001),
    edgePort: option('--edge-port') ? Number(option('--edge-port')) : undefined,
    verbose: true,
  })
  for (const replica of cluster.replicas) console.log(`replica ${replica.url}`)
  if (cluster.edge) console.log(`edge    ${cluster.edge.url}`)
  const stop = () => cluster.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

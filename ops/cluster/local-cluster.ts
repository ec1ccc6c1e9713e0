/**
 * N server replicas on one PostgreSQL and one Redis, optionally behind the
 * nginx edge: the cluster mode of DESIGN.md on this machine, for trying it
 * by hand and for the end-to-end tests and benchmarks of the cache and edge.
 *
 *   bun run ops/cluster/local-cluster.ts --database-url postgres://postgres@127.0.0.1:5432/postgres \
 *     --redis-url redis://127.0.0.1:6379 --replicas 2 --base-port 3001 --edge-port 8080
 *
 * Also importable: `startLocalCluster()` returns the replicas and edge with a stop function.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { freePort } from '@jackpot/test-kit'
import type { Subprocess } from 'bun'
import { DEFAULT_NGINX, type RunningEdge, startEdge } from '../edge/start-edge.ts'

export interface ClusterOptions {
  /** PostgreSQL every replica shares (embedded PGlite is one process only). */
  databaseUrl: string
  /** Redis the replicas share (pool cache L2, invalidation bus, rate limits). Defaults to none. */
  redisUrl?: string | undefined
  /**
   * `REDIS_KEY_PREFIX` of the replicas. Defaults to `cluster-<database name>`, so a cluster
   * never reads the pool snapshot or rate-limit windows another database's cluster left in
   * the same Redis.
   */
  redisKeyPrefix?: string | undefined
  /** How many replicas. Defaults to 2. */
  replicas?: number | undefined
  /** First replica port; the others follow. Defaults to free ports the OS picks. */
  basePort?: number | undefined
  /** Start the nginx edge in front of the replicas. Defaults to false. */
  edge?: boolean | undefined
  /** Port of the edge (implies `edge`). Defaults to a free port. */
  edgePort?: number | undefined
  /** Extra environment for every replica (e.g. `RATE_LIMIT_PUBLIC`). */
  env?: Record<string, string> | undefined
  /** Forward replica logs and the edge access log to this process. Defaults to false. */
  verbose?: boolean | undefined
}

export interface Replica {
  url: string
  port: number
  pid: number
  /** Stops it (SIGTERM, then SIGKILL after 15 s); resolves when it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

export interface LocalCluster {
  replicas: Replica[]
  edge: RunningEdge | null
  /** `REDIS_KEY_PREFIX` the replicas run with. */
  redisKeyPrefix: string
  /** JWT secret the replicas verify tokens with (mint tokens with it). */
  jwtSecret: string
  stop(): Promise<void>
}

const REPO_ROOT = join(import.meta.dir, '..', '..')
/** Secret of the local cluster's tokens: `JWT_SECRET=<this> bun run cli token --role admin --sub you`. */
export const CLUSTER_JWT_SECRET = 'local-cluster-secret-for-tests-only-0123456789'
const READY_TIMEOUT_MS = 30_000

/**
 * Starts one replica (`apps/server/src/main.ts`) and waits for `/health/ready`.
 * A replica that exits while starting fails with the end of its stderr, which
 * names the cause (bad environment, database unreachable, port taken).
 */
export async function startReplica(port: number, options: ClusterOptions): Promise<Replica> {
  const env: Record<string, string> = {
    // Only what a replica needs (this repository reads the environment in packages/config alone).
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    JWT_SECRET: CLUSTER_JWT_SECRET,
    LOG_LEVEL: options.verbose ? 'info' : 'warn',
    // Behind the edge every request comes from nginx; the client is in X-Forwarded-For.
    TRUST_PROXY: 'true',
    REDIS_KEY_PREFIX: options.redisKeyPrefix ?? defaultKeyPrefix(options.databaseUrl),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  }
  const child = Bun.spawn([process.execPath, 'run', join(REPO_ROOT, 'apps/server/src/main.ts')], {
    cwd: REPO_ROOT,
    env,
    stdin: 'ignore',
    stdout: options.verbose ? 'inherit' : 'ignore',
    stderr: 'pipe',
  })
  const stderr = tail(child, options.verbose ?? false)
  const url = `http://127.0.0.1:${port}`
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill(signal)
    const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(15_000).then(() => false)])
    if (!exited) {
      child.kill('SIGKILL')
      await child.exited
    }
  }
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    )
    if (ready) break
    if (child.exitCode !== null) {
      await child.exited
      throw new Error(`replica on port ${port} exited with code ${child.exitCode}:\n${stderr().trim()}`)
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL')
      throw new Error(
        `replica on port ${port} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${stderr()}`,
      )
    }
    await Bun.sleep(100)
  }
  return { url, port, pid: child.pid, stop }
}

/**
 * Starts the replicas, then the edge in front of them. On any failure
 * everything already started is stopped before the error is thrown.
 *
 * @example
 * const cluster = await startLocalCluster({ databaseUrl, redisUrl, edge: true })
 * await fetch(`${cluster.edge!.url}/api/v1/pools`)
 * await cluster.stop()
 */
export async function startLocalCluster(options: ClusterOptions): Promise<LocalCluster> {
  const count = options.replicas ?? 2
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`replicas must be a whole number ≥ 1, got ${count}`)
  const wantsEdge = options.edge === true || options.edgePort !== undefined
  if (wantsEdge && !existsSync(DEFAULT_NGINX)) {
    throw new Error(`the edge needs nginx at ${DEFAULT_NGINX} (apt-get install nginx), or start without it`)
  }
  const replicas: Replica[] = []
  let edge: RunningEdge | null = null
  try {
    // The first replica runs the migrations alone; the others then start side by side.
    const ports: number[] = []
    for (let i = 0; i < count; i++) ports.push(options.basePort ? options.basePort + i : await freePort())
    replicas.push(await startReplica(ports[0]!, options))
    const rest = await Promise.allSettled(ports.slice(1).map((port) => startReplica(port, options)))
    for (const started of rest) if (started.status === 'fulfilled') replicas.push(started.value)
    const failed = rest.find((started) => started.status === 'rejected')
    if (failed) throw failed.reason
    if (wantsEdge) {
      edge = await startEdge({
        upstreams: replicas.map((replica) => `127.0.0.1:${replica.port}`),
        port: options.edgePort ?? (await freePort()),
        verbose: options.verbose ?? false,
      })
    }
  } catch (error) {
    await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')))
    throw error
  }
  const started = edge
  return {
    replicas,
    edge: started,
    redisKeyPrefix: options.redisKeyPrefix ?? defaultKeyPrefix(options.databaseUrl),
    jwtSecret: CLUSTER_JWT_SECRET,
    async stop() {
      await started?.stop()
      await Promise.all(replicas.map((replica) => replica.stop()))
    },
  }
}

/** `cluster-<database name>`: the cached pools belong to one database. */
export function defaultKeyPrefix(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres'
  return `cluster-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`
}

/** Keeps the last 8 KB of the child's stderr (read continuously, so a full pipe never blocks it). */
function tail(child: Subprocess<'ignore', 'inherit' | 'ignore', 'pipe'>, echo: boolean): () => string {
  let kept = ''
  const decoder = new TextDecoder()
  void (async () => {
    for await (const chunk of child.stderr) {
      if (echo) process.stderr.write(chunk)
      kept = (kept + decoder.decode(chunk, { stream: true })).slice(-8192)
    }
  })()
  return () => kept
}

export const USAGE = `usage: bun run ops/cluster/local-cluster.ts --database-url URL [options]

Starts server replicas on one PostgreSQL (and one Redis, if given) and, with
--edge or --edge-port, Debian's nginx in front of them. Stop with Ctrl-C.

  --database-url URL   PostgreSQL the replicas share (required), e.g.
                       postgres://postgres@127.0.0.1:5432/postgres
  --redis-url URL      Redis for the shared pool cache, bus and rate limits
  --replicas N         number of replicas (default 2)
  --base-port PORT     port of the first replica, the others follow (default: free ports)
  --edge               start the nginx edge on a free port
  --edge-port PORT     start the nginx edge on PORT
  --key-prefix TEXT    REDIS_KEY_PREFIX of the replicas (default: cluster-<database name>)
  --env NAME=VALUE     extra environment for every replica (repeatable), e.g. RATE_LIMIT_PUBLIC=100
  --quiet              do not forward replica logs and the edge access log
  --help               this text`

/** A command line the cluster cannot run, with the reason. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The command line as {@link ClusterOptions}, or `'help'`; throws {@link UsageError} with the reason. */
export function parseClusterArgs(args: readonly string[]): ClusterOptions | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help'
  const options: ClusterOptions = { databaseUrl: '', verbose: true }
  const env: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!
    if (flag === '--edge') {
      options.edge = true
      continue
    }
    if (flag === '--quiet') {
      options.verbose = false
      continue
    }
    const value = args[i + 1]
    if (!VALUED.has(flag)) throw new UsageError(`unknown option ${flag} (see --help)`)
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`)
    i++
    switch (flag) {
      case '--database-url':
        if (!/^postgres(ql)?:\/\//.test(value))
          throw new UsageError('--database-url must be a postgres:// URL')
        options.databaseUrl = value
        break
      case '--redis-url':
        if (!/^rediss?:\/\//.test(value)) throw new UsageError('--redis-url must be a redis:// URL')
        options.redisUrl = value
        break
      case '--replicas':
        options.replicas = integer(flag, value, 1, 32)
        break
      case '--base-port':
        options.basePort = integer(flag, value, 1, 65_535)
        break
      case '--edge-port':
        options.edgePort = integer(flag, value, 1, 65_535)
        break
      case '--key-prefix':
        options.redisKeyPrefix = value
        break
      case '--env': {
        const at = value.indexOf('=')
        if (at < 1) throw new UsageError(`--env expects NAME=VALUE, got ${value}`)
        env[value.slice(0, at)] = value.slice(at + 1)
        break
      }
    }
  }
  if (!options.databaseUrl) {
    throw new UsageError(
      '--database-url is required: replicas must share one PostgreSQL (embedded PGlite is single-process),\n' +
        'e.g. --database-url postgres://postgres@127.0.0.1:5432/postgres',
    )
  }
  if (Object.keys(env).length > 0) options.env = env
  return options
}

const VALUED = new Set([
  '--database-url',
  '--redis-url',
  '--replicas',
  '--base-port',
  '--edge-port',
  '--key-prefix',
  '--env',
])

function integer(flag: string, value: string, min: number, max: number): number {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`${flag} must be a whole number ${min}..${max}, got ${value}`)
  }
  return parsed
}

if (import.meta.main) {
  let options: ClusterOptions | 'help'
  try {
    options = parseClusterArgs(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`${error.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (options === 'help') {
    console.log(USAGE)
    process.exit(0)
  }
  let cluster: LocalCluster
  try {
    cluster = await startLocalCluster(options)
  } catch (error) {
    console.error(`\nThe cluster did not start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
  const lines = [
    '',
    ...cluster.replicas.map((replica, i) => `  replica ${i + 1}   ${replica.url}   (pid ${replica.pid})`),
    ...(cluster.edge ? [`  edge        ${cluster.edge.url}   (pool reads cached, X-Cache-Status)`] : []),
    `  Redis       ${options.redisUrl ? `shared, key prefix ${cluster.redisKeyPrefix}` : 'none: caches and rate limits are per replica'}`,
    '',
    `  Admin token: JWT_SECRET=${cluster.jwtSecret} bun run cli token --role admin --sub you`,
    '  Stop:        Ctrl-C',
    '',
  ]
  console.log(lines.join('\n'))
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    void cluster.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

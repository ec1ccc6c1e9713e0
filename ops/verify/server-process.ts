import { dirname, join } from 'node:path'
import { awaitServerReady, stopServerChild } from './server-child.ts'

export const REPO_ROOT = join(import.meta.dir, '..', '..')

export interface ServerOptions {
  port: number
  /** Shares the cache L2, bus and rate limits through this Redis. Defaults to none (L1 only). */
  redisUrl?: string | undefined
  /** Forward the server's logs to stderr. Defaults to false (errors only). */
  verbose?: boolean
  /** Requests per minute per staff credential (RATE_LIMIT_STAFF). Defaults to the server's default. */
  staffRateLimit?: number
}

export interface RunningServer {
  url: string
  /** The JWT secret it was started with, for minting tokens with the CLI. */
  jwtSecret: string
  stop(): Promise<void>
}

/**
 * The environment of child processes: only what they need, spelled out here
 * (this repository reads the environment in packages/config alone), with a
 * PATH that finds this same Bun first.
 */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, ...extra }
}

/**
 * Starts `apps/server/src/main.ts` on an in-memory PGlite database (no set-up,
 * nothing left behind) and waits until `/health/ready` answers 200.
 *
 * @example
 * const server = await startServer({ port: 3999 })
 * await server.stop()
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const jwtSecret = `ops-verify-${crypto.randomUUID()}-${crypto.randomUUID()}`
  const child = Bun.spawn([process.execPath, 'run', join(REPO_ROOT, 'apps/server/src/main.ts')], {
    cwd: REPO_ROOT,
    env: childEnv({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      PGLITE_DATA_DIR: 'memory://',
      JWT_SECRET: jwtSecret,
      // Not verbose: errors only (the deliberate Redis outage logs warnings).
      LOG_LEVEL: options.verbose ? 'info' : 'error',
      // The traffic generator is one client; it must not be rate limited into 429s only.
      RATE_LIMIT_PUBLIC: '1000000',
      RATE_LIMIT_GAME: '1000000',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      ...(options.staffRateLimit === undefined ? {} : { RATE_LIMIT_STAFF: String(options.staffRateLimit) }),
      // Its own keys: no pool snapshot or rate-limit window left by another run or test on that Redis.
      ...(options.redisUrl
        ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: `ops-verify-${crypto.randomUUID()}` }
        : {}),
    }),
    stdout: options.verbose ? 'inherit' : 'ignore',
    stderr: 'inherit',
  })
  const url = `http://127.0.0.1:${options.port}`
  const stop = () => stopServerChild(child)
  await awaitServerReady(child, url)
  return { url, jwtSecret, stop }
}

/**
 * Mints a bearer token with the server's own CLI (`bun run cli token`), as an
 * operator would.
 *
 * @example
 * const token = await mintToken({ role: 'admin', sub: 'verify', jwtSecret: server.jwtSecret })
 */
export async function mintToken(options: { role: string; sub: string; jwtSecret: string }): Promise<string> {
  const child = Bun.spawn(
    [process.execPath, 'run', 'cli', 'token', '--role', options.role, '--sub', options.sub, '--ttl', '1h'],
    {
      cwd: REPO_ROOT,
      env: childEnv({ NODE_ENV: 'development', JWT_SECRET: options.jwtSecret, LOG_LEVEL: 'warn' }),
      stdout: 'pipe',
      stderr: 'pipe',
    },
  )
  const [token, errors, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  if (code !== 0) throw new Error(`bun run cli token failed (${code}): ${errors.trim()}`)
  return token.trim()
}

/**
 * One server replica (`apps/server/src/main.ts`, as `bun run start` runs it)
 * pinned to {@link SERVER_CPU}, on PostgreSQL and Redis, for the socket benches
 * whose load generator (wrk) is pinned to the other CPU.
 */
import { join } from 'node:path'
import { freePort } from '@jackpot/test-kit'
import { awaitServerReady, stopServerChild } from '../../ops/verify/server-child.ts'
import { childEnv, REPO_ROOT } from '../../ops/verify/server-process.ts'
import { pinnedCommand } from './pinned-command.ts'
import { SERVER_CPU } from './wrk-load.ts'

export interface PinnedServerOptions {
  databaseUrl: string
  redisUrl: string
  /** REDIS_KEY_PREFIX: the run's own, so no other run's pool snapshot is read. */
  redisKeyPrefix: string
  jwtSecret: string
  /** Open-file limit to ask for (one socket per connection). Defaults to 8 192. */
  openFiles?: number
  /** Extra environment (e.g. a queue bound to try), after the bench's own. */
  env?: Record<string, string>
}

export interface PinnedServer {
  url: string
  pid: number
  /** The last 8 KB the server wrote to stderr. */
  stderrTail(): string
  /** SIGTERM, then SIGKILL after 15 s; resolves once it has exited. */
  stop(): Promise<void>
}

/**
 * Starts the server with production settings, rate limiting off and the
 * access log to /dev/null, and waits for `/health/ready`.
 *
 * @example
 * const server = await startPinnedServer({ databaseUrl, redisUrl, redisKeyPrefix, jwtSecret })
 * try { … } finally { await server.stop() }
 */
export async function startPinnedServer(options: PinnedServerOptions): Promise<PinnedServer> {
  const port = await freePort()
  const child = Bun.spawn(
    pinnedCommand(
      SERVER_CPU,
      [process.execPath, 'run', join(REPO_ROOT, 'apps/server/src/main.ts')],
      options.openFiles,
    ),
    {
      cwd: REPO_ROOT,
      env: childEnv({
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        REDIS_KEY_PREFIX: options.redisKeyPrefix,
        JWT_SECRET: options.jwtSecret,
        RATE_LIMIT_ENABLED: 'false',
        LOG_LEVEL: 'info',
        ...options.env,
      }),
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
    },
  )
  let kept = ''
  const decoder = new TextDecoder()
  // Read continuously, so a server logging warnings under overload never blocks on a full pipe.
  void (async () => {
    for await (const chunk of child.stderr)
      kept = (kept + decoder.decode(chunk, { stream: true })).slice(-8192)
  })()
  const url = `http://127.0.0.1:${port}`
  const stop = () => stopServerChild(child)
  await awaitServerReady(child, url, () => kept)
  return { url, pid: child.pid, stderrTail: () => kept, stop }
}

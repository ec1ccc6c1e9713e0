/**
 * One server replica (`apps/server/src/main.ts`, as `bun run start` runs it)
 * pinned to {@link SERVER_CPU}, on PostgreSQL and Redis, for the socket benches
 * whose load generator (wrk) is pinned to the other CPU.
 */
import { join } from 'node:path'
import { freePort } from '@jackpot/test-kit'
import { childEnv, REPO_ROOT } from '../../ops/verify/server-process.ts'
import { waitFor } from '../../ops/verify/wait-for.ts'
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
    [
      'sh',
      '-c',
      // Raise the soft limit as far as asked (up to the hard limit), then become the server.
      `ulimit -n ${options.openFiles ?? 8192} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`,
      'sh',
      'taskset',
      '-c',
      SERVER_CPU,
      process.execPath,
      'run',
      join(REPO_ROOT, 'apps/server/src/main.ts'),
    ],
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
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(15_000).then(() => false)])
    if (!exited) {
      child.kill('SIGKILL')
      await child.exited
    }
  }
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the server exited (${child.exitCode}) while starting:\n${kept}`)
        return fetch(`${url}/health/ready`).then(
          (response) => response.status === 200,
          () => false,
        )
      },
      60_000,
      `the server on ${url} did not become ready`,
    )
  } catch (error) {
    await stop()
    throw error
  }
  return { url, pid: child.pid, stderrTail: () => kept, stop }
}

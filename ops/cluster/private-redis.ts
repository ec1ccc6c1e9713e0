/**
 * A redis-server of one's own on a free port, to kill and restart at will
 * (outage tests, benchmarks) without touching the shared instance.
 *
 * @example
 * const redis = await startPrivateRedis()
 * await redis.kill()     // SIGKILL: an outage, not a shutdown
 * await redis.restart()  // same port, empty
 * await redis.stop()
 */
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { freePort } from '@jackpot/test-kit'
import type { Subprocess } from 'bun'

export interface PrivateRedis {
  url: string
  port: number
  /** Whether the server is running now. */
  readonly running: boolean
  /** SIGKILLs the server and waits until the port refuses connections. */
  kill(): Promise<void>
  /** Starts it again on the same port (empty: it saves nothing). */
  restart(): Promise<void>
  /** Kills it if running; safe to call twice. */
  stop(): Promise<void>
}

/** Where Debian's redis-server package puts the binary. */
export const REDIS_SERVER = '/usr/bin/redis-server'

/** Whether a private redis-server can be started here. */
export function privateRedisAvailable(binary = REDIS_SERVER): boolean {
  return existsSync(binary)
}

export async function startPrivateRedis(
  options: { port?: number; binary?: string } = {},
): Promise<PrivateRedis> {
  const binary = options.binary ?? REDIS_SERVER
  if (!existsSync(binary)) throw new Error(`no redis-server at ${binary} (apt-get install redis-server)`)
  const port = options.port ?? (await freePort())
  let child: Subprocess | undefined

  const start = async () => {
    child = Bun.spawn(
      [binary, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdin: 'ignore', stdout: 'ignore', stderr: 'inherit' },
    )
    const deadline = Date.now() + 5_000
    while (!(await accepts(port))) {
      if (child.exitCode !== null)
        throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`)
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within 5 s`)
      await Bun.sleep(20)
    }
  }
  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    running.kill('SIGKILL')
    await running.exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null
    },
    kill,
    async restart() {
      await kill()
      await start()
    },
    stop: kill,
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

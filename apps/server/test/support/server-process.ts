import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { type CheckedFetch, contractFetch } from './contract-fetch.ts'

const MAIN = join(import.meta.dir, '../../src/main.ts')
const CLI = join(import.meta.dir, '../../src/cli.ts')
export const TEST_JWT_SECRET = 'server-process-test-secret-0123456789abcdef'

/** `main.ts` running as its own process, the way `bun run start` runs it. */
export interface ServerProcess {
  base: string
  /** fetch of a path on this server, each answer checked against its /swagger/json. */
  fetch: CheckedFetch
  child: Subprocess<'ignore', 'pipe', 'pipe'>
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  /** Resolves with the exit code; undefined while it runs. */
  exitCode(): number | null
  /** An admin bearer token minted by `bun run cli token`. */
  adminToken(): Promise<string>
  /** Creates a game API key over HTTP and returns it. */
  gameKey(name?: string): Promise<string>
  kill(signal?: NodeJS.Signals): void
}

/**
 * Spawns main.ts on 127.0.0.1 and a free port with `env` on top of a quiet,
 * limit-free test setup, and waits for its banner.
 *
 * @example
 * const server = await startServerProcess({ PGLITE_DATA_DIR: 'memory://' })
 * await fetch(`${server.base}/api/v1/pools`)
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const fullEnv = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_ENABLED: 'false',
    JWT_SECRET: TEST_JWT_SECRET,
    ...env,
  }
  const child = Bun.spawn([process.execPath, MAIN], {
    env: fullEnv,
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  let output = ''
  const decoder = new TextDecoder()
  let exitCode: number | null = null
  void child.exited.then((code) => {
    exitCode = code
  })
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true })
  }
  void drain(child.stderr)
  const banner = (async () => {
    const reader = child.stdout.getReader()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`server exited before its banner:\n${output}`)
      output += decoder.decode(value, { stream: true })
      const match = /Jackpot API\s+(http:\/\/\S+)\/api\/v1\/pools/.exec(output)
      if (match?.[1]) {
        reader.releaseLock()
        void drain(child.stdout)
        return match[1]
      }
    }
  })()
  const base = await banner
  const adminToken = async () => {
    const cli = Bun.spawn([process.execPath, CLI, 'token', '--role', 'admin', '--sub', 'test-admin'], {
      env: fullEnv,
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const token = (await new Response(cli.stdout).text()).trim()
    if ((await cli.exited) !== 0) throw new Error(await new Response(cli.stderr).text())
    return token
  }
  return {
    base,
    fetch: await contractFetch(base),
    child,
    output: () => output,
    exitCode: () => exitCode,
    adminToken,
    async gameKey(name = 'test-game-server') {
      const response = await fetch(`${base}/api/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      })
      if (response.status !== 201) throw new Error(`api key: ${response.status} ${await response.text()}`)
      return ((await response.json()) as { key: string }).key
    },
    kill: (signal = 'SIGKILL') => child.kill(signal),
  }
}

import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { contractFetch } from './support/contract-fetch.ts'

const MAIN = join(import.meta.dir, '../src/main.ts')
const dataDir = mkdtempSync(join(tmpdir(), 'jackpot-main-'))
const running: Subprocess[] = []

afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

/** Starts `main.ts` the way `bun run start` does, with only the given environment. */
function start(env: Record<string, string>) {
  const child = Bun.spawn([process.execPath, MAIN], {
    env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  running.push(child)
  return child
}

/** Reads stdout until the startup banner names the Swagger URL. */
async function swaggerUrl(child: Subprocess<'ignore', 'pipe', 'pipe'>): Promise<string> {
  const decoder = new TextDecoder()
  let output = ''
  for await (const chunk of child.stdout) {
    output += decoder.decode(chunk, { stream: true })
    const match = /Swagger UI\s+(http:\/\/\S+\/swagger)/.exec(output)
    if (match?.[1]) return match[1]
  }
  throw new Error(
    `server exited before printing its banner:\n${output}\n${await new Response(child.stderr).text()}`,
  )
}

describe('end-to-end: bun run start', () => {
  test('starts on PGlite, prints Swagger and the token command, refuses a second process, stops on SIGTERM', async () => {
    const server = start({ PGLITE_DATA_DIR: dataDir })
    const swagger = await swaggerUrl(server)
    const base = swagger.replace(/\/swagger$/, '')
    const send = await contractFetch(base)

    expect((await fetch(swagger)).status).toBe(200)
    const pools = await send('/api/v1/pools')
    expect(pools.status).toBe(200)
    expect(((await pools.json()) as { pools: unknown[] }).pools).toHaveLength(3)

    // PGlite has no lock of its own: a second writer would corrupt the files.
    const second = start({ PGLITE_DATA_DIR: dataDir })
    expect(await second.exited).toBe(1)
    const complaint = await new Response(second.stderr).text()
    expect(complaint).toMatch(
      /already open in process \d+; two processes writing one PGlite directory would corrupt it/,
    )
    expect(complaint).not.toMatch(/\n\s+at /)

    server.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  }, 60_000)

  test('on SIGTERM fails readiness first, keeps serving through the readiness delay, then exits 0', async () => {
    const server = start({ PGLITE_DATA_DIR: 'memory://', SHUTDOWN_READINESS_DELAY_MS: '3000' })
    const send = await contractFetch((await swaggerUrl(server)).replace(/\/swagger$/, ''))
    expect((await send('/health/ready')).status).toBe(200)

    const signalled = performance.now()
    server.kill('SIGTERM')
    let ready = 200
    while (ready !== 503 && performance.now() - signalled < 1_000) {
      ready = (await send('/health/ready')).status
    }
    // Load balancers see readiness fail while the process still answers everything else.
    expect(ready).toBe(503)
    expect((await send('/health/live')).status).toBe(200)
    expect((await send('/api/v1/pools')).status).toBe(200)
    expect(await server.exited).toBe(0)
    // It stayed up for the readiness delay before it stopped listening.
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(2_900)
  }, 60_000)

  test('reports an invalid environment plainly and exits 1', async () => {
    const child = start({ PORT: 'eighty', BODY_LIMIT_BYTES: '12' })
    expect(await child.exited).toBe(1)
    const stderr = await new Response(child.stderr).text()
    expect(stderr).toContain('PORT: expected')
    expect(stderr).toContain('BODY_LIMIT_BYTES: expected')
    expect(stderr).not.toMatch(/\n\s+at /)
  })
})

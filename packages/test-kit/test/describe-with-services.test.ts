import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, runProcess, servicesVerdict } from '../src/index.ts'

const FIXTURE = join(import.meta.dir, 'fixtures', 'needs-a-missing-service.fixture.ts')

/** Runs the fixture suite in a child `bun test` against a Redis port nothing listens on. */
async function runFixture(ci: boolean) {
  const home = mkdtempSync(join(tmpdir(), 'test-kit-'))
  // A port that was free a moment ago: nothing answers there.
  const port = await freePort()
  const { CI: _ci, ...env } = process.env
  const {
    code: exitCode,
    out: stdout,
    err: stderr,
  } = await runProcess([process.execPath, 'test', FIXTURE], {
    ...env,
    ...(ci ? { CI: 'true' } : {}),
    TEST_REDIS_URL: `redis://127.0.0.1:${port}`,
    TMPDIR: home,
  })
  let report = ''
  try {
    report = readFileSync(join(home, 'jackpot-tests-not-run.txt'), 'utf8')
  } catch {}
  rmSync(home, { recursive: true, force: true })
  return { exitCode, output: stdout + stderr, report }
}

describe('describeWithServices', () => {
  test('under CI=true a suite whose service is missing fails the run', async () => {
    const run = await runFixture(true)
    expect(run.exitCode).not.toBe(0)
    expect(run.output).toContain('fixture suite: its services are here (CI=true)')
    expect(run.output).toContain('missing: Redis at redis://127.0.0.1:')
    expect(run.output).not.toContain('would have run')
  })

  test('outside CI a suite whose service is missing is reported as not run, and the run passes', async () => {
    const run = await runFixture(false)
    expect(run.exitCode).toBe(0)
    expect(run.output).toContain('[not run] fixture suite: missing Redis at')
    expect(run.report).toContain('fixture suite: missing Redis at')
  })

  test('a suite runs when all it needs is here, and lists only what is missing otherwise', async () => {
    const here = { what: 'here', available: () => true }
    const gone = { what: 'gone', available: async () => false }
    expect(await servicesVerdict([here], { servicesRequired: true })).toEqual({ run: true })
    expect(await servicesVerdict([here, gone], { servicesRequired: false })).toEqual({
      run: false,
      required: false,
      missing: ['gone'],
    })
  })
})

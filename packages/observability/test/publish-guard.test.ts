import { describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { unresolvedSpecifiers } from '../scripts/unresolved-specifiers.ts'

const PACKAGE_DIR = join(import.meta.dir, '..')

describe('publish guard', () => {
  test('names every catalog: and workspace: specifier of a manifest', () => {
    expect(
      unresolvedSpecifiers({
        dependencies: { pino: 'catalog:', '@opentelemetry/core': '^3.1.1' },
        peerDependencies: { elysia: '^1.4.0' },
        devDependencies: { '@jackpot/config': 'workspace:*', typescript: 'catalog:tools' },
      }),
    ).toEqual([
      'dependencies pino@catalog:',
      'devDependencies @jackpot/config@workspace:*',
      'devDependencies typescript@catalog:tools',
    ])
  })

  test('passes a manifest whose versions are all resolved', () => {
    expect(unresolvedSpecifiers({ dependencies: { pino: '^10.4.0' }, peerDependencies: {} })).toEqual([])
  })

  test('npm publish in the package folder is refused before anything is packed or uploaded', () => {
    const result = spawnSync('npm', ['publish', '--dry-run'], {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status).not.toBe(0)
    expect(`${result.stdout}${result.stderr}`).toContain('refusing to publish package.json')
    expect(`${result.stdout}${result.stderr}`).toContain('dependencies pino@catalog:')
  }, 60_000)
})

/**
 * Publishes @jackpot/observability the one way that ships resolved versions:
 * `bun pm pack` (runs `prepack`, replaces `catalog:` specifiers by the catalog's
 * ranges), checks the packed manifest, then `npm publish <tarball>` (which runs no
 * lifecycle script, so the source folder's `prepublishOnly` guard does not object).
 * Run after `bunx changeset version` has bumped the version and written the CHANGELOG.
 *
 *   bun run release              # publish
 *   bun run release --dry-run    # everything but the upload
 *
 * Extra arguments go to `npm publish` (e.g. `--tag next`, `--otp 123456`).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unresolvedSpecifiers } from './unresolved-specifiers.ts'

const root = join(import.meta.dir, '..')
const out = await mkdtemp(join(tmpdir(), 'jackpot-observability-release-'))
try {
  const pack = Bun.spawnSync(['bun', 'pm', 'pack', '--destination', out, '--quiet'], {
    cwd: root,
    stderr: 'inherit',
  })
  if (pack.exitCode !== 0) process.exit(pack.exitCode ?? 1)
  const tarball = pack.stdout.toString().trim().split('\n').at(-1) as string
  const manifest = Bun.spawnSync(['tar', '-xzOf', tarball, 'package/package.json'])
  const found = unresolvedSpecifiers(JSON.parse(manifest.stdout.toString()) as Record<string, unknown>)
  if (found.length > 0) {
    console.error(`the packed manifest still has workspace-only specifiers:\n  ${found.join('\n  ')}`)
    process.exit(1)
  }
  const publish = Bun.spawnSync(['npm', 'publish', tarball, ...process.argv.slice(2)], {
    cwd: root,
    stdout: 'inherit',
    stderr: 'inherit',
  })
  process.exitCode = publish.exitCode ?? 1
} finally {
  await rm(out, { recursive: true, force: true })
}

/**
 * `prepublishOnly` guard: refuses to publish a manifest with `catalog:` or
 * `workspace:` specifiers, which is what `npm publish` (or `changeset publish`) run
 * in this folder would upload. Publish the packed tarball instead:
 * `bun run release` (scripts/publish.ts).
 *
 *   bun run scripts/check-publishable.ts [path/to/package.json]
 */
import { unresolvedSpecifiers } from './unresolved-specifiers.ts'

const path = process.argv[2] ?? 'package.json'
const found = unresolvedSpecifiers((await Bun.file(path).json()) as Record<string, unknown>)
if (found.length > 0) {
  console.error(
    `refusing to publish ${path}: these specifiers only resolve inside the workspace\n` +
      found.map((entry) => `  ${entry}`).join('\n') +
      '\npublish the packed tarball instead: bun run release (in packages/observability)',
  )
  process.exit(1)
}

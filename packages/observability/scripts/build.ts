/**
 * Builds the publishable package into dist/: one ESM bundle per entry point for
 * Node ≥ 20 and Bun (dependencies stay external), with code shared by both entries
 * split into a chunk so `.` and `./elysia` share one module instance (one request
 * context), then the declarations with tsc.
 *
 * Run with `bun run build` from packages/observability.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const root = join(import.meta.dir, '..')
const dist = join(root, 'dist')
await rm(dist, { recursive: true, force: true })

const result = await Bun.build({
  entrypoints: [
    join(root, 'src/index.ts'),
    join(root, 'src/elysia/index.ts'),
    join(root, 'src/testing/index.ts'),
  ],
  root: join(root, 'src'),
  outdir: dist,
  target: 'node',
  format: 'esm',
  splitting: true,
  packages: 'external',
  sourcemap: 'linked',
  naming: { chunk: 'shared/[name]-[hash].[ext]' },
})
if (!result.success) {
  for (const message of result.logs) console.error(message)
  process.exit(1)
}

const tsc = Bun.spawnSync(['bunx', 'tsc', '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdout: 'inherit',
  stderr: 'inherit',
})
if (tsc.exitCode !== 0) process.exit(tsc.exitCode ?? 1)

// tsc keeps the source's `./x.ts` specifiers in declarations; published .d.ts files
// must point at the emitted names, as the JavaScript does.
const specifier = /((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g
for (const file of await readdir(dist, { recursive: true })) {
  if (!file.endsWith('.d.ts')) continue
  const path = join(dist, file)
  const text = await readFile(path, 'utf8')
  const rewritten = text.replace(specifier, '$1.js$2')
  if (rewritten !== text) await writeFile(path, rewritten)
}

console.log(`built ${result.outputs.length} files and declarations into dist/`)

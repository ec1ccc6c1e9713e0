/**
 * Builds the publishable package into dist/: one ESM bundle per entry point of the
 * `exports` map, for Node and Bun (dependencies stay external), with code shared by
 * several entries split into chunks so every subpath shares one module instance
 * (one request context, one breaker registry), then the declarations with tsc.
 *
 * Run with `bun run build` from packages/observability.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const root = join(import.meta.dir, '..')
const dist = join(root, 'dist')
await rm(dist, { recursive: true, force: true })

// `./x` → src/x/index.ts, `.` → src/index.ts: the exports map is the one list of entry points.
const manifest = (await Bun.file(join(root, 'package.json')).json()) as { exports: Record<string, unknown> }
const entrypoints = Object.keys(manifest.exports)
  .filter((subpath) => subpath !== './package.json')
  .map((subpath) => join(root, 'src', subpath, 'index.ts'))

const result = await Bun.build({
  entrypoints,
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

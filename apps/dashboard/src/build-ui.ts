import { join } from 'node:path'

/** One file the dashboard serves, ready in both encodings. */
export interface UiAsset {
  path: string
  contentType: string
  body: Uint8Array<ArrayBuffer>
  gzip: Uint8Array<ArrayBuffer>
}

/** The bundled single-page app: `index.html` plus its hashed script and stylesheet. */
export interface UiBundle {
  assets: Map<string, UiAsset>
  /** Script bytes, raw and gzipped: the first-load JavaScript (recorded in bench/RESULTS.md). */
  scriptBytes: { raw: number; gzip: number }
}

const UI_DIR = join(import.meta.dir, 'ui')

/**
 * Bundles the UI with Bun's bundler (minified, for browsers) into memory,
 * every asset included, so the dashboard needs no network and no CDN.
 *
 * @example
 * const ui = await buildUi()
 * ui.assets.get('/')?.contentType // 'text/html; charset=utf-8'
 */
export async function buildUi(): Promise<UiBundle> {
  const result = await Bun.build({
    entrypoints: [join(UI_DIR, 'main.tsx')],
    target: 'browser',
    minify: true,
    naming: '[name]-[hash].[ext]',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  if (!result.success) {
    throw new AggregateError(result.logs, `dashboard UI build failed: ${result.logs.join('\n')}`)
  }
  const assets = new Map<string, UiAsset>()
  const add = (path: string, contentType: string, body: Uint8Array<ArrayBuffer>) =>
    assets.set(path, { path, contentType, body, gzip: Bun.gzipSync(body) })
  const tags: string[] = []
  let scriptBytes = { raw: 0, gzip: 0 }
  for (const output of result.outputs) {
    const name = output.path.split('/').at(-1)!
    const path = `/assets/${name}`
    const body = new Uint8Array(await output.arrayBuffer())
    if (name.endsWith('.js')) {
      add(path, 'text/javascript; charset=utf-8', body)
      tags.push(`<script type="module" src="${path}"></script>`)
      scriptBytes = { raw: body.byteLength, gzip: assets.get(path)!.gzip.byteLength }
    } else if (name.endsWith('.css')) {
      add(path, 'text/css; charset=utf-8', body)
      tags.unshift(`<link rel="stylesheet" href="${path}">`)
    }
  }
  const template = await Bun.file(join(UI_DIR, 'index.html')).text()
  const html = template.replace('<!-- assets -->', tags.join('\n    '))
  add('/', 'text/html; charset=utf-8', new TextEncoder().encode(html))
  return { assets, scriptBytes }
}

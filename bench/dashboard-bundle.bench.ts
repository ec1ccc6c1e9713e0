/**
 * The dashboard's first load: the JavaScript and CSS `apps/dashboard` serves
 * (bundled by Bun.build, minified), raw and gzipped, against the issue's
 * budget of 150 KB of gzipped JavaScript. Sizes, not times: the machine does
 * not matter.
 *
 *   bun run bench/dashboard-bundle.bench.ts
 */
import { buildUi } from '../apps/dashboard/src/build-ui.ts'

const BUDGET_GZIP_BYTES = 150 * 1024
const ui = await buildUi()
const rows = [...ui.assets.values()].map((asset) => ({
  path: asset.path,
  type: asset.contentType.split(';')[0],
  raw: asset.body.byteLength,
  gzip: asset.gzip.byteLength,
}))
console.table(rows)
const js = ui.scriptBytes
console.log(
  `first-load JavaScript: ${(js.raw / 1024).toFixed(1)} KiB raw, ${(js.gzip / 1024).toFixed(1)} KiB gzipped ` +
    `= ${((js.gzip / BUDGET_GZIP_BYTES) * 100).toFixed(0)} % of the 150 KiB budget (${js.gzip <= BUDGET_GZIP_BYTES ? 'met' : 'NOT met'})`,
)

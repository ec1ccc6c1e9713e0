import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Elysia, t } from 'elysia'
import { HttpProblem, problem } from '../http/problem.ts'

/** The swagger-ui-dist files the page needs; nothing else in that folder is served. */
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

/** Where swagger-ui-dist is installed, found through module resolution rather than a guessed path. */
export const SWAGGER_UI_DIR = dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')))

/**
 * Serves Swagger UI's JavaScript and CSS from the installed `swagger-ui-dist`,
 * so the docs page renders with no internet access at all.
 *
 * @example
 * new Elysia().use(swaggerAssets('/swagger/assets'))
 */
export function swaggerAssets(prefix: string) {
  return new Elysia().get(
    `${prefix}/:file`,
    ({ params, set }) => {
      const type = ASSETS[params.file]
      if (!type) throw new HttpProblem(problem('not-found', { detail: `No asset '${params.file}'.` }))
      set.headers['content-type'] = type
      // The files change only with the swagger-ui-dist version; a day is a safe reuse window.
      set.headers['cache-control'] = 'public, max-age=86400'
      return Bun.file(join(SWAGGER_UI_DIR, params.file))
    },
    { params: t.Object({ file: t.String() }), detail: { hide: true } },
  )
}

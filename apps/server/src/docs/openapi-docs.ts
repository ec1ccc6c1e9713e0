import { openapi } from '@elysiajs/openapi'
import { completeContract } from './complete-contract.ts'
import type { JsonObject } from './hoist-named-schemas.ts'
import { swaggerAssets } from './swagger-assets.ts'

export interface OpenApiDocsOptions {
  /** Shown in the spec's info. Defaults to '0.1.0'. */
  version?: string
}

export const DOCS_PATH = '/swagger'
export const SPEC_PATH = `${DOCS_PATH}/json`
const ASSETS_PATH = `${DOCS_PATH}/assets`

/**
 * The OpenAPI spec at `/swagger/json` and Swagger UI at `/swagger`, with the
 * UI's assets served from this server (the plugin's default is a CDN). The
 * plugin's generated document is completed by `completeContract` (named
 * schemas, problem+json errors, every status and header) before it is served.
 *
 * @example
 * new Elysia().use(openApiDocs()).get('/hello', () => 'hi')
 */
export function openApiDocs(options: OpenApiDocsOptions = {}) {
  // The plugin caches its document until routes change, and returns that same object:
  // complete each generated document once.
  const completed = new WeakMap<object, JsonObject>()
  const complete = (generated: JsonObject) => {
    let published = completed.get(generated)
    if (published === undefined) {
      published = completeContract(generated)
      completed.set(generated, published)
    }
    return published
  }
  return swaggerAssets(ASSETS_PATH)
    .onAfterHandle(({ path, response }) => {
      // A local hook: it sees the routes of this plugin and the openapi plugin used below.
      if (path === SPEC_PATH && response !== null && typeof response === 'object' && 'paths' in response) {
        return complete(response as JsonObject)
      }
    })
    .use(
      openapi({
        path: DOCS_PATH,
        specPath: SPEC_PATH,
        provider: 'swagger-ui',
        swagger: {
          cdn: `${ASSETS_PATH}/swagger-ui-bundle.js`,
          theme: `${ASSETS_PATH}/swagger-ui.css`,
          autoDarkMode: false,
          persistAuthorization: true,
          displayRequestDuration: true,
        },
        documentation: {
          info: {
            title: 'Jackpot API',
            version: options.version ?? '0.1.0',
            description:
              'Progressive jackpot pools. Money is always integer cents. Errors are RFC 9457 ' +
              'application/problem+json with a stable `type`. Game servers authenticate with ' +
              '`X-API-Key`; people with a bearer JWT (`bun run cli token --role admin --sub you`).',
          },
          tags: [
            { name: 'pools', description: 'Public pool reads' },
            { name: 'game', description: 'Contributions and wins from game servers' },
            { name: 'ledger', description: 'The append-only ledger' },
            { name: 'stats', description: 'Business figures' },
            { name: 'config', description: 'Audited pool configuration' },
            { name: 'api-keys', description: 'Game-server API keys' },
            {
              name: 'operations',
              description: 'Prometheus metrics and health probes (application/health+json)',
            },
          ],
          components: {
            securitySchemes: {
              bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
              apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
            },
          },
        },
      }),
    )
}

/**
 * `bun run api:types [url]`: writes examples/jackpot-api.d.ts from the OpenAPI
 * document at `url` (e.g. http://localhost:3000/swagger/json), or, without
 * one, from a server built in this process on an in-memory database.
 */
import { loadConfig } from '@jackpot/config'
import { createLogger } from '@jackpot/observability'
import { buildServer } from '../apps/server/src/build-server.ts'
import { API_TYPES_FILE, renderApiTypes } from '../examples/render-api-types.ts'

async function servedDocument(url: string | undefined): Promise<object> {
  if (url !== undefined) return (await (await fetch(url)).json()) as object
  const config = loadConfig({ NODE_ENV: 'test' })
  const server = await buildServer(config, {
    logger: createLogger({ level: 'silent' }),
    database: { pgliteDataDir: 'memory://' },
    observability: { globalMetrics: false },
  })
  try {
    return (await (await server.app.handle(new Request('http://localhost/swagger/json'))).json()) as object
  } finally {
    await server.close()
  }
}

await Bun.write(API_TYPES_FILE, await renderApiTypes(await servedDocument(process.argv[2])))
console.log(`wrote ${API_TYPES_FILE}`)
process.exit(0)

import type { Tracer } from '@opentelemetry/api'
import { type AnyElysia, Elysia } from 'elysia'
import type { Logger } from '../../src/logger/index.ts'

/** A listening app and where to reach it. */
export interface TracedShop {
  base: string
  stop(): Promise<unknown>
}

/**
 * The app the tracing end-to-end suites drive, over a real socket (where each request
 * starts from the server's own async context): `GET /items/:id` runs one child span,
 * `SELECT items`, as an instrumented database client would, then logs `item loaded`;
 * `GET /boom` throws a `TypeError('kaboom')`. `plugins` installs the tracing under test.
 */
export function listenTracedShop(
  tracer: Tracer,
  logger: Logger,
  plugins: (app: Elysia) => AnyElysia,
): TracedShop {
  const app = plugins(new Elysia())
    .get('/items/:id', async ({ params }) => {
      const row = await tracer.startActiveSpan('SELECT items', async (span) => {
        await Bun.sleep(2)
        span.end()
        return { id: params.id }
      })
      logger.info({ item: row.id }, 'item loaded')
      return row
    })
    .get('/boom', () => {
      throw new TypeError('kaboom')
    })
    .listen({ port: 0, hostname: '127.0.0.1' })
  return { base: `http://127.0.0.1:${app.server?.port}`, stop: () => app.stop() }
}

import type { Tracer } from '@opentelemetry/api'
import { Elysia } from 'elysia'
import { observability, requestTracing } from '../../src/elysia/index.ts'
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
 * `GET /boom` throws a `TypeError('kaboom')`. Traced as an application is:
 * `observability()`, then `requestTracing()`.
 */
export function listenTracedShop(tracer: Tracer, logger: Logger): TracedShop {
  const app = new Elysia()
    .use(observability({ logger, metrics: false, health: false }))
    .use(requestTracing({ tracer }))
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

import { afterAll, describe, expect, test } from 'bun:test'
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace'
import { Elysia } from 'elysia'
import { logCapture } from '../../test/support/log-capture.ts'
import { createLogger } from '../logger/index.ts'
import { createTracing } from '../tracing/index.ts'
import { requestTracing } from '../tracing/request-tracing.ts'
import { observability } from './observability-plugin.ts'

describe('server spans of requestTracing', () => {
  const exporter = new InMemorySpanExporter()
  const tracing = createTracing({ service: 'shop', exporter })
  afterAll(() => tracing.shutdown())
  const logger = createLogger({ destination: logCapture() })
  const app = (traced: boolean) => {
    const observed = new Elysia().use(observability({ logger, metrics: false, health: false }))
    return (traced ? observed.use(requestTracing({ tracer: tracing.tracer })) : observed)
      .get('/items/:id', ({ params }) => params.id)
      .post('/items', () => 'created')
  }

  test('are off without requestTracing: the observability plugin starts no span, even with tracing registered globally', async () => {
    exporter.reset()
    const response = await app(false).handle(new Request('http://localhost/items/1'))
    expect(response.status).toBe(200)
    await tracing.forceFlush()
    expect(exporter.getFinishedSpans()).toEqual([])
  })

  test('are named after the method alone when no route matched, and carry the status', async () => {
    exporter.reset()
    const traced = app(true)
    await traced.handle(new Request('http://localhost/nowhere?q=1'))
    await traced.handle(new Request('http://localhost/items', { method: 'POST' }))
    await tracing.forceFlush()
    const spans = exporter.getFinishedSpans()
    expect(spans.map((span) => span.name)).toEqual(['GET', 'POST /items'])
    expect(spans[0]?.attributes).toMatchObject({ 'url.path': '/nowhere', 'http.response.status_code': 404 })
    expect(spans[0]?.attributes['http.route']).toBeUndefined()
    expect(spans[1]?.attributes).toMatchObject({ 'http.route': '/items', 'http.response.status_code': 200 })
  })
})

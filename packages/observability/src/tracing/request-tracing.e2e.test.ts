import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace'
import { logCapture } from '../../test/support/log-capture.ts'
import { listenTracedShop, type TracedShop } from '../../test/support/traced-shop.ts'
import { createLogger } from '../logger/index.ts'
import { createTracing, type Tracing } from './index.ts'

const TRACE_ID = '5bf92f3577b34da6a3ce929d0e0e4737'
const CALLER_SPAN_ID = '10f067aa0ba902b8'

// Over a real socket, where each request starts from the server's own async context.
describe('requestTracing: a server span per request, beside the observability plugin', () => {
  const exporter = new InMemorySpanExporter()
  const out = logCapture()
  let tracing: Tracing
  let shop: TracedShop

  beforeAll(() => {
    tracing = createTracing({ service: 'shop', exporter })
    const logger = createLogger({ service: 'shop', destination: out })
    shop = listenTracedShop(tracing.tracer, logger)
  })

  afterAll(async () => {
    await shop.stop()
    await tracing.shutdown()
  })

  const finished = async () => {
    await tracing.forceFlush()
    return exporter.getFinishedSpans()
  }

  test('continues the caller’s traceparent, names the span after the route, answers the traceparent and tags the request id', async () => {
    const response = await fetch(`${shop.base}/items/7`, {
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, 'x-request-id': 'req-rt-1' },
    })
    expect(await response.json()).toEqual({ id: '7' })

    const spans = (await finished()).filter((span) => span.spanContext().traceId === TRACE_ID)
    const server = spans.find((span) => span.kind === SpanKind.SERVER)
    const query = spans.find((span) => span.name === 'SELECT items')
    expect(server?.name).toBe('GET /items/:id')
    expect(server?.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID)
    expect(server?.attributes).toMatchObject({
      'http.route': '/items/:id',
      'http.response.status_code': 200,
      'request.id': 'req-rt-1',
    })
    expect(query?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId)
    expect(response.headers.get('traceparent')).toBe(`00-${TRACE_ID}-${server?.spanContext().spanId}-01`)

    // Registered after observability(), the span is active for every line, the access line included.
    const lines = out.lines().filter((line) => line.requestId === 'req-rt-1')
    expect(lines.map((line) => line.msg)).toEqual(['item loaded', 'request completed'])
    for (const line of lines) expect(line.trace_id).toBe(TRACE_ID)
  })

  test('a 5xx marks the span as an error with the exception, in a trace of its own', async () => {
    const response = await fetch(`${shop.base}/boom`, { headers: { 'x-request-id': 'req-rt-2' } })
    expect(response.status).toBe(500)
    const traceId = response.headers.get('traceparent')?.split('-')[1]
    const span = (await finished()).find((entry) => entry.spanContext().traceId === traceId)
    expect(span?.name).toBe('GET /boom')
    expect(span?.parentSpanContext).toBeUndefined()
    expect(span?.status.code).toBe(SpanStatusCode.ERROR)
    expect(span?.attributes['error.type']).toBe('TypeError')
    expect(span?.attributes['request.id']).toBe('req-rt-2')
  })
})

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SpanKind } from '@opentelemetry/api'
import { logCapture } from '../../test/support/log-capture.ts'
import { listenTracedShop, type TracedShop } from '../../test/support/traced-shop.ts'
import { createLogger } from '../logger/index.ts'
import { type OtlpCollector, type OtlpSpan, otlpCollector, spanAttribute } from '../testing/otlp-collector.ts'
import { createTracing, type Tracing } from './index.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN_ID = '00f067aa0ba902b7'

// End to end: the exporter posts OTLP/HTTP to an in-process collector, and the app
// serves a real socket, where each request starts from the server's own async context.
describe('tracing end to end: traceparent in, OTLP/HTTP out', () => {
  const out = logCapture()
  let collector: OtlpCollector
  let tracing: Tracing
  let shop: TracedShop

  beforeAll(async () => {
    collector = await otlpCollector()
    tracing = createTracing({ service: 'shop', version: '1.0.0', url: collector.url })
    shop = listenTracedShop(tracing.tracer, createLogger({ service: 'shop', destination: out }))
  })

  afterAll(async () => {
    await shop.stop()
    await tracing.shutdown()
    await collector.stop()
  })

  const spansOfTrace = async (traceId: string, count: number): Promise<OtlpSpan[]> => {
    await tracing.forceFlush()
    const ofTrace = collector.spans().filter((span) => span.traceId === traceId)
    if (ofTrace.length < count)
      throw new Error(`expected ${count} spans of ${traceId}, got ${ofTrace.length}`)
    return ofTrace
  }

  test('a request with a traceparent gives a server span and its child spans in the caller’s trace, and its log lines carry the trace id', async () => {
    const response = await fetch(`${shop.base}/items/42`, {
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, 'x-request-id': 'req-traced-1' },
    })
    expect(await response.json()).toEqual({ id: '42' })

    const spans = await spansOfTrace(TRACE_ID, 2)
    expect(collector.contentTypes[0]).toContain('application/json')
    const server = spans.find((span) => span.kind === SpanKind.SERVER + 1) // OTLP kinds count from UNSPECIFIED = 0
    const query = spans.find((span) => span.name === 'SELECT items')
    expect(server).toMatchObject({ name: 'GET /items/:id', parentSpanId: CALLER_SPAN_ID })
    expect(spanAttribute(server, 'http.route')).toBe('/items/:id')
    expect(spanAttribute(server, 'http.request.method')).toBe('GET')
    expect(Number(spanAttribute(server, 'http.response.status_code'))).toBe(200)
    expect(query?.parentSpanId).toBe(server?.spanId)
    const resource = collector.exports[0]?.resourceSpans[0]?.resource.attributes ?? []
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'shop' } })

    const lines = out.lines().filter((line) => line.requestId === 'req-traced-1')
    expect(lines.map((line) => line.msg)).toEqual(['item loaded', 'request completed'])
    for (const line of lines) expect(line.trace_id).toBe(TRACE_ID)
    expect(lines[0]?.span_id).toBe(server?.spanId)
  })

  test('a request without a traceparent starts a trace of its own; a 5xx marks its span as an error', async () => {
    const response = await fetch(`${shop.base}/boom`, { headers: { 'x-request-id': 'req-traced-2' } })
    expect(response.status).toBe(500)
    const line = out.lines().find((entry) => entry.requestId === 'req-traced-2')
    expect(line).toMatchObject({ level: 'error', msg: 'request failed' })
    const traceId = String(line?.trace_id)
    expect(traceId).toMatch(/^[0-9a-f]{32}$/)
    const [span] = await spansOfTrace(traceId, 1)
    expect(span).toMatchObject({ name: 'GET /boom' })
    expect(span?.parentSpanId ?? '').toBe('')
    expect(spanAttribute(span, 'error.type')).toBe('TypeError')
  })
})

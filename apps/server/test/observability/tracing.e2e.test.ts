import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { loadConfig } from '@jackpot/config'
import { CircuitBreakerRegistry } from '@jackpot/observability'
import {
  type OtlpCollector,
  type OtlpSpan,
  otlpCollector,
  spanAttribute,
} from '@jackpot/observability/testing'
import { signJwt } from '../../src/auth/jwt.ts'
import { buildServer, type Server } from '../../src/build-server.ts'
import { createServerLogger } from '../../src/logger.ts'
import { captureLogs } from '../support/observed-server.ts'

// OTLP counts span kinds from UNSPECIFIED = 0: INTERNAL 1, SERVER 2, CLIENT 3.
const OTLP_SERVER = 2
const OTLP_CLIENT = 3

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const CALLER_SPAN_ID = 'b7ad6b7169203331'
const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`

// The whole server as main.ts builds it with TRACING_ENABLED=true, on a real socket,
// exporting over OTLP/HTTP to a collector in this process.
describe('end-to-end tracing of the server: traceparent in, OTLP/HTTP out', () => {
  let collector: OtlpCollector
  const logs = captureLogs()
  let server: Server
  let base = ''
  let stop: () => Promise<unknown> = async () => undefined
  let adminToken = ''
  let gameKey = ''

  beforeAll(async () => {
    collector = await otlpCollector()
    const config = loadConfig({
      NODE_ENV: 'test',
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'debug',
      TRACING_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    })
    server = await buildServer(config, {
      logger: createServerLogger(config, { destination: logs.destination }),
      observability: { globalMetrics: false, breakerRegistry: new CircuitBreakerRegistry() },
      database: { pgliteDataDir: 'memory://', poolSize: 4 },
    })
    const app = server.app.listen({ port: 0, hostname: '127.0.0.1' })
    stop = () => app.stop(true)
    base = `http://127.0.0.1:${app.server?.port}`
    adminToken = signJwt(
      { sub: 'admin-user', role: 'admin' },
      { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, ttlSeconds: 3600 },
    )
    gameKey = (await server.store.createApiKey({ name: 'traced-game', createdBy: 'test' })).key
  }, 60_000)

  afterAll(async () => {
    await stop()
    await server?.close()
    await collector?.stop()
  })

  const exported = async (match: (spans: OtlpSpan[]) => boolean): Promise<OtlpSpan[]> => {
    await server.parts.tracing?.forceFlush()
    const spans = collector.spans()
    if (!match(spans))
      throw new Error(
        `the collector did not get the expected spans: ${JSON.stringify(spans.map((s) => s.name))}`,
      )
    return spans
  }

  test('a request with a traceparent gives a server span and database child spans in the caller’s trace, and its log lines carry the trace id', async () => {
    const response = await fetch(`${base}/api/v1/api-keys`, {
      headers: {
        authorization: `Bearer ${adminToken}`,
        traceparent: traceparent(TRACE_ID, CALLER_SPAN_ID),
        'x-request-id': 'req-trace-e2e-1',
      },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('traceparent')).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`))

    const spans = (
      await exported((all) => all.some((span) => span.traceId === TRACE_ID && span.kind === OTLP_CLIENT))
    ).filter((span) => span.traceId === TRACE_ID)
    const serverSpan = spans.find((span) => span.kind === OTLP_SERVER)
    expect(serverSpan).toMatchObject({ name: 'GET /api/v1/api-keys', parentSpanId: CALLER_SPAN_ID })
    expect(spanAttribute(serverSpan, 'request.id')).toBe('req-trace-e2e-1')
    expect(Number(spanAttribute(serverSpan, 'http.response.status_code'))).toBe(200)
    expect(response.headers.get('traceparent')).toBe(traceparent(TRACE_ID, serverSpan?.spanId ?? ''))

    const databaseSpans = spans.filter((span) => span.kind === OTLP_CLIENT)
    expect(databaseSpans.map((span) => span.name)).toContain('api_keys.list')
    for (const span of databaseSpans) {
      expect(span.parentSpanId).toBe(serverSpan?.spanId)
      expect(spanAttribute(span, 'db.system.name')).toBe('postgresql')
    }

    const lines = logs.lines.filter((line) => line.requestId === 'req-trace-e2e-1')
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.map((line) => line.msg)).toContain('request completed')
    for (const line of lines) expect(line.trace_id).toBe(TRACE_ID)
  })

  test('a contribution batch is one span of its own, linked to every request it carried, with its database call as a child', async () => {
    const callers = ['1111111111111111', '2222222222222222', '3333333333333333'].map((span, index) => ({
      traceId: `${String(index + 1).repeat(2)}${TRACE_ID.slice(2)}`,
      span,
    }))
    // Sent together so they can share a batch; whichever batches they land in, each is linked.
    const responses = await Promise.all(
      callers.map(({ traceId, span }) =>
        fetch(`${base}/api/v1/contributions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': gameKey,
            'idempotency-key': crypto.randomUUID(),
            traceparent: traceparent(traceId, span),
          },
          body: JSON.stringify({ gameId: 'slots-1', wagerCents: 10_000, currency: 'EUR' }),
        }),
      ),
    )
    for (const response of responses) expect(response.status).toBe(201)

    const requestSpans = new Map<string, OtlpSpan>()
    const spans = await exported((all) => {
      for (const { traceId } of callers) {
        const found = all.find((span) => span.traceId === traceId && span.kind === OTLP_SERVER)
        if (found === undefined) return false
        requestSpans.set(traceId, found)
      }
      return all.some((span) => span.name === 'write batch')
    })
    const batches = spans.filter((span) => span.name === 'write batch')
    const linked = batches.flatMap((batch) => batch.links ?? [])
    for (const { traceId } of callers) {
      const requestSpan = requestSpans.get(traceId)
      expect(linked).toContainEqual(expect.objectContaining({ traceId, spanId: requestSpan?.spanId }))
    }
    for (const batch of batches) {
      expect(batch.parentSpanId ?? '').toBe('')
      expect(callers.map((caller) => caller.traceId)).not.toContain(batch.traceId)
      const write = spans.find((span) => span.parentSpanId === batch.spanId)
      expect(write).toMatchObject({ name: 'contribution.write', kind: OTLP_CLIENT, traceId: batch.traceId })
    }
  })
})

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A span as OTLP/JSON carries it: the parts tests read. */
export interface OtlpSpan {
  traceId: string
  spanId: string
  /** Empty or absent for a root span. */
  parentSpanId?: string
  name: string
  /** OTLP counts kinds from UNSPECIFIED = 0: INTERNAL 1, SERVER 2, CLIENT 3 (the API's `SpanKind` + 1). */
  kind: number
  attributes: Array<{ key: string; value: Record<string, unknown> }>
  links?: Array<{ traceId: string; spanId: string }>
}

/** One OTLP/JSON trace export request. */
export interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: OtlpSpan['attributes'] }
    scopeSpans: Array<{ spans: OtlpSpan[] }>
  }>
}

/** An in-process OTLP/HTTP trace endpoint that keeps what it receives. */
export interface OtlpCollector {
  /** `http://127.0.0.1:<port>`: the base an exporter's `OTEL_EXPORTER_OTLP_ENDPOINT` points at. */
  readonly endpoint: string
  /** `<endpoint>/v1/traces`: the full URL `createTracing({ url })` takes. */
  readonly url: string
  /** Every export request received, in order. */
  readonly exports: readonly OtlpExport[]
  /** The `content-type` of each export request, in order. */
  readonly contentTypes: readonly string[]
  /** Every span of every export, in order. */
  spans(): OtlpSpan[]
  stop(): Promise<void>
}

/**
 * Starts an OTLP/HTTP collector on a free local port that accepts JSON trace exports
 * (`POST /v1/traces`, what `createTracing()` sends) and keeps them, for end-to-end
 * tests that check what an application really exported over the network.
 *
 * @example
 * const collector = await otlpCollector()
 * const tracing = createTracing({ service: 'shop', url: collector.url })
 * // … serve a request …
 * await tracing.forceFlush()
 * const server = collector.spans().find((span) => span.kind === 2)
 * await collector.stop()
 */
export async function otlpCollector(): Promise<OtlpCollector> {
  const exports: OtlpExport[] = []
  const contentTypes: string[] = []
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/traces') {
      response.writeHead(404).end('not found')
      return
    }
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      contentTypes.push(request.headers['content-type'] ?? '')
      exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport)
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    endpoint,
    url: `${endpoint}/v1/traces`,
    exports,
    contentTypes,
    spans: () =>
      exports.flatMap((batch) =>
        batch.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
      ),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/**
 * The value of a span attribute, whatever its OTLP type (`stringValue`, `intValue`…);
 * undefined when the span lacks it.
 *
 * @example
 * spanAttribute(span, 'http.route') // '/items/:id'
 */
export function spanAttribute(span: OtlpSpan | undefined, key: string): unknown {
  const value = span?.attributes.find((entry) => entry.key === key)?.value
  return value === undefined ? undefined : Object.values(value)[0]
}

import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { pathOf } from './path-of.ts'
import { errorOf, routeOf } from './request-facts.ts'

type Handle = (request: Request) => unknown

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
}

/**
 * Puts a server span around Elysia's request handling (`handle`, as `wrap` gives it): the span
 * continues the trace of an incoming W3C `traceparent` (through the global
 * propagator, which `createTracing` registers), is the active span while Elysia
 * and the handler run — and while the access line is written, so it carries
 * `trace_id` — and ends when the response is ready, named `GET /items/:id` after
 * the route template (the method alone when no route matched, per the HTTP
 * semantic conventions), with the status and, for a 5xx, the error.
 */
export function serverSpans(tracer: Tracer): (handle: Handle) => Handle {
  return (handle) => (request) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter)
    const { method } = request
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': pathOf(request.url),
          'url.scheme': request.url.startsWith('https:') ? 'https' : 'http',
        },
      },
      parent,
    )
    let result: unknown
    try {
      result = context.with(trace.setSpan(parent, span), handle, undefined, request)
    } catch (error) {
      end(span, method, request, undefined, error)
      throw error
    }
    if (!(result instanceof Promise)) {
      end(span, method, request, result)
      return result
    }
    return result.then(
      (response: unknown) => {
        end(span, method, request, response)
        return response
      },
      (error: unknown) => {
        end(span, method, request, undefined, error)
        throw error
      },
    )
  }
}

function end(span: Span, method: string, request: Request, response: unknown, thrown?: unknown): void {
  const status = response instanceof Response ? response.status : 500
  const route = routeOf(request)
  if (route !== undefined) {
    span.updateName(`${method} ${route}`)
    span.setAttribute('http.route', route)
  }
  span.setAttribute('http.response.status_code', status)
  if (status >= 500) {
    const error = thrown ?? errorOf(request)
    span.setAttribute('error.type', error instanceof Error ? error.constructor.name : String(status))
    if (error instanceof Error) span.recordException(error)
    span.setStatus({
      code: SpanStatusCode.ERROR,
      ...(error instanceof Error ? { message: error.message } : {}),
    })
  }
  span.end()
}

import { type Attributes, type Meter, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api'

/**
 * Bucket boundaries (seconds) of `db.client.operation.duration`: semconv's, plus 2 s
 * so the "database latency above 2 s" alert reads an exact bucket.
 */
export const DB_OPERATION_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10,
]

/** Options of {@link databaseInterceptor}. */
export interface DatabaseInterceptorOptions {
  /** `db.system.name`, e.g. `'postgresql'`. */
  system: 'postgresql' | (string & {})
  /** `db.namespace` (the database name). Defaults to none (attribute omitted). */
  namespace?: string
  /**
   * Also wraps each operation in a CLIENT span named after it, with the same
   * attributes: a child of the request's server span when the Elysia plugin traces
   * (see `@jackpot/observability/tracing`). Defaults to none: no spans.
   */
  tracer?: Tracer
}

/** Times one database operation; see {@link databaseInterceptor}. */
export type DatabaseInterceptor = <T>(operation: string, call: () => Promise<T>) => Promise<T>

/**
 * Wraps database calls to record `db.client.operation.duration` (seconds) with
 * `db.system.name`, `db.operation.name` and, when the call throws, `error.type`
 * (the driver's error `code`, else the error's name). The error is rethrown as is.
 * Keep `operation` low-cardinality (`'select pools'`, never the SQL text with values).
 *
 * @example
 * const timed = databaseInterceptor(metrics.meter, { system: 'postgresql' })
 * const pools = await timed('select pools', () => db.select().from(poolsTable))
 */
export function databaseInterceptor(meter: Meter, options: DatabaseInterceptorOptions): DatabaseInterceptor {
  const duration = meter.createHistogram('db.client.operation.duration', {
    description: 'Duration of database client operations.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DB_OPERATION_DURATION_BUCKETS] },
  })
  const base: Attributes = { 'db.system.name': options.system }
  if (options.namespace !== undefined) base['db.namespace'] = options.namespace

  const timed = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    let errorType: string | undefined
    try {
      return await call()
    } catch (error) {
      errorType = errorTypeOf(error)
      throw error
    } finally {
      const attributes: Attributes = { ...base, 'db.operation.name': operation }
      if (errorType !== undefined) attributes['error.type'] = errorType
      duration.record((performance.now() - started) / 1000, attributes)
    }
  }
  const { tracer } = options
  if (tracer === undefined) return timed
  return <T>(operation: string, call: () => Promise<T>): Promise<T> =>
    tracer.startActiveSpan(
      operation,
      { kind: SpanKind.CLIENT, attributes: { ...base, 'db.operation.name': operation } },
      async (span) => {
        try {
          return await timed(operation, call)
        } catch (error) {
          span.setAttribute('error.type', errorTypeOf(error))
          if (error instanceof Error) span.recordException(error)
          span.setStatus({ code: SpanStatusCode.ERROR })
          throw error
        } finally {
          span.end()
        }
      },
    )
}

function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code !== '') return code
    if (error instanceof Error) return error.name
  }
  return '_OTHER'
}

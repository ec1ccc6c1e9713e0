/** A check's or a report's status, as in the IETF health-check draft: `warn` is healthy but degraded. */
export type HealthStatus = 'pass' | 'warn' | 'fail'

/**
 * Which probes a check answers. `live`: is the process itself able to work (only
 * in-process checks: a liveness probe that depends on PostgreSQL or Redis gets every
 * replica restarted when that dependency blips). `ready`: should it get traffic now
 * (dependencies belong here). `startup`: has it finished starting (latched: once a
 * startup check passes it is not run again for the startup probe).
 */
export type CheckKind = 'live' | 'ready' | 'startup'

/** What a check may report besides "it did not throw". Every field is optional. */
export interface CheckOutcome {
  /** Defaults to `'pass'`; a check may report `'warn'` (degraded) or `'fail'` without throwing. */
  status?: HealthStatus
  /** A measurement, e.g. a latency or a pool size. */
  observedValue?: unknown
  /** The unit of `observedValue`, e.g. `'ms'`, `'percent'`, `'connections'`. */
  observedUnit?: string
  /** Human-readable detail; for `pass` the body omits it, as the draft asks. */
  output?: string
}

/** A named health check, registered with {@link HealthRegistry.register}. */
export interface HealthCheck {
  /** Key of the check in the response body and in the `names` filter, e.g. `'database'`. */
  name: string
  /**
   * Probes this check belongs to. Defaults to `['ready']`. Put only in-process checks
   * under `'live'` (never a database or cache: see {@link CheckKind}).
   */
  kinds?: CheckKind[]
  /** A critical failure makes the report `fail`/503; a non-critical one only `warn`/200. Defaults to `true`. */
  critical?: boolean
  /** The check fails when it takes longer, and its signal is aborted. Defaults to 2 000 ms. */
  timeoutMs?: number
  /**
   * Runs the check in the background every `intervalMs` (from the end of one run to the
   * start of the next); reports read the last result instead of waiting for a run.
   * Defaults to none: the check runs when a report asks for it.
   */
  intervalMs?: number
  /** Reuses a result for this long after it was observed. Ignored with `intervalMs`. Defaults to none. */
  ttlMs?: number
  /** Optional `componentType` of the entry, e.g. `'datastore'`, `'system'`, `'component'`. */
  componentType?: string
  /** Performs the check. Throwing (or rejecting) means `fail` with the error's message as output; `void` means `pass`. */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` be a passing check, as the contract promises
  run(signal: AbortSignal): Promise<CheckOutcome | undefined | void>
}

/** One entry of the `checks` map in an `application/health+json` body. */
export interface HealthCheckEntry {
  componentId: string
  componentType?: string
  status: HealthStatus
  observedValue?: unknown
  observedUnit?: string
  /** When the result was observed, ISO 8601. */
  time: string
  output?: string
}

/** The `application/health+json` response body (draft-inadarei-api-health-check). */
export interface HealthBody {
  status: HealthStatus
  version?: string
  serviceId?: string
  description?: string
  checks: Record<string, HealthCheckEntry[]>
}

/** The outcome of {@link HealthRegistry.run}: the status, the HTTP status to answer with, and the body. */
export interface HealthReport {
  status: HealthStatus
  /** `503` when `status` is `fail`, `200` otherwise. */
  httpStatus: 200 | 503
  body: HealthBody
}

/** The media type of health responses. */
export const HEALTH_CONTENT_TYPE = 'application/health+json'

import { type Clock, systemClock, unrefTimer } from '../clock/index.ts'
import type {
  CheckKind,
  HealthBody,
  HealthCheck,
  HealthCheckEntry,
  HealthReport,
  HealthStatus,
} from './health-check.ts'
import { DuplicateHealthCheckError } from './health-check-error.ts'
import { type CheckResult, runCheck } from './run-check.ts'

/** Options of {@link HealthRegistry}. */
export interface HealthRegistryOptions {
  /** `serviceId` of the body. Defaults to none. */
  service?: string
  /** `version` of the body. Defaults to none. */
  version?: string
  /** `description` of the body. Defaults to none. */
  description?: string
  /** Time source for timeouts, intervals, TTLs and entry times. Defaults to {@link systemClock}. */
  clock?: Clock
}

/** Which checks a report runs; with neither field, every registered check. */
export interface HealthRunFilter {
  /** Only the checks of this kind. */
  kind?: CheckKind
  /** Only the checks with these names; an unknown name is reported as a critical `fail`. */
  names?: readonly string[]
}

/** Name of the built-in readiness check that fails once {@link HealthRegistry.beginShutdown} is called. */
export const SHUTDOWN_CHECK = 'shutdown'

interface Registered {
  readonly check: HealthCheck
  readonly kinds: readonly CheckKind[]
  readonly critical: boolean
  last?: CheckResult
  inflight?: Promise<CheckResult>
  /** The first non-failing startup result, reused by every later startup report. */
  started?: CheckResult
  timer?: unknown
}

/**
 * Named health checks with timeouts, criticality, kinds and cached or background
 * results, reported as `application/health+json`.
 *
 * Report status: `fail` (HTTP 503) when a critical check fails; `warn` (200) when a
 * non-critical check fails or any check warns; `pass` (200) otherwise, also when no
 * check matches (a liveness probe with no live checks means "the process answers").
 * A check's own entry keeps its real status, so a failed non-critical check shows
 * `fail` inside a `warn` report.
 *
 * A built-in critical `'shutdown'` readiness check turns readiness `fail` as soon as
 * {@link HealthRegistry.beginShutdown} is called, so load balancers stop routing
 * before connections drain.
 *
 * @example
 * const health = new HealthRegistry({ service: 'jackpot', version: '1.4.0' })
 * health.register({ name: 'database', intervalMs: 5_000, run: async (signal) => { await ping(signal) } })
 * health.register({ name: 'event-loop', kinds: ['live'], run: async () => ({ observedValue: lagMs(), observedUnit: 'ms' }) })
 * const report = await health.run({ kind: 'ready' })
 * return new Response(JSON.stringify(report.body), {
 *   status: report.httpStatus,
 *   headers: { 'content-type': HEALTH_CONTENT_TYPE },
 * })
 */
export class HealthRegistry {
  readonly #options: HealthRegistryOptions
  readonly #clock: Clock
  readonly #checks = new Map<string, Registered>()
  #shuttingDown = false
  #closed = false

  constructor(options: HealthRegistryOptions = {}) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
    this.register({
      name: SHUTDOWN_CHECK,
      kinds: ['ready'],
      componentType: 'system',
      run: async () =>
        this.#shuttingDown ? { status: 'fail', output: 'the service is shutting down' } : undefined,
    })
  }

  /**
   * Adds a check; with `intervalMs` its first run starts now. Returns a function that
   * removes the check (and stops its background runs).
   *
   * @throws {DuplicateHealthCheckError} when a check with that name is registered.
   */
  register(check: HealthCheck): () => void {
    if (this.#checks.has(check.name)) throw new DuplicateHealthCheckError(check.name)
    const registered: Registered = {
      check,
      kinds: check.kinds ?? ['ready'],
      critical: check.critical ?? true,
    }
    this.#checks.set(check.name, registered)
    if (check.intervalMs !== undefined && !this.#closed) this.#refreshInBackground(registered)
    return () => {
      if (this.#checks.get(check.name) !== registered) return
      this.#checks.delete(check.name)
      this.#clock.clearTimeout(registered.timer)
      registered.timer = undefined
    }
  }

  /** Runs (or reads the cached results of) the selected checks and builds the report. */
  async run(filter: HealthRunFilter = {}): Promise<HealthReport> {
    const selected = this.#select(filter)
    const results = await Promise.all(
      selected.map(async ({ name, registered }): Promise<[string, HealthCheckEntry, boolean]> => {
        if (registered === undefined) return [name, this.#unknown(name), true]
        const result = await this.#result(registered, filter.kind)
        return [name, result.entry, registered.critical]
      }),
    )
    let status: HealthStatus = 'pass'
    const checks: Record<string, HealthCheckEntry[]> = {}
    for (const [name, entry, critical] of results) {
      checks[name] = [entry]
      if (entry.status === 'fail' && critical) status = 'fail'
      else if (entry.status !== 'pass' && status === 'pass') status = 'warn'
    }
    const { version, service, description } = this.#options
    const body: HealthBody = {
      status,
      ...(version !== undefined && { version }),
      ...(service !== undefined && { serviceId: service }),
      ...(description !== undefined && { description }),
      checks,
    }
    return { status, httpStatus: status === 'fail' ? 503 : 200, body }
  }

  /** From now on the built-in `'shutdown'` readiness check fails. Liveness is unaffected. */
  beginShutdown(): void {
    this.#shuttingDown = true
  }

  /** Whether {@link HealthRegistry.beginShutdown} was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown
  }

  /** Stops every background run; checks with `intervalMs` then run when a report asks for them. */
  close(): void {
    this.#closed = true
    for (const registered of this.#checks.values()) {
      this.#clock.clearTimeout(registered.timer)
      registered.timer = undefined
    }
  }

  #select(filter: HealthRunFilter): { name: string; registered: Registered | undefined }[] {
    if (filter.names !== undefined) {
      return filter.names
        .map((name) => ({ name, registered: this.#checks.get(name) }))
        .filter(
          ({ registered }) => filter.kind === undefined || registered?.kinds.includes(filter.kind) !== false,
        )
    }
    const selected: { name: string; registered: Registered }[] = []
    for (const [name, registered] of this.#checks) {
      if (filter.kind === undefined || registered.kinds.includes(filter.kind))
        selected.push({ name, registered })
    }
    return selected
  }

  async #result(registered: Registered, kind: CheckKind | undefined): Promise<CheckResult> {
    if (kind === 'startup' && registered.started !== undefined) return registered.started
    const result = await this.#current(registered)
    if (
      registered.started === undefined &&
      registered.kinds.includes('startup') &&
      result.entry.status !== 'fail'
    ) {
      registered.started = result
    }
    return result
  }

  #current(registered: Registered): Promise<CheckResult> {
    const { check, last } = registered
    const background = check.intervalMs !== undefined && !this.#closed
    if (last !== undefined) {
      if (background) return Promise.resolve(last)
      if (check.ttlMs !== undefined && this.#clock.now() - last.observedAt < check.ttlMs)
        return Promise.resolve(last)
    }
    return this.#execute(registered)
  }

  /** Single flight: concurrent reports share one run of a check. */
  #execute(registered: Registered): Promise<CheckResult> {
    registered.inflight ??= runCheck(registered.check, this.#clock).then((result) => {
      registered.last = result
      registered.inflight = undefined
      return result
    })
    return registered.inflight
  }

  #refreshInBackground(registered: Registered): void {
    void this.#execute(registered).then(() => {
      if (this.#closed || this.#checks.get(registered.check.name) !== registered) return
      registered.timer = this.#clock.setTimeout(
        () => this.#refreshInBackground(registered),
        registered.check.intervalMs ?? 0,
      )
      // A health interval must never be what keeps the process alive.
      unrefTimer(registered.timer)
    })
  }

  #unknown(name: string): HealthCheckEntry {
    return {
      componentId: name,
      status: 'fail',
      time: new Date(this.#clock.now()).toISOString(),
      output: `no health check named "${name}" is registered`,
    }
  }
}

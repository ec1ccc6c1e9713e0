import type { Clock } from '../clock/index.ts'
import type { CheckOutcome, HealthCheck, HealthCheckEntry } from './health-check.ts'
import { HealthCheckTimeoutError } from './health-check-error.ts'

/** A check's result as the registry keeps it: the body entry plus when it was observed. */
export interface CheckResult {
  readonly entry: HealthCheckEntry
  readonly observedAt: number
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000

/**
 * Runs one check under its timeout and turns whatever happens into an entry: a
 * throw or a timeout is `fail` with the message as output, never an exception, so
 * one broken check cannot break the whole report. The timeout rejects even if the
 * check ignores its signal.
 */
export async function runCheck(check: HealthCheck, clock: Clock): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS
  const controller = new AbortController()
  let timer: unknown
  const timedOut = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const reason = new HealthCheckTimeoutError(check.name, timeoutMs)
      controller.abort(reason)
      reject(reason)
    }, timeoutMs)
  })
  let outcome: CheckOutcome
  try {
    outcome =
      (await Promise.race([Promise.resolve().then(() => check.run(controller.signal)), timedOut])) ?? {}
  } catch (error) {
    outcome = { status: 'fail', output: describe(error) }
  } finally {
    clock.clearTimeout(timer)
  }
  const observedAt = clock.now()
  const status = outcome.status ?? 'pass'
  const entry: HealthCheckEntry = {
    componentId: check.name,
    status,
    time: new Date(observedAt).toISOString(),
  }
  if (check.componentType !== undefined) entry.componentType = check.componentType
  if (outcome.observedValue !== undefined) entry.observedValue = outcome.observedValue
  if (outcome.observedUnit !== undefined) entry.observedUnit = outcome.observedUnit
  // The draft: output "SHOULD be omitted for pass state".
  if (outcome.output !== undefined && status !== 'pass') entry.output = outcome.output
  return { entry, observedAt }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}

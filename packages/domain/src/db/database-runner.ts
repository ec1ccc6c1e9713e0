import type { DatabaseInterceptor } from '@jackpot/observability'
import { DatabaseUnavailableError, DomainError } from '../errors.ts'
import { redactQueryParameters, toDatabaseError } from './database-errors.ts'

/** Runs one named database operation: the interceptor's shape, with the domain's error mapping inside. */
export type DatabaseRunner = DatabaseInterceptor

type Outcome<T> = { ok: true; value: T } | { ok: false; error: DomainError }

const passThrough: DatabaseInterceptor = (_operation, call) => call()

/**
 * The one function every database call goes through. It applies the
 * interceptor (the server's circuit breaker and duration histogram) and maps
 * connection failures to `DatabaseUnavailableError`.
 *
 * A domain rule failure raised inside the call (unknown pool, idempotency or
 * version conflict) reaches the interceptor as a *successful* call: the
 * database answered fine, so a breaker must not count it as a fault. It is
 * re-thrown once outside the interceptor.
 *
 * @example
 * const run = createDatabaseRunner(interceptor)
 * const pools = await run('pools.list', () => db.select().from(pools))
 */
export function createDatabaseRunner(interceptor: DatabaseInterceptor = passThrough): DatabaseRunner {
  return async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const outcome = await interceptor<Outcome<T>>(operation, async () => {
      try {
        return { ok: true, value: await call() }
      } catch (error) {
        if (error instanceof DomainError && !(error instanceof DatabaseUnavailableError)) {
          return { ok: false, error }
        }
        throw toDatabaseError(redactQueryParameters(error))
      }
    })
    if (!outcome.ok) throw outcome.error
    return outcome.value
  }
}

import { describe, expect, test } from 'bun:test'
import {
  ApiKeyNotFoundError,
  CurrencyMismatchError,
  DatabaseLockedError,
  DatabaseUnavailableError,
  type DomainErrorCode,
  type DomainErrorsByCode,
  IdempotencyConflictError,
  IdempotencyKeyExpiredError,
  InvalidCommandError,
  InvalidQueryError,
  LedgerArchivedError,
  PoolNotFoundError,
  VersionConflictError,
  WriteDeadlineExceededError,
  WriteOutcomeUnknownError,
  WriteQueueFullError,
} from '@jackpot/domain'
import { BrokenCircuitError, CircuitTimeoutError } from '@jackpot/observability'
import { CacheError } from '@jackpot/observability/cache'
import { Elysia } from 'elysia'
import { DATABASE_BREAKER } from '../resilience/database-guard.ts'
import { type ErrorHandlerOptions, errorHandler } from './error-handler.ts'

/** An app whose one route throws `error`, behind the error handler. */
async function answer(error: unknown, options?: ErrorHandlerOptions) {
  const app = new Elysia().use(errorHandler(options)).get('/boom', () => {
    throw error
  })
  const response = await app.handle(new Request('http://localhost/boom'))
  const text = await response.text()
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type'),
    body: JSON.parse(text) as Record<string, unknown>,
    text,
  }
}

const unavailableBody = {
  type: 'https://jackpot.dev/problems/service-unavailable',
  title: 'Service temporarily unavailable',
  status: 503,
  detail: 'The database is unavailable; retry shortly.',
  instance: '/boom',
}

describe('errorHandler: database outages', () => {
  test('answers an open database breaker with 503 problem+json and Retry-After from the breaker\u2019s wait', async () => {
    const refused = await answer(
      new BrokenCircuitError(DATABASE_BREAKER, 'open', 2_400, {
        cause: new Error('connect ECONNREFUSED 10.0.0.5:5432'),
      }),
    )
    expect(refused.status).toBe(503)
    expect(refused.contentType).toBe('application/problem+json')
    expect(refused.retryAfter).toBe('3')
    expect(refused.body).toEqual(unavailableBody)
    expect(refused.text).not.toContain('10.0.0.5')
  })

  test('never says Retry-After: 0, even when the breaker is about to probe', async () => {
    expect((await answer(new BrokenCircuitError(DATABASE_BREAKER, 'half_open', 0))).retryAfter).toBe('1')
    expect((await answer(new BrokenCircuitError(DATABASE_BREAKER, 'open', 1))).retryAfter).toBe('1')
    expect((await answer(new BrokenCircuitError(DATABASE_BREAKER, 'isolated', 60_000))).retryAfter).toBe('60')
  })

  test('answers a database call that timed out with 503 and the configured Retry-After', async () => {
    const timedOut = await answer(new CircuitTimeoutError(DATABASE_BREAKER, 3_000))
    expect(timedOut).toMatchObject({ status: 503, retryAfter: '5', body: unavailableBody })
    expect(
      (await answer(new CircuitTimeoutError(DATABASE_BREAKER, 3_000), { retryAfterSeconds: 2 })).retryAfter,
    ).toBe('2')
  })

  test('answers an unreachable database with 503 and keeps the driver\u2019s message out of the body', async () => {
    const down = await answer(
      new DatabaseUnavailableError(
        'The database is unavailable: connect ECONNREFUSED postgres://app:hunter2@db:5432',
      ),
    )
    expect(down).toMatchObject({ status: 503, retryAfter: '5', body: unavailableBody })
    expect(down.text).not.toContain('hunter2')
    expect(down.text).not.toContain('ECONNREFUSED')
  })

  test('keeps a domain refusal a 4xx without Retry-After, and an unknown error a bare 500', async () => {
    const missing = await answer(new PoolNotFoundError('nope'))
    expect(missing).toMatchObject({ status: 404, retryAfter: null })
    const bug = await answer(Object.assign(new Error('secret detail'), { code: 'E_SOMETHING_ELSE' }))
    expect(bug.status).toBe(500)
    expect(bug.retryAfter).toBeNull()
    expect(bug.text).not.toContain('secret detail')
  })
})

/**
 * One instance of every domain error. The mapped type makes it a compile error to add
 * a code to DomainErrorCode without adding its sample here, so the test below covers
 * every code there is.
 */
const SAMPLES: { [C in DomainErrorCode]: DomainErrorsByCode[C] } = {
  E_POOL_NOT_FOUND: new PoolNotFoundError('giga'),
  E_CURRENCY_MISMATCH: new CurrencyMismatchError('USD', 'EUR'),
  E_IDEMPOTENCY_CONFLICT: new IdempotencyConflictError('k1'),
  E_IDEMPOTENCY_KEY_EXPIRED: new IdempotencyKeyExpiredError('k1', 7),
  E_VERSION_CONFLICT: new VersionConflictError('mega', 3, 4),
  E_INVALID_COMMAND: new InvalidCommandError('wagerCents must not exceed 10000000', 'wagerCents'),
  E_INVALID_QUERY: new InvalidQueryError('limit must be an integer from 1 to 500', 'limit'),
  E_API_KEY_NOT_FOUND: new ApiKeyNotFoundError('key-1'),
  E_DATABASE_UNAVAILABLE: new DatabaseUnavailableError('connect ECONNREFUSED'),
  E_DATABASE_LOCKED: new DatabaseLockedError('./data', 4242),
  E_WRITE_QUEUE_FULL: new WriteQueueFullError(1_000, 1_500),
  E_WRITE_DEADLINE_EXCEEDED: new WriteDeadlineExceededError(2_000, 500),
  E_WRITE_OUTCOME_UNKNOWN: new WriteOutcomeUnknownError(),
  E_LEDGER_ARCHIVED: new LedgerArchivedError([
    {
      name: 'ledger-2026-12-01--2026-12-02',
      firstDay: '2026-12-01',
      lastDay: '2026-12-02',
      location: '/archive',
      manifestSha256: 'ab'.repeat(32),
    },
  ]),
}

/** The answers a 503 may carry: each says the request was not applied (or how to learn whether it was). */
const UNAVAILABLE_KINDS = ['service-unavailable', 'overloaded', 'outcome-unknown']

describe('errorHandler: every domain error', () => {
  for (const [code, error] of Object.entries(SAMPLES)) {
    test(`answers ${code} with a 4xx problem or an explicit 503 with Retry-After, never a 500`, async () => {
      expect(error.code).toBe(code as DomainErrorCode)
      const answered = await answer(error)
      expect(answered.contentType).toBe('application/problem+json')
      const kind = String(answered.body.type).replace('https://jackpot.dev/problems/', '')
      if (answered.status === 503) {
        expect(UNAVAILABLE_KINDS).toContain(kind)
        expect(Number(answered.retryAfter)).toBeGreaterThanOrEqual(1)
      } else {
        expect(answered.status).toBeGreaterThanOrEqual(400)
        expect(answered.status).toBeLessThan(500)
        expect(answered.retryAfter).toBeNull()
      }
    })
  }

  test('carries the extension members a client reads from the error', async () => {
    expect((await answer(SAMPLES.E_POOL_NOT_FOUND)).body).toMatchObject({ status: 404, pool: 'giga' })
    expect((await answer(SAMPLES.E_CURRENCY_MISMATCH)).body).toMatchObject({
      status: 422,
      expectedCurrency: 'EUR',
    })
    expect((await answer(SAMPLES.E_VERSION_CONFLICT)).body).toMatchObject({ status: 409, currentVersion: 4 })
    expect((await answer(SAMPLES.E_INVALID_QUERY)).body).toMatchObject({
      status: 400,
      errors: [{ field: 'limit', message: 'limit must be an integer from 1 to 500' }],
    })
    expect((await answer(SAMPLES.E_WRITE_QUEUE_FULL)).retryAfter).toBe('2')
    expect((await answer(SAMPLES.E_WRITE_OUTCOME_UNKNOWN)).retryAfter).toBe('1')
  })
})

describe('errorHandler: an open Redis breaker is not a database outage', () => {
  test('answers another breaker\u2019s refusal with 503 and its wait, without blaming the database', async () => {
    const refused = await answer(new BrokenCircuitError('cache:pools', 'open', 1_500))
    expect(refused).toMatchObject({ status: 503, retryAfter: '2' })
    expect(refused.body.detail).toBe('A service this request depends on is unavailable; retry shortly.')
    expect(refused.text).not.toContain('database')
    const timedOut = await answer(new CircuitTimeoutError('rate-limit', 250))
    expect(timedOut).toMatchObject({ status: 503, retryAfter: '5' })
    expect(timedOut.text).not.toContain('database')
  })

  test('answers a Redis failure the cache rethrew with 503, and a serializer fault (our bug) with 500', async () => {
    const redisDown = await answer(new CacheError('E_CACHE_L2', 'GET failed: ECONNREFUSED 10.0.0.7:6379'))
    expect(redisDown).toMatchObject({ status: 503, retryAfter: '5' })
    expect(redisDown.text).not.toContain('10.0.0.7')
    expect(redisDown.text).not.toContain('database')
    expect((await answer(new CacheError('E_CACHE_SERIALIZE', 'bigint'))).status).toBe(500)
  })

  test('matches the SDK by class, so a lookalike plain error with its code is a bare 500', async () => {
    const lookalike = Object.assign(new Error('circuit breaker "database" is open'), {
      code: 'E_CIRCUIT_OPEN',
      breaker: DATABASE_BREAKER,
      retryAfterMs: 1_000,
    })
    expect(await answer(lookalike)).toMatchObject({ status: 500, retryAfter: null })
  })
})

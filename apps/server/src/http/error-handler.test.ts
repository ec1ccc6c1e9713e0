import { describe, expect, test } from 'bun:test'
import { DatabaseUnavailableError, PoolNotFoundError } from '@jackpot/domain'
import { BrokenCircuitError, CircuitTimeoutError } from '@jackpot/observability'
import { Elysia } from 'elysia'
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
      new BrokenCircuitError('database', 'open', 2_400, {
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
    expect((await answer(new BrokenCircuitError('database', 'half_open', 0))).retryAfter).toBe('1')
    expect((await answer(new BrokenCircuitError('database', 'open', 1))).retryAfter).toBe('1')
    expect((await answer(new BrokenCircuitError('database', 'isolated', 60_000))).retryAfter).toBe('60')
  })

  test('answers a database call that timed out with 503 and the configured Retry-After', async () => {
    const timedOut = await answer(new CircuitTimeoutError('database', 3_000))
    expect(timedOut).toMatchObject({ status: 503, retryAfter: '5', body: unavailableBody })
    expect(
      (await answer(new CircuitTimeoutError('database', 3_000), { retryAfterSeconds: 2 })).retryAfter,
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

import { describe, expect, test } from 'bun:test'
import { DrizzleQueryError } from 'drizzle-orm'
import { DatabaseUnavailableError } from '../errors.ts'
import { isConnectionFailure, sqlState, toDatabaseError } from './database-errors.ts'

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('isConnectionFailure', () => {
  test('recognises socket errors and postgres.js connection codes', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'CONNECTION_CLOSED',
      'CONNECTION_ENDED',
      'CONNECT_TIMEOUT',
    ]) {
      expect(isConnectionFailure(withCode('x', code))).toBe(true)
    }
  })

  test('recognises server shutdown and connection-exception SQLSTATEs', () => {
    expect(isConnectionFailure(withCode('terminating connection', '57P01'))).toBe(true)
    expect(isConnectionFailure(withCode('too many clients', '53300'))).toBe(true)
    expect(isConnectionFailure(withCode('connection failure', '08006'))).toBe(true)
  })

  test('counts statement_timeout and lock_timeout cancellations as the database being unavailable', () => {
    expect(isConnectionFailure(withCode('canceling statement due to statement timeout', '57014'))).toBe(true)
    expect(isConnectionFailure(withCode('canceling statement due to lock timeout', '55P03'))).toBe(true)
  })

  test('recognises terminated connections and timeouts by message', () => {
    expect(isConnectionFailure(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isConnectionFailure(new Error('write CONNECT_TIMEOUT 127.0.0.1:5432 timed out'))).toBe(true)
    expect(isConnectionFailure(new Error('PGlite is closed'))).toBe(true)
  })

  test('looks through drizzle query errors to the driver error', () => {
    const wrapped = new DrizzleQueryError('select 1', [], withCode('connect ECONNREFUSED', 'ECONNREFUSED'))
    expect(isConnectionFailure(wrapped)).toBe(true)
  })

  test('leaves query errors alone', () => {
    expect(isConnectionFailure(withCode('duplicate key value', '23505'))).toBe(false)
    expect(isConnectionFailure(withCode('violates check constraint', '23514'))).toBe(false)
    expect(isConnectionFailure(new Error('syntax error at or near "selec"'))).toBe(false)
    expect(isConnectionFailure('not an error')).toBe(false)
  })
})

describe('toDatabaseError', () => {
  test('wraps a connection failure in DatabaseUnavailableError, keeping the cause', () => {
    const original = new DrizzleQueryError(
      'select 1',
      [],
      withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
    )
    const mapped = toDatabaseError(original)
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError)
    expect(mapped).toMatchObject({ code: 'E_DATABASE_UNAVAILABLE', cause: original })
    expect((mapped as Error).message).toContain('ECONNREFUSED 127.0.0.1:1')
  })

  test('returns any other error unchanged', () => {
    const original = withCode('duplicate key value', '23505')
    expect(toDatabaseError(original)).toBe(original)
  })
})

describe('sqlState', () => {
  test('finds the SQLSTATE in the cause chain', () => {
    expect(sqlState(new DrizzleQueryError('q', [], withCode('check', '23514')))).toBe('23514')
    expect(sqlState(withCode('x', 'ECONNREFUSED'))).toBeUndefined()
  })
})

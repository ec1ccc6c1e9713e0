import { describe, expect, test } from 'bun:test'
import { DrizzleQueryError } from 'drizzle-orm'
import { DatabaseUnavailableError } from '../errors.ts'
import { isConnectionFailure, redactQueryParameters, sqlState, toDatabaseError } from './database-errors.ts'

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

describe('redactQueryParameters', () => {
  test('keeps the statement and the driver error but drops the parameter values', () => {
    const driver = withCode('value too long', '22001')
    const failed = new DrizzleQueryError(
      'insert into ledger_entries (player_id) values ($1)',
      ['player-ada@example.com'],
      driver,
    )
    const redacted = redactQueryParameters(failed) as Error & Record<string, unknown>
    const logged = JSON.stringify({ ...redacted, text: redacted.message, stack: redacted.stack })
    expect(logged).not.toContain('player-ada@example.com')
    expect(redacted.message).toContain('insert into ledger_entries (player_id) values ($1)')
    expect(redacted.message).toContain('[1 redacted]')
    expect(redacted.cause).toBe(driver)
    expect(sqlState(redacted)).toBe('22001')
  })

  test('a redacted connection failure still maps to DatabaseUnavailableError', () => {
    const failed = new DrizzleQueryError(
      'select 1',
      ['secret'],
      withCode('connect ECONNREFUSED', 'ECONNREFUSED'),
    )
    const mapped = toDatabaseError(redactQueryParameters(failed))
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError)
    expect(JSON.stringify(mapped, Object.getOwnPropertyNames(mapped))).not.toContain('secret')
  })

  test('leaves other errors alone', () => {
    const other = new Error('x')
    expect(redactQueryParameters(other)).toBe(other)
  })
})

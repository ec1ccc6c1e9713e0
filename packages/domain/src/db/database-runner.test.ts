import { describe, expect, test } from 'bun:test'
import { DatabaseUnavailableError, PoolNotFoundError } from '../errors.ts'
import { createDatabaseRunner } from './database-runner.ts'

type Seen = { operation: string; outcome: 'resolved' | 'rejected' }

function recordingRunner() {
  const seen: Seen[] = []
  const run = createDatabaseRunner(async (operation, call) => {
    try {
      const value = await call()
      seen.push({ operation, outcome: 'resolved' })
      return value
    } catch (error) {
      seen.push({ operation, outcome: 'rejected' })
      throw error
    }
  })
  return { run, seen }
}

describe('createDatabaseRunner', () => {
  test('passes the call through the interceptor under its operation name', async () => {
    const { run, seen } = recordingRunner()
    expect(await run('pools.list', async () => 42)).toBe(42)
    expect(seen).toEqual([{ operation: 'pools.list', outcome: 'resolved' }])
  })

  test('runs the call directly without an interceptor', async () => {
    expect(await createDatabaseRunner()('ping', async () => 'pong')).toBe('pong')
  })

  test('maps a connection failure to DatabaseUnavailableError before the interceptor sees it', async () => {
    const { run, seen } = recordingRunner()
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const error = await run('pools.list', () => Promise.reject(refused)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatabaseUnavailableError)
    expect((error as Error).cause).toBe(refused)
    expect(seen).toEqual([{ operation: 'pools.list', outcome: 'rejected' }])
  })

  test('lets a domain refusal pass the interceptor as a success and throws it after', async () => {
    const { run, seen } = recordingRunner()
    await expect(run('pools.get', () => Promise.reject(new PoolNotFoundError('x')))).rejects.toBeInstanceOf(
      PoolNotFoundError,
    )
    expect(seen).toEqual([{ operation: 'pools.get', outcome: 'resolved' }])
  })

  test('hands other faults to the interceptor as failures, unchanged', async () => {
    const { run, seen } = recordingRunner()
    const bug = Object.assign(new Error('violates check constraint'), { code: '23514' })
    await expect(run('win.write', () => Promise.reject(bug))).rejects.toBe(bug)
    expect(seen).toEqual([{ operation: 'win.write', outcome: 'rejected' }])
  })
})

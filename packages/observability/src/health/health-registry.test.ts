import { describe, expect, test } from 'bun:test'
import { recordingClock } from '../../test/support/recording-clock.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { DuplicateHealthCheckError, HealthCheckTimeoutError } from './health-check-error.ts'
import { HealthRegistry } from './health-registry.ts'

const never = () => new Promise<never>(() => {})

/** A check whose result the test sets, counting its runs. */
function scripted(name: string, extra: Partial<Parameters<HealthRegistry['register']>[0]> = {}) {
  const state = { runs: 0, fail: false, value: 0 }
  const check = {
    name,
    ...extra,
    run: async () => {
      state.runs++
      if (state.fail) throw new Error(`${name} is down`)
      return { observedValue: state.value, observedUnit: 'ms' }
    },
  }
  return { state, check }
}

describe('HealthRegistry', () => {
  test('reports pass in the application/health+json format', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 2, 3, 4, 5))
    const health = new HealthRegistry({ service: 'jackpot', version: '1.2.3', description: 'pools', clock })
    health.register({
      name: 'database',
      componentType: 'datastore',
      run: async () => ({ observedValue: 3, observedUnit: 'ms', output: 'fine' }),
    })
    const report = await health.run()
    expect(report.status).toBe('pass')
    expect(report.httpStatus).toBe(200)
    expect(report.body).toEqual({
      status: 'pass',
      version: '1.2.3',
      serviceId: 'jackpot',
      description: 'pools',
      checks: {
        shutdown: [
          {
            componentId: 'shutdown',
            componentType: 'system',
            status: 'pass',
            time: '2025-01-02T03:04:05.000Z',
          },
        ],
        database: [
          {
            componentId: 'database',
            componentType: 'datastore',
            status: 'pass',
            observedValue: 3,
            observedUnit: 'ms',
            time: '2025-01-02T03:04:05.000Z',
          },
        ],
      },
    })
  })

  test('fails with 503 when a critical check throws, with the error message as output', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    health.register({
      name: 'database',
      run: async () => {
        throw new Error('connection refused')
      },
    })
    const report = await health.run({ names: ['database'] })
    expect(report.httpStatus).toBe(503)
    expect(report.body.checks.database?.[0]).toMatchObject({ status: 'fail', output: 'connection refused' })
  })

  test('only warns with 200 when a non-critical check fails, keeping the entry at fail', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    health.register({ name: 'cache', critical: false, run: () => Promise.reject(new Error('redis down')) })
    const report = await health.run()
    expect(report.status).toBe('warn')
    expect(report.httpStatus).toBe(200)
    expect(report.body.checks.cache?.[0]).toMatchObject({ status: 'fail', output: 'redis down' })
  })

  test('warns when a check reports warn without throwing', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    health.register({
      name: 'pool',
      run: async () => ({ status: 'warn', output: '9 of 10 connections busy' }),
    })
    const report = await health.run()
    expect(report.status).toBe('warn')
    expect(report.body.checks.pool?.[0]?.output).toBe('9 of 10 connections busy')
  })

  test('fails a check that overruns its timeout and aborts its signal', async () => {
    const clock = new ManualClock()
    const health = new HealthRegistry({ clock })
    let signal: AbortSignal | undefined
    health.register({
      name: 'database',
      timeoutMs: 500,
      run: (given) => {
        signal = given
        return never()
      },
    })
    const pending = health.run({ names: ['database'] })
    await clock.tick(499)
    expect(signal?.aborted).toBe(false)
    await clock.tick(1)
    const report = await pending
    expect(signal?.reason).toBeInstanceOf(HealthCheckTimeoutError)
    expect(report.httpStatus).toBe(503)
    expect(report.body.checks.database?.[0]?.output).toBe('health check "database" timed out after 500 ms')
  })

  test('times out after 2 s by default', async () => {
    const clock = new ManualClock()
    const health = new HealthRegistry({ clock })
    health.register({ name: 'slow', run: never })
    const pending = health.run({ names: ['slow'] })
    await clock.tick(2_000)
    expect((await pending).status).toBe('fail')
  })

  test('runs only the checks of the asked kind, ready by default', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    health.register({ name: 'event-loop', kinds: ['live', 'ready'], run: async () => {} })
    health.register({ name: 'database', run: () => Promise.reject(new Error('down')) })
    health.register({ name: 'migrations', kinds: ['startup'], run: async () => {} })
    const live = await health.run({ kind: 'live' })
    expect(Object.keys(live.body.checks)).toEqual(['event-loop'])
    expect(live.httpStatus).toBe(200)
    const ready = await health.run({ kind: 'ready' })
    expect(Object.keys(ready.body.checks)).toEqual(['shutdown', 'event-loop', 'database'])
    expect(ready.httpStatus).toBe(503)
    expect(Object.keys((await health.run({ kind: 'startup' })).body.checks)).toEqual(['migrations'])
  })

  test('passes a kind that has no checks', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    expect(await health.run({ kind: 'live' })).toMatchObject({ status: 'pass', body: { checks: {} } })
  })

  test('reports an unknown name as a failing entry instead of an empty pass', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    const report = await health.run({ names: ['databse'] })
    expect(report.httpStatus).toBe(503)
    expect(report.body.checks.databse?.[0]?.output).toBe('no health check named "databse" is registered')
  })

  test('reuses a result for ttlMs, then runs the check again', async () => {
    const clock = new ManualClock()
    const health = new HealthRegistry({ clock })
    const { state, check } = scripted('database', { ttlMs: 1_000 })
    health.register(check)
    await health.run()
    await clock.tick(999)
    state.fail = true
    expect((await health.run()).status).toBe('pass')
    expect(state.runs).toBe(1)
    await clock.tick(1)
    expect((await health.run()).status).toBe('fail')
    expect(state.runs).toBe(2)
  })

  test('shares one run between concurrent reports', async () => {
    const clock = new ManualClock()
    const health = new HealthRegistry({ clock })
    let runs = 0
    health.register({
      name: 'database',
      run: () => {
        runs++
        return new Promise<void>((resolve) => clock.setTimeout(resolve, 10))
      },
    })
    const reports = Promise.all([health.run(), health.run(), health.run()])
    await clock.tick(10)
    expect((await reports).map((r) => r.status)).toEqual(['pass', 'pass', 'pass'])
    expect(runs).toBe(1)
  })

  test('refreshes an interval check in the background; reports read the last result', async () => {
    const clock = new ManualClock()
    const health = new HealthRegistry({ clock })
    const { state, check } = scripted('database', { intervalMs: 5_000 })
    health.register(check)
    await clock.tick(0)
    expect(state.runs).toBe(1)
    state.fail = true
    expect((await health.run()).status).toBe('pass')
    expect(state.runs).toBe(1)
    await clock.tick(5_000)
    expect(state.runs).toBe(2)
    const report = await health.run()
    expect(report.status).toBe('fail')
    expect(report.body.checks.database?.[0]?.time).toBe(new Date(5_000).toISOString())
    state.fail = false
    await clock.tick(5_000)
    expect((await health.run()).status).toBe('pass')
    health.close()
    expect(clock.pendingTimers).toBe(0)
  })

  test('waits for the first background run when a report comes before it ends', async () => {
    const clock = new ManualClock()
    const health = new HealthRegistry({ clock })
    health.register({
      name: 'database',
      intervalMs: 5_000,
      run: () => new Promise<void>((resolve) => clock.setTimeout(resolve, 100)),
    })
    const report = health.run()
    await clock.tick(100)
    expect((await report).status).toBe('pass')
    health.close()
  })

  test('unrefs its background timer so it never holds the process open', async () => {
    const { clock: recording, handles } = recordingClock()
    const health = new HealthRegistry({ clock: recording })
    health.register({ name: 'database', timeoutMs: 60_000, intervalMs: 60_000, run: async () => {} })
    await health.run({ names: ['database'] })
    await new Promise((resolve) => setImmediate(resolve))
    expect(handles).toHaveLength(2) // the check's timeout, then the interval
    const interval = handles.at(-1)!
    expect(interval.hasRef()).toBe(false)
    health.close()
  })

  test('stops background runs when a check is removed', async () => {
    const clock = new ManualClock()
    const health = new HealthRegistry({ clock })
    const { state, check } = scripted('database', { intervalMs: 1_000 })
    const remove = health.register(check)
    await clock.tick(0)
    remove()
    await clock.tick(10_000)
    expect(state.runs).toBe(1)
    expect(Object.keys((await health.run()).body.checks)).toEqual(['shutdown'])
  })

  test('fails readiness once shutdown begins while liveness still passes', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    health.register({ name: 'event-loop', kinds: ['live'], run: async () => {} })
    expect((await health.run({ kind: 'ready' })).httpStatus).toBe(200)
    health.beginShutdown()
    expect(health.shuttingDown).toBe(true)
    const ready = await health.run({ kind: 'ready' })
    expect(ready.httpStatus).toBe(503)
    expect(ready.body.checks.shutdown?.[0]).toMatchObject({
      status: 'fail',
      output: 'the service is shutting down',
    })
    expect((await health.run({ kind: 'live' })).httpStatus).toBe(200)
  })

  test('latches a startup check once it passes, while readiness keeps running it', async () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    const { state, check } = scripted('migrations', { kinds: ['startup', 'ready'] })
    state.fail = true
    health.register(check)
    expect((await health.run({ kind: 'startup' })).httpStatus).toBe(503)
    state.fail = false
    expect((await health.run({ kind: 'startup' })).httpStatus).toBe(200)
    state.fail = true
    expect((await health.run({ kind: 'startup' })).httpStatus).toBe(200)
    expect(state.runs).toBe(2)
    expect((await health.run({ kind: 'ready' })).httpStatus).toBe(503)
  })

  test('refuses a second check with the same name', () => {
    const health = new HealthRegistry({ clock: new ManualClock() })
    health.register({ name: 'database', run: async () => {} })
    expect(() => health.register({ name: 'database', run: async () => {} })).toThrow(
      DuplicateHealthCheckError,
    )
  })
})

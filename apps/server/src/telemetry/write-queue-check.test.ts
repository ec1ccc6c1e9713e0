import { describe, expect, test } from 'bun:test'
import { writeQueueCheck } from './write-queue-check.ts'

const checkAt = (queued: number) =>
  writeQueueCheck({ writeLoad: () => ({ queued, inFlight: 7, limit: 100 }) }).run(
    new AbortController().signal,
  )

describe('writeQueueCheck', () => {
  test('passes while the write queue has room, and says how full it is', async () => {
    expect(await checkAt(10)).toEqual({
      status: 'pass',
      observedValue: 10,
      observedUnit: 'writes',
      output: '10 of 100 queued, 7 in the batch now committing',
    })
  })

  test('warns from 80 % full and fails when full, when new writes are refused', async () => {
    expect(await checkAt(79)).toMatchObject({ status: 'pass' })
    expect(await checkAt(80)).toMatchObject({ status: 'warn' })
    expect(await checkAt(100)).toMatchObject({ status: 'fail' })
  })
})

import { afterEach, describe, expect, test } from 'bun:test'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { batchedDestination } from './batched-destination.ts'
import { createLogger } from './create-logger.ts'

const dir = mkdtempSync(join(tmpdir(), 'batched-destination-'))
const opened: number[] = []
const file = (name: string) => {
  const path = join(dir, name)
  const fd = openSync(path, 'w')
  opened.push(fd)
  return { fd, read: () => readFileSync(path, 'utf8') }
}
const endOfTick = () => new Promise((resolve) => setImmediate(resolve))

afterEach(() => {
  for (const fd of opened.splice(0)) closeSync(fd)
})
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

describe('batchedDestination', () => {
  test('writes the lines of one event-loop turn together when the turn ends, in order', async () => {
    const { fd, read } = file('tick.log')
    const destination = batchedDestination({ fd, minWriteIntervalMs: 0 })
    destination.write('one\n')
    destination.write('two\n')
    expect(read()).toBe('')
    await endOfTick()
    expect(read()).toBe('one\ntwo\n')
    destination.write('three\n')
    await endOfTick()
    expect(read()).toBe('one\ntwo\nthree\n')
  })

  test('holds the lines of later turns until the interval after the last write has passed', async () => {
    const { fd, read } = file('held.log')
    const destination = batchedDestination({ fd, minWriteIntervalMs: 60_000 })
    destination.write('first\n')
    await endOfTick()
    expect(read()).toBe('first\n')
    destination.write('second\n')
    destination.write('third\n')
    await endOfTick()
    expect(read()).toBe('first\n')
    destination.flushSync()
    expect(read()).toBe('first\nsecond\nthird\n')
  })

  test('writes held lines by itself once the interval has passed', async () => {
    const { fd, read } = file('interval.log')
    const destination = batchedDestination({ fd, minWriteIntervalMs: 20 })
    destination.write('first\n')
    await endOfTick()
    destination.write('second\n')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(read()).toBe('first\nsecond\n')
  })

  test('writes at once when the buffer reaches its limit', () => {
    const { fd, read } = file('full.log')
    const destination = batchedDestination({ fd, maxBufferedBytes: 10 })
    destination.write('12345\n')
    expect(read()).toBe('')
    destination.write('67890\n')
    expect(read()).toBe('12345\n67890\n')
  })

  test('flushSync writes whatever is waiting', () => {
    const { fd, read } = file('flush.log')
    const destination = batchedDestination({ fd })
    destination.write('ünïcode ✓\n')
    destination.flushSync()
    expect(read()).toBe('ünïcode ✓\n')
  })

  test('serves as a logger destination', async () => {
    const { fd, read } = file('logger.log')
    createLogger({ service: 'svc', destination: batchedDestination({ fd }) }).info({ n: 1 }, 'hello')
    await endOfTick()
    expect(JSON.parse(read())).toMatchObject({ service: 'svc', n: 1, msg: 'hello' })
  })
})

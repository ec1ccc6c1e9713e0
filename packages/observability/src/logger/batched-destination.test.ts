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

  /** A destination that wrote `first` a turn ago, so its interval has begun. */
  const afterAWrite = async (name: string, minWriteIntervalMs: number) => {
    const { fd, read } = file(name)
    const destination = batchedDestination({ fd, minWriteIntervalMs })
    destination.write('first\n')
    await endOfTick()
    expect(read()).toBe('first\n')
    return { destination, read }
  }

  test('holds the lines of later turns until the interval after the last write has passed', async () => {
    const { destination, read } = await afterAWrite('held.log', 60_000)
    destination.write('second\n')
    destination.write('third\n')
    await endOfTick()
    expect(read()).toBe('first\n')
    destination.flushSync()
    expect(read()).toBe('first\nsecond\nthird\n')
  })

  test('writes held lines by itself once the interval has passed', async () => {
    const { destination, read } = await afterAWrite('interval.log', 20)
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

  test('writes a line longer than its buffer on its own, after the lines before it', () => {
    const { fd, read } = file('long.log')
    const destination = batchedDestination({ fd })
    const long = `${'x'.repeat(40_000)}\n`
    destination.write('before\n')
    destination.write(long)
    expect(read()).toBe(`before\n${long}`)
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

import { describe, expect, test } from 'bun:test'
import { ManualClock } from '@jackpot/observability/testing'
import type { PoolSnapshot } from '../pool-cache/pool-snapshot.ts'
import { PoolStreamHub, type PoolStreamHubOptions, type PoolStreamSource } from './pool-stream-hub.ts'

/** A pool cache stand-in: its snapshot is set by the test, and listeners hear each newer one. */
function fakeSource(revision = 1) {
  const listeners = new Set<(snapshot: PoolSnapshot) => void>()
  let current = snapshotAt(revision)
  let reads = 0
  const source: PoolStreamSource = {
    onSnapshot: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    latest: () => current,
    snapshot: async () => {
      reads++
      return current
    },
  }
  return {
    source,
    get reads() {
      return reads
    },
    /** A change: the cache holds revision `next` and tells its listeners. */
    change(next: number) {
      current = snapshotAt(next)
      for (const listener of listeners) listener(current)
    },
  }
}

function snapshotAt(revision: number): PoolSnapshot {
  const body = JSON.stringify({ pools: [{ slug: 'mega', amountCents: revision * 100 }] })
  return { revision, list: { body, etag: `"${revision}"` }, pools: {} }
}

/** Reads a stream in the background, frame by frame (split on the blank line). */
function collect(stream: ReadableStream<Uint8Array>) {
  const frames: string[] = []
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let ended = false
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        frames.push(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
      }
    }
    ended = true
  })()
  return {
    frames,
    /** The `pools` events' ids, in order. */
    ids: () => frames.filter((f) => f.includes('event: pools')).map((f) => Number(/^id: (\d+)/.exec(f)?.[1])),
    get ended() {
      return ended
    },
    cancel: () => reader.cancel(),
  }
}

/** Lets the background readers take what was enqueued. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

function hubWith(options: Partial<PoolStreamHubOptions> = {}) {
  const clock = new ManualClock(1_000_000)
  const fake = fakeSource()
  const hub = new PoolStreamHub({ source: fake.source, clock, ...options })
  const open = (client = '203.0.113.7', lastEventId: string | null = null) => {
    const opening = hub.open(client, lastEventId)
    if (!opening.ok) throw new Error(`refused: ${opening.reason}`)
    return collect(opening.stream)
  }
  return { clock, fake, hub, open }
}

describe('PoolStreamHub', () => {
  test('sends the reconnect delay and the current state on open, its id the snapshot revision', async () => {
    const { fake, open, hub } = hubWith()
    fake.change(7)
    const client = open()
    await settle()
    expect(client.frames[0]).toBe('retry: 1000')
    expect(client.frames[1]).toBe(`id: 7\nevent: pools\ndata: ${snapshotAt(7).list.body}`)
    hub.close()
  })

  test('sends each change, coalescing a burst into at most one event per 100 ms that carries the newest state', async () => {
    const { clock, fake, open, hub } = hubWith()
    const client = open()
    await settle()
    expect(client.ids()).toEqual([1])

    // 30 changes, one every 10 ms: 300 ms of changes.
    for (let revision = 2; revision <= 31; revision++) {
      clock.advance(10)
      fake.change(revision)
    }
    clock.advance(100)
    await settle()
    const ids = client.ids()
    // One event per 100 ms window at most, and the last one is the newest state.
    expect(ids.length).toBeLessThanOrEqual(1 + 4)
    expect(ids.length).toBeGreaterThanOrEqual(3)
    expect(ids.at(-1)).toBe(31)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
    hub.close()
  })

  test('never sends two events to one subscriber less than 100 ms apart', async () => {
    const { clock, fake, open, hub } = hubWith()
    const client = open()
    await settle()
    const sentAt: number[] = [clock.now()]
    let seen = client.ids().length
    // A change every 7 ms for 1.4 s, time advancing 1 ms at a time so each send is seen when it happens.
    for (let ms = 1; ms <= 1_400; ms++) {
      clock.advance(1)
      if (ms % 7 === 0) fake.change(1 + ms / 7)
      await settle()
      const ids = client.ids()
      for (; seen < ids.length; seen++) sentAt.push(clock.now())
    }
    const gaps = sentAt.slice(1).map((at, i) => at - sentAt[i]!)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100)
    expect(sentAt.length).toBeGreaterThanOrEqual(10)
    // The last change goes out once its subscriber's 100 ms have passed.
    clock.advance(100)
    await settle()
    expect(client.ids().at(-1)).toBe(201)
    hub.close()
  })

  test('resumes from Last-Event-ID: nothing until the next change when the client has the current revision', async () => {
    const { clock, fake, open, hub } = hubWith()
    fake.change(5)
    const upToDate = open('198.51.100.1', '5')
    const behind = open('198.51.100.2', '3')
    await settle()
    expect(upToDate.ids()).toEqual([])
    expect(behind.ids()).toEqual([5])

    fake.change(6)
    clock.advance(100)
    await settle()
    expect(upToDate.ids()).toEqual([6])
    hub.close()
  })

  test('treats a malformed Last-Event-ID as none and sends the whole state', async () => {
    const { open, hub } = hubWith()
    const client = open('198.51.100.3', 'not-a-number')
    await settle()
    expect(client.ids()).toEqual([1])
    hub.close()
  })

  test('writes a heartbeat comment every 15 s', async () => {
    const { clock, open, hub } = hubWith()
    const client = open()
    clock.advance(14_999)
    await settle()
    expect(client.frames.filter((f) => f === ': heartbeat')).toHaveLength(0)
    clock.advance(1)
    await settle()
    expect(client.frames.filter((f) => f === ': heartbeat')).toHaveLength(1)
    clock.advance(15_000)
    await settle()
    expect(client.frames.filter((f) => f === ': heartbeat')).toHaveLength(2)
    hub.close()
  })

  test('refuses a client past its concurrent-stream limit, and frees the slot when a stream ends', async () => {
    const { hub, open } = hubWith({ maxPerClient: 2 })
    const first = open('192.0.2.1')
    open('192.0.2.1')
    expect(hub.open('192.0.2.1')).toEqual({ ok: false, reason: 'client-limit', limit: 2 })
    // Another client is not affected.
    expect(hub.open('192.0.2.2').ok).toBe(true)
    expect(hub.size).toBe(3)

    await first.cancel()
    expect(hub.size).toBe(2)
    expect(hub.open('192.0.2.1').ok).toBe(true)
    hub.close()
  })

  test('resyncs from the pool cache while anyone listens (the safety net for a lost push), and stops when no one does', async () => {
    const { clock, fake, open, hub } = hubWith({ pollMs: 100 })
    clock.advance(1_000)
    expect(fake.reads).toBe(0)
    const client = open()
    for (let step = 0; step < 10; step++) {
      clock.advance(100)
      await settle()
    }
    const whileOpen = fake.reads
    expect(whileOpen).toBeGreaterThanOrEqual(9)

    await client.cancel()
    clock.advance(1_000)
    expect(fake.reads).toBe(whileOpen)
    hub.close()
  })

  test('ends every stream and refuses new ones once the process is shutting down', async () => {
    let shuttingDown = false
    const { clock, open, hub } = hubWith({ shuttingDown: () => shuttingDown })
    const client = open()
    shuttingDown = true
    // Noticed at the next resync (1 s by default).
    clock.advance(1_000)
    await settle()
    expect(client.ended).toBe(true)
    expect(hub.size).toBe(0)
    expect(hub.open('203.0.113.9')).toMatchObject({ ok: false, reason: 'shutting-down' })
    hub.close()
  })

  test('reports the open streams on the subscribers gauge', async () => {
    const observed: number[] = []
    const meter = {
      createObservableGauge: () => ({
        addCallback: (callback: (result: { observe(value: number): void }) => void) => {
          gaugeRead = () => callback({ observe: (value) => observed.push(value) })
        },
      }),
    }
    let gaugeRead = () => {}
    const { hub, open } = hubWith({ meter: meter as unknown as PoolStreamHubOptions['meter'] })
    gaugeRead()
    const client = open()
    open()
    gaugeRead()
    await client.cancel()
    gaugeRead()
    expect(observed).toEqual([0, 2, 1])
    hub.close()
  })
})

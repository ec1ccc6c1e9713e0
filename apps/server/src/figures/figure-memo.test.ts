import { describe, expect, test } from 'bun:test'
import type { PoolsListener } from '@jackpot/domain'
import { ManualClock } from '@jackpot/observability/testing'
import { FigureMemo } from './figure-memo.ts'

const START = Date.parse('2025-03-01T12:00:00.000Z')

/** A store that only announces changes when the test commits one; a loader that counts its reads. */
function setup(options: { maxAgeMs?: number; maxEntries?: number } = {}) {
  const clock = new ManualClock(START)
  const listeners = new Set<PoolsListener>()
  const store = {
    onPoolsChanged: (listener: PoolsListener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  const memo = new FigureMemo({ store, clock, ...options })
  let reads = 0
  const load = async (now: Date) => ({ read: ++reads, now: now.getTime() })
  return {
    clock,
    memo,
    load,
    reads: () => reads,
    commit: () => {
      for (const listener of listeners) listener(['minor'])
    },
    listeners,
  }
}

describe('FigureMemo', () => {
  test('reuses a figure for maxAgeMs, then reads it again', async () => {
    const { clock, memo, load } = setup({ maxAgeMs: 1_000 })
    const first = await memo.read('stats', load)
    clock.advance(999)
    expect(await memo.read('stats', load)).toEqual(first)
    clock.advance(1)
    const second = await memo.read('stats', load)
    expect(second.value).toEqual({ read: 2, now: START + 1_000 })
    expect(second.at).toEqual(new Date(START + 1_000))
  })

  test('reads again as soon as this replica commits a change', async () => {
    const { memo, load, commit } = setup()
    await memo.read('stats', load)
    commit()
    expect((await memo.read('stats', load)).value.read).toBe(2)
  })

  test('does not reuse a read that started before a change committed', async () => {
    const { memo, commit } = setup()
    let release!: () => void
    const slow = memo.read(
      'stats',
      () => new Promise<string>((resolve) => (release = () => resolve('before'))),
    )
    commit()
    const after = memo.read('stats', async () => 'after')
    release()
    expect([(await slow).value, (await after).value]).toEqual(['before', 'after'])
    expect((await memo.read('stats', async () => 'third')).value).toBe('after')
  })

  test('shares one read among concurrent requests for the same figure', async () => {
    const { memo, load, reads } = setup()
    const answers = await Promise.all([memo.read('stats', load), memo.read('stats', load)])
    expect(answers[0]).toBe(answers[1])
    expect(reads()).toBe(1)
  })

  test('does not keep a failed read: the next request reads again', async () => {
    const { memo, load } = setup()
    await expect(memo.read('stats', () => Promise.reject(new Error('database down')))).rejects.toThrow(
      'database down',
    )
    expect((await memo.read('stats', load)).value.read).toBe(1)
  })

  test('keeps figures apart by key, and at most maxEntries of them', async () => {
    const { memo, load } = setup({ maxEntries: 2 })
    await memo.read('a', load)
    await memo.read('b', load)
    expect((await memo.read('a', load)).value.read).toBe(1)
    await memo.read('c', load) // evicts 'a', the least recently refreshed
    expect((await memo.read('b', load)).value.read).toBe(2)
    expect((await memo.read('a', load)).value.read).toBe(4)
  })

  test('reads fresh and keeps nothing when there is no key', async () => {
    const { memo, load } = setup()
    await memo.read(undefined, load)
    expect((await memo.read(undefined, load)).value.read).toBe(2)
    expect((await memo.read('stats', load)).value.read).toBe(3)
  })

  test('stops listening to the store when closed', () => {
    const { memo, listeners } = setup()
    expect(listeners.size).toBe(1)
    memo.close()
    expect(listeners.size).toBe(0)
  })
})

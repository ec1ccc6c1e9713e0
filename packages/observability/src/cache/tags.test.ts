import { describe, expect, test } from 'bun:test'
import { ManualClock } from '../clock/manual-clock.ts'
import { VersionTable } from './tags.ts'

const backend = (versions: Record<string, number>) => {
  let fetches = 0
  return {
    get fetches() {
      return fetches
    },
    versions,
    fetch: async (names: readonly string[]) => {
      fetches++
      return names.map((name) => versions[name] ?? 0)
    },
    bump: async (names: readonly string[]) =>
      names.map((name) => {
        versions[name] = (versions[name] ?? 0) + 1
        return versions[name]
      }),
  }
}

describe('VersionTable', () => {
  test('without a backend, versions are local counters that never need re-reading', async () => {
    const table = new VersionTable({ clock: new ManualClock(), ttlMs: 1_000, onError: () => {} })
    const cell = table.cell('t:pools')
    expect(table.isFresh(cell, 1e12)).toBe(true)
    expect(await table.bump(['t:pools'])).toEqual({ 't:pools': 1 })
    table.applyRemote({ 't:pools': 1 })
    expect(cell.version).toBe(2) // a remote bump always changes the local version
  })

  test('re-reads versions from the backend once they are older than the TTL, in one call for concurrent readers', async () => {
    const clock = new ManualClock()
    const redis = backend({ 't:a': 3, 't:b': 7 })
    const table = new VersionTable({ clock, ttlMs: 1_000, backend: redis, onError: () => {} })
    const cells = [table.cell('t:a'), table.cell('t:b')]
    await Promise.all([table.refresh(cells), table.refresh(cells)])
    expect(cells.map((cell) => cell.version)).toEqual([3, 7])
    expect(redis.fetches).toBe(1)
    await table.refresh(cells)
    expect(redis.fetches).toBe(1)
    redis.versions['t:a'] = 4
    clock.advance(1_000)
    await table.refresh(cells)
    expect(cells[0]!.version).toBe(4)
    expect(redis.fetches).toBe(2)
  })

  test('keeps the last known versions for another TTL when the backend fails, and reports the error', async () => {
    const clock = new ManualClock()
    const errors: unknown[] = []
    const failing = {
      fetch: async () => {
        throw new Error('redis down')
      },
      bump: async () => [],
    }
    const table = new VersionTable({
      clock,
      ttlMs: 1_000,
      backend: failing,
      onError: (error) => errors.push(error),
    })
    const cell = table.cell('t:a')
    cell.version = 5
    await table.refresh([cell])
    expect(cell.version).toBe(5)
    expect(table.isFresh(cell, clock.now())).toBe(true)
    expect(errors).toHaveLength(1)
  })

  test('a bus message never lowers a version, but after a resync the backend is believed as it is', async () => {
    const clock = new ManualClock()
    const redis = backend({ 't:a': 1 })
    const table = new VersionTable({ clock, ttlMs: 1_000, backend: redis, onError: () => {} })
    const cell = table.cell('t:a')
    table.applyRemote({ 't:a': 9 })
    await table.refresh([cell])
    expect(cell.version).toBe(9) // fresh: not re-read
    table.resync() // e.g. Redis restarted and lost its counters
    await table.refresh([cell])
    expect(cell.version).toBe(1)
  })
})

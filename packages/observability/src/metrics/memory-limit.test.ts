import { describe, expect, test } from 'bun:test'
import { totalmem } from 'node:os'
import { memoryLimitBytes } from './memory-limit.ts'

const files =
  (contents: Record<string, string>) =>
  (path: string): string => {
    const text = contents[path]
    if (text === undefined) throw new Error(`ENOENT: ${path}`)
    return text
  }

describe('memoryLimitBytes', () => {
  test('reads the cgroup v2 limit', () => {
    expect(memoryLimitBytes(files({ '/sys/fs/cgroup/memory.max': '536870912\n' }))).toBe(536870912)
  })

  test('falls back to the cgroup v1 limit', () => {
    const read = files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '1073741824\n' })
    expect(memoryLimitBytes(read)).toBe(1073741824)
  })

  test('uses the machine memory when the cgroup is unlimited or unreadable', () => {
    expect(memoryLimitBytes(files({ '/sys/fs/cgroup/memory.max': 'max\n' }))).toBe(totalmem())
    expect(
      memoryLimitBytes(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' })),
    ).toBe(totalmem())
    expect(memoryLimitBytes(files({}))).toBe(totalmem())
  })
})

import { readFileSync } from 'node:fs'
import { totalmem } from 'node:os'

// cgroup v2, then v1. v1 reports a huge number (≈ 2^63) when unlimited.
const CGROUP_LIMIT_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']

/**
 * The memory this process may use, in bytes: the container's cgroup limit when one
 * is set and readable, otherwise the machine's total memory. Alerts compare RSS
 * with it ("memory above 85 %"), which is only meaningful against the real limit.
 */
export function memoryLimitBytes(readFile: (path: string) => string = readText): number {
  const machine = totalmem()
  for (const path of CGROUP_LIMIT_FILES) {
    let text: string
    try {
      text = readFile(path).trim()
    } catch {
      continue
    }
    const limit = Number(text)
    // "max" (v2, unlimited) is NaN; an unlimited v1 value exceeds the machine.
    if (Number.isFinite(limit) && limit > 0 && limit < machine) return limit
  }
  return machine
}

function readText(path: string): string {
  return readFileSync(path, 'utf8')
}

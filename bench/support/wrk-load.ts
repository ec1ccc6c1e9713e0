/**
 * Socket load for the HTTP benches: `wrk` pinned to one CPU against a server
 * process pinned to the other, with the server's own CPU time per request read
 * from /proc — the steadier figure on a shared two-core machine, where req/s
 * swing with other jobs.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** The server process runs on this CPU (`taskset -c`), the load generator on the other. */
export const SERVER_CPU = '0'
export const LOAD_CPU = '1'
export const CONNECTIONS = 32
export const CLOCK_TICKS_PER_S = 100

/** One wrk run against one server. */
export interface LoadRun {
  rps: number
  /** utime + stime of the server per request served. */
  cpuMicrosPerRequest: number
  p99: string
  /** Non-2xx/3xx answers plus socket errors (a 304 is a success). */
  errors: number
}

/** Fails with the apt package to install when wrk or taskset is missing. */
export function requireLoadTools(): void {
  for (const tool of ['wrk', 'taskset']) {
    if (spawnSync('which', [tool]).status !== 0)
      throw new Error(`${tool} is needed (apt-get install ${tool})`)
  }
}

/**
 * Loads `url` for `seconds` with `wrk -t1 -c32` on {@link LOAD_CPU} and measures
 * the CPU the server process `pid` spent meanwhile.
 *
 * @example
 * const run = wrkLoad(server.pid, 'http://127.0.0.1:3000/hello', 4)
 */
export function wrkLoad(
  pid: number,
  url: string,
  seconds: number,
  headers: Record<string, string> = {},
): LoadRun {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  const before = cpuTicks(pid)
  const result = spawnSync(
    'taskset',
    ['-c', LOAD_CPU, 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...headerArgs, url],
    { encoding: 'utf8' },
  )
  const cpuSeconds = (cpuTicks(pid) - before) / CLOCK_TICKS_PER_S
  if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr}${result.error ?? ''}`)
  const out = result.stdout
  const requests = Number(/(\d+) requests in/.exec(out)?.[1])
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  if (!(rps > 0)) throw new Error(`could not read wrk's output:\n${out}`)
  return {
    rps,
    cpuMicrosPerRequest: (cpuSeconds * 1e6) / Math.max(1, requests),
    p99: /99%\s+(\S+)/.exec(out)?.[1] ?? '?',
    errors: wrkErrors(out),
  }
}

/**
 * Non-2xx/3xx answers plus socket errors, from wrk's printed summary.
 *
 * @example
 * wrkErrors('Socket errors: connect 0, read 1, write 0, timeout 2') // 3
 */
export function wrkErrors(out: string): number {
  return (
    Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) +
    (/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(out)
      ?.slice(1)
      .reduce((sum, n) => sum + Number(n), 0) ?? 0)
  )
}

/** utime + stime of a process, in clock ticks (Linux). */
export function cpuTicks(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** The middle value (upper middle for an even count). */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

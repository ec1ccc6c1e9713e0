import { appendFileSync } from 'node:fs'
import { UNAVAILABLE_REPORT } from './test-services.ts'

/**
 * Says plainly that a suite could not run here (a service missing outside CI):
 * prints the line and appends it to the report `bun run test` shows at the end.
 *
 * @example
 * reportUnavailable('apps/server Redis suite: no Redis at 127.0.0.1:6379 (ran on L1 only)')
 */
export function reportUnavailable(line: string): void {
  console.warn(`[not run] ${line}`)
  appendFileSync(UNAVAILABLE_REPORT, `${line}\n`)
}

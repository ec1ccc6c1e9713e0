/**
 * Contributions posted by `wrk` with `contributions.lua`: a fresh
 * Idempotency-Key per request and, per key, what the server answered. wrk's
 * `response()` hook is not told which request it answers, so the script sends
 * the key as X-Request-Id too (the server echoes it on every response, 503s
 * included) and logs "key status replayed retry-after" per response.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pinnedCommand } from './pinned-command.ts'
import { LOAD_CPU } from './wrk-load.ts'

const SCRIPT = join(import.meta.dir, 'contributions.lua')

/** Wager of every bench contribution, in cents: it leaves sub-cent residues in every pool. */
export const BENCH_WAGER_CENTS = 2537

export interface ContributionLoadOptions {
  /** Server base URL, e.g. http://127.0.0.1:3000. */
  url: string
  apiKey: string
  currency: string
  connections: number
  /** wrk threads; all of them share {@link LOAD_CPU}. */
  threads: number
  seconds: number
  /** Folder for the per-thread key logs. */
  logDir: string
  /** Every key of this load starts with it; unique per load within a run. */
  keyPrefix: string
  /** wrk's per-request timeout (its default, 2 s, would count slow answers as errors). */
  timeoutSeconds?: number
  /** Open-file limit to ask for (one socket per connection). */
  openFiles?: number
}

/** What one key got: its status, and the two headers the benches check. */
export interface KeyAnswer {
  status: number
  replayed: boolean
  retryAfter: string | null
}

export interface ContributionLoad {
  durationSeconds: number
  /** Responses wrk received. */
  responses: number
  connectErrors: number
  readErrors: number
  writeErrors: number
  timeouts: number
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
  /** Every key wrk generated (sent or about to be), in no particular order. */
  keys: string[]
  /** The answer to each key that got one. */
  answers: Map<string, KeyAnswer>
  /** Responses whose X-Request-Id was missing or not one of this load's keys. */
  unattributed: number
  /** Keys answered more than once (wrk never sends a key twice, so this must be 0). */
  answeredTwice: number
  /** Responses per status. */
  statuses: Map<number, number>
}

interface WrkSummary {
  durationUs: number
  responses: number
  connectErrors: number
  readErrors: number
  writeErrors: number
  timeouts: number
  p50Us: number
  p90Us: number
  p99Us: number
  maxUs: number
  meanUs: number
  sent: Record<string, number>
}

/**
 * Runs wrk pinned to {@link LOAD_CPU} for `seconds` and reads back every key's answer.
 *
 * @example
 * const load = await runContributionLoad({ url, apiKey, currency: 'EUR', connections: 500, threads: 2, seconds: 20, logDir, keyPrefix: 'run1-main' })
 */
export async function runContributionLoad(options: ContributionLoadOptions): Promise<ContributionLoad> {
  // Keys travel in X-Request-Id, which the server echoes only when it is made of these characters.
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(options.keyPrefix)) throw new Error(`bad key prefix ${options.keyPrefix}`)
  // Asynchronous, so the bench can watch the server's /metrics while wrk runs.
  const child = Bun.spawn(
    pinnedCommand(
      LOAD_CPU,
      [
        'wrk',
        `-t${options.threads}`,
        `-c${options.connections}`,
        `-d${options.seconds}s`,
        `--timeout=${options.timeoutSeconds ?? 30}s`,
        '-s',
        SCRIPT,
        `${options.url}/api/v1/contributions`,
        '--',
        options.logDir,
        options.keyPrefix,
        options.apiKey,
        options.currency,
        String(BENCH_WAGER_CENTS),
      ],
      options.openFiles,
    ),
    { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
  )
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  const line = /WRK_SUMMARY (\{.*\})/.exec(stdout)?.[1]
  if (code !== 0 || line === undefined) throw new Error(`wrk failed (${code}): ${stderr}\n${stdout}`)
  const summary = JSON.parse(line) as WrkSummary
  const keys: string[] = []
  for (const [thread, sent] of Object.entries(summary.sent)) {
    for (let n = 1; n <= sent; n++) keys.push(`${options.keyPrefix}-${thread}-${n}`)
  }
  const known = new Set(keys)
  const answers = new Map<string, KeyAnswer>()
  const statuses = new Map<number, number>()
  let unattributed = 0
  let answeredTwice = 0
  const logFile = new RegExp(`^${options.keyPrefix}-\\d+\\.log$`)
  for (const file of readdirSync(options.logDir)) {
    if (!logFile.test(file)) continue
    for (const entry of readFileSync(join(options.logDir, file), 'utf8').split('\n')) {
      if (entry === '') continue
      const [key = '', status = '', replayed = '-', retryAfter = '-'] = entry.split(' ')
      const code = Number(status)
      statuses.set(code, (statuses.get(code) ?? 0) + 1)
      if (!known.has(key)) {
        unattributed++
        continue
      }
      if (answers.has(key)) answeredTwice++
      answers.set(key, {
        status: code,
        replayed: replayed === 'true',
        retryAfter: retryAfter === '-' ? null : retryAfter,
      })
    }
  }
  const logged = [...statuses.values()].reduce((sum, n) => sum + n, 0)
  // A lost log line would make a 201 look unanswered and weaken every check built on the logs.
  if (logged !== summary.responses)
    throw new Error(`wrk counted ${summary.responses} responses but its script logged ${logged}`)
  return {
    durationSeconds: summary.durationUs / 1e6,
    responses: summary.responses,
    connectErrors: summary.connectErrors,
    readErrors: summary.readErrors,
    writeErrors: summary.writeErrors,
    timeouts: summary.timeouts,
    latencyMs: {
      p50: summary.p50Us / 1000,
      p90: summary.p90Us / 1000,
      p99: summary.p99Us / 1000,
      max: summary.maxUs / 1000,
      mean: summary.meanUs / 1000,
    },
    keys,
    answers,
    unattributed,
    answeredTwice,
    statuses,
  }
}

/**
 * A contribution storm over 2 000 connections against one server replica on
 * PostgreSQL (+ Redis, rate limiting off): overload must degrade, not collapse.
 *
 *   bun run bench/overload.bench.ts [--duration 15] [--connections 2000]
 *
 * 1. `wrk` (bench/support/contributions.lua, CPU 1) posts contributions with a
 *    fresh Idempotency-Key each to the server (CPU 0), logging per key the
 *    status, `Idempotency-Replayed` and `Retry-After` it got, while the bench
 *    polls `/metrics` for the breakers' state (`circuit_breaker_state`,
 *    `circuit_breaker_calls_total`).
 * 2. Every answer must be 201, or 503 with `Retry-After`.
 * 3. Once the ledger stops growing, in the database: every key answered 201
 *    is recorded exactly once, and no key answered 503 is recorded at all.
 * 4. Then every key is posted again (same body, same Idempotency-Key) at a
 *    gentle rate: a 201 key must answer 201 with `Idempotency-Replayed: true`,
 *    a 503 key a fresh 201 (it was not recorded, so it is created now), a key
 *    left unanswered either, as the ledger says. Above `--replay-max` keys of
 *    one kind, a random sample of them is replayed (step 3 covers all keys).
 * 5. The pool identities hold afterwards.
 *
 * Target (issue 8): no breaker opens; every request gets 201 or 503 with
 * Retry-After; each 201 is recorded and each 503 is not. Exits 1 when any of
 * it fails. Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL), wrk
 * and taskset; Linux; an open-file limit above the connection count (raised up
 * to the hard limit for wrk and the server).
 */
import { machineLine, UsageError, wholeNumber } from './support/bench-args.ts'
import { breakerOpened, watchBreakers } from './support/breaker-watch.ts'
import { type KeyAnswer, runContributionLoad } from './support/contribution-load.ts'
import { openContributionRun } from './support/contribution-run.ts'
import { checkLedger, checkPoolIdentities, ledgerHolds, waitForQuietLedger } from './support/ledger-check.ts'
import { replayKeys } from './support/replay-keys.ts'
import { LOAD_CPU, requireLoadTools, SERVER_CPU } from './support/wrk-load.ts'
import { WRK_USAGE_END, type WrkOptions, wrkBenchOptions } from './support/wrk-options.ts'

const USAGE = `usage: bun run bench/overload.bench.ts [options]

A contribution storm over many connections against one server on PostgreSQL + Redis:
every answer must be 201 or 503 with Retry-After, each 201 recorded, each 503 not,
and no breaker may open.

  --duration S          seconds of the storm (default 15)
  --connections N       wrk connections (default 2000)
  --threads N           wrk threads, all on CPU ${LOAD_CPU} (default 2)
  --replay-max N        replay at most N keys of each kind (201, 503, unanswered),
                        a random sample above that (default 20000)
  --replay-concurrency N  replays in flight at once (default 16)
  --server-env N=V      extra server environment, repeatable
${WRK_USAGE_END}`

interface Options extends WrkOptions {
  replayMax: number
  replayConcurrency: number
}

function options(args: string[]): Options | 'help' {
  const flags = { 'replay-max': { type: 'string' }, 'replay-concurrency': { type: 'string' } } as const
  return wrkBenchOptions(
    args,
    flags,
    { duration: 15, connections: 2_000, maxConnections: 60_000 },
    (values) => ({
      replayMax: wholeNumber('replay-max', values['replay-max'], 20_000, 1, 10_000_000),
      replayConcurrency: wholeNumber('replay-concurrency', values['replay-concurrency'], 16, 1, 256),
    }),
  )
}

const count = (n: number) => n.toLocaleString('en')
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`

/** Up to `max` of `keys`, a uniform random sample when there are more. */
function sample(keys: readonly string[], max: number): string[] {
  const copy = [...keys]
  for (let i = 0; i < Math.min(max, copy.length); i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy.slice(0, max)
}

async function main(opts: Options): Promise<boolean> {
  requireLoadTools()
  console.log(`overload bench — ${new Date().toISOString()} — ${machineLine()}`)
  const openFiles = opts.connections + 1_024
  const run = await openContributionRun({
    label: 'overload',
    openFiles,
    ...(opts.serverEnv ? { serverEnv: opts.serverEnv } : {}),
  })
  try {
    console.log(
      `\n1. storm: server on CPU ${SERVER_CPU} (PostgreSQL database ${run.database.name}, Redis, ` +
        `RATE_LIMIT_ENABLED=false), wrk -t${opts.threads} -c${opts.connections} on CPU ${LOAD_CPU}, ${opts.duration}s`,
    )
    const watch = await watchBreakers(run.server.url)
    const storm = await runContributionLoad({
      url: run.server.url,
      apiKey: run.apiKey,
      currency: run.currency,
      connections: opts.connections,
      threads: Math.min(opts.threads, opts.connections),
      seconds: opts.duration,
      logDir: run.logDir,
      keyPrefix: `o${run.id}-storm`,
      openFiles,
    })
    const breakers = await watch.stop()
    const byStatus = (status: number) => [...storm.answers].filter(([, answer]) => answer.status === status)
    const created = byStatus(201).filter(([, answer]) => !answer.replayed)
    const refused = byStatus(503)
    const withoutRetryAfter = refused.filter(([, answer]) => answer.retryAfter === null).length
    // A fresh key answered as a replay would be as wrong as any other status.
    const other = [...storm.answers].filter(
      ([, answer]) => (answer.status !== 201 && answer.status !== 503) || answer.replayed,
    )
    const unanswered = storm.keys.length - storm.answers.size
    const statuses = [...storm.statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}: ${count(n)}`)
    console.log(
      `   ${count(storm.keys.length)} requests sent in ${storm.durationSeconds.toFixed(1)} s: ${statuses.join(', ')}; ` +
        `no response: ${count(unanswered)} (socket errors ${storm.connectErrors + storm.readErrors + storm.writeErrors}, ` +
        `wrk timeouts ${storm.timeouts})`,
    )
    console.log(
      `   contributions/s (201 per second): ${count(Math.round(created.length / storm.durationSeconds))}; ` +
        `latency p50 ${ms(storm.latencyMs.p50)}, p99 ${ms(storm.latencyMs.p99)}, max ${ms(storm.latencyMs.max)}`,
    )
    for (const [breaker, states] of breakers.statesSeen) {
      const calls = [...(breakers.calls.get(breaker) ?? [])]
        .filter(([, n]) => n > 0)
        .map(([o, n]) => `${o} ${count(n)}`)
      console.log(
        `   breaker ${breaker}: ${breakerOpened(breakers, breaker) ? 'OPENED' : 'stayed closed'} ` +
          `(states seen ${[...states].join('/')}; calls ${calls.join(', ') || 'none'})`,
      )
    }
    console.log(
      `   /metrics polls: ${breakers.polls} answered, ${breakers.missedPolls} unanswered within 5 s; ` +
        `unattributed responses: ${storm.unattributed}`,
    )
    const answersOk = other.length === 0 && withoutRetryAfter === 0 && storm.unattributed === 0
    console.log(
      `\n2. every answer 201, or 503 with Retry-After: ${answersOk ? 'yes' : 'NO'} ` +
        `(503 without Retry-After: ${withoutRetryAfter}; other statuses: ${other.length}` +
        `${
          other.length
            ? ` e.g. ${other
                .slice(0, 3)
                .map(([key, a]) => `${key}=${a.status}`)
                .join(' ')}`
            : ''
        })`,
    )

    const drained = await waitForQuietLedger(run.database.url)
    const ledger = await checkLedger(run.database.url, storm.keys, storm.answers)
    const refusedRecorded = ledger.recordedDespite.get(503)?.length ?? 0
    const recordedOk = ledgerHolds(ledger)
    console.log(
      `\n3. database, once the ledger stopped growing (${(drained / 1000).toFixed(1)} s after wrk stopped): ` +
        `${count(ledger.entries)} contribution entries\n` +
        `   201 keys recorded exactly once: ${count(ledger.recorded201)} of ${count(ledger.answered201)} ` +
        `(missing ${ledger.missing201.length}, duplicated ${ledger.duplicated.length})\n` +
        `   503 keys recorded anyway: ${count(refusedRecorded)} of ${count(refused.length)}` +
        `${refusedRecorded ? ` e.g. ${ledger.recordedDespite.get(503)!.slice(0, 3).join(' ')}` : ''}\n` +
        `   unanswered keys recorded: ${ledger.recordedUnanswered.length} of ${unanswered}; ` +
        `foreign entries ${ledger.foreign}; stored key ≠ sent key ${ledger.keyMismatch}; wrong line count ${ledger.wrongLineCount}\n` +
        `   each 201 recorded and each 503 not: ${recordedOk ? 'yes' : 'NO'}`,
    )

    const recorded = new Set(ledger.recordedUnanswered)
    const unansweredKeys = [...ledger.recordedUnanswered, ...ledger.unrecordedUnanswered]
    const groups: { name: string; keys: string[]; expect: (key: string, answer: KeyAnswer) => boolean }[] = [
      {
        name: '201 keys',
        keys: created.map(([key]) => key),
        expect: (_, a) => a.status === 201 && a.replayed,
      },
      {
        name: '503 keys',
        keys: refused.map(([key]) => key),
        expect: (_, a) => a.status === 201 && !a.replayed,
      },
      {
        name: 'unanswered keys',
        keys: unansweredKeys,
        expect: (key, a) => a.status === 201 && a.replayed === recorded.has(key),
      },
    ]
    console.log(`\n4. replay (same body, same Idempotency-Key), ${opts.replayConcurrency} in flight at once`)
    let replayOk = true
    for (const group of groups) {
      const keys = sample(group.keys, opts.replayMax)
      const started = performance.now()
      const answers = await replayKeys(keys, {
        url: run.server.url,
        apiKey: run.apiKey,
        currency: run.currency,
        concurrency: opts.replayConcurrency,
      })
      const wrong = keys.filter((key) => !group.expect(key, answers.get(key)!))
      replayOk &&= wrong.length === 0
      const seconds = (performance.now() - started) / 1000
      console.log(
        `   ${group.name}: ${count(keys.length)} of ${count(group.keys.length)} replayed in ${seconds.toFixed(1)} s, ` +
          `${count(wrong.length)} answered otherwise than expected` +
          (wrong.length
            ? ` e.g. ${wrong
                .slice(0, 3)
                .map(
                  (key) =>
                    `${key}=${answers.get(key)!.status}${answers.get(key)!.replayed ? ' replayed' : ''}`,
                )
                .join(' ')}`
            : ''),
      )
    }
    console.log(
      '   (201 keys must replay as 201 with Idempotency-Replayed: true; 503 keys must be created fresh)',
    )

    const identities = await checkPoolIdentities(run.database.url)
    for (const failure of identities)
      console.log(
        `   IDENTITY FAILS ${failure.pool}: ${failure.identity}: ${failure.left} ≠ ${failure.right}`,
      )
    console.log(`\n5. pool identities afterwards: ${identities.length === 0 ? 'all hold' : 'FAIL'}`)

    const databaseBreakerOpened = breakerOpened(breakers, 'database')
    console.log('\nsummary')
    console.log(`   database breaker opened: ${databaseBreakerOpened ? 'YES (target: no)' : 'no'}`)
    console.log(`   every answer 201 or 503 + Retry-After: ${answersOk ? 'yes' : 'NO'}`)
    console.log(
      `   each 201 recorded, each 503 not (database, then replay): ${recordedOk && replayOk ? 'yes' : 'NO'}`,
    )
    return !databaseBreakerOpened && answersOk && recordedOk && replayOk && identities.length === 0
  } finally {
    await run.close()
  }
}

try {
  const parsed = options(process.argv.slice(2))
  if (parsed === 'help') console.log(USAGE)
  else if (!(await main(parsed))) process.exitCode = 1
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  console.error(`${error.message}\n\n${USAGE}`)
  process.exitCode = 2
}

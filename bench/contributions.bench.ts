/**
 * Contributions per second over 500 connections against one server replica on
 * PostgreSQL (+ Redis, rate limiting off), against the naive one-transaction-
 * per-contribution peak of pgbench measured in the same run (the anchor).
 *
 *   bun run bench/contributions.bench.ts [--duration 20] [--connections 500]
 *
 * 1. Anchor: `pgbench -f` with the naive transaction (BEGIN; INSERT the
 *    idempotency key into ledger_entries; UPDATE the 3 pool rows; INSERT 3
 *    ledger lines; COMMIT) on a fresh database made with the project's
 *    migrations, at 4, 8 and 16 clients; the peak tps is the anchor.
 * 2. The server (`apps/server/src/main.ts`, production settings) alone on CPU 0,
 *    `wrk` with `bench/support/contributions.lua` on CPU 1: a short warm-up, then
 *    the measured run. Every request has its own Idempotency-Key.
 * 3. Then, on the server's database: the ledger holds every key answered 201
 *    exactly once, no key answered anything else, and nothing foreign (see
 *    bench/support/ledger-check.ts for how keys and answers are matched); keys
 *    still in flight when wrk stopped are resolved by replaying them; the pool
 *    identities hold.
 *
 * Target (issue 8): contributions/s ≥ 4× the pgbench peak, 0 failed requests,
 * p99 < 1 s. Exits 1 when the ledger or pool checks fail (not when only the
 * throughput target is missed). Needs PostgreSQL (TEST_DATABASE_URL), Redis
 * (TEST_REDIS_URL), wrk, pgbench and taskset; Linux.
 */
import { machineLine, UsageError, wholeNumber } from './support/bench-args.ts'
import { breakerOpened, watchBreakers } from './support/breaker-watch.ts'
import { type ContributionLoad, runContributionLoad } from './support/contribution-load.ts'
import { openContributionRun } from './support/contribution-run.ts'
import { checkLedger, checkPoolIdentities, ledgerHolds, waitForQuietLedger } from './support/ledger-check.ts'
import { pgbenchAnchor, requirePgbench } from './support/pgbench-anchor.ts'
import { replayKeys } from './support/replay-keys.ts'
import { LOAD_CPU, requireLoadTools, SERVER_CPU } from './support/wrk-load.ts'
import { WRK_USAGE_END, type WrkOptions, wrkBenchOptions } from './support/wrk-options.ts'

const TARGET_RATIO = 4
const TARGET_P99_MS = 1_000
const ANCHOR_CLIENTS = [4, 8, 16]

const USAGE = `usage: bun run bench/contributions.bench.ts [options]

Contributions/s over many connections against one server on PostgreSQL + Redis,
with the naive pgbench transaction's peak measured in the same run as the anchor.

  --duration S          seconds of the measured wrk run (default 20)
  --connections N       wrk connections (default 500)
  --threads N           wrk threads, all on CPU ${LOAD_CPU} (default 2)
  --warmup S            seconds of warm-up load before it, 64 connections (default 3; 0 = none)
  --anchor-duration S   seconds of each pgbench run (default 10)
  --no-anchor           skip pgbench (no ratio is printed)
  --server-env N=V      extra server environment, repeatable (e.g. DATABASE_POOL_SIZE=20)
${WRK_USAGE_END}`

interface Options extends WrkOptions {
  warmup: number
  anchorDuration: number
  anchor: boolean
}

function options(args: string[]): Options | 'help' {
  const flags = {
    warmup: { type: 'string' },
    'anchor-duration': { type: 'string' },
    'no-anchor': { type: 'boolean' },
  } as const
  return wrkBenchOptions(
    args,
    flags,
    { duration: 20, connections: 500, maxConnections: 10_000 },
    (values) => ({
      warmup: wholeNumber('warmup', values.warmup, 3, 0, 600),
      anchorDuration: wholeNumber('anchor-duration', values['anchor-duration'], 10, 1, 600),
      anchor: !values['no-anchor'],
    }),
  )
}

const count = (n: number) => n.toLocaleString('en')
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`

/** Responses per status, and the requests that got no response at all. */
function describeAnswers(load: ContributionLoad): string {
  const statuses = [...load.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${count(n)}`)
  const socket = load.connectErrors + load.readErrors + load.writeErrors
  return `${statuses.join(', ')}; no response: ${count(load.keys.length - load.answers.size)} (socket errors ${socket}, wrk timeouts ${load.timeouts})`
}

async function main(opts: Options): Promise<boolean> {
  requireLoadTools()
  if (opts.anchor) requirePgbench()
  console.log(`contributions bench — ${new Date().toISOString()} — ${machineLine()}`)

  let anchorTps: number | undefined
  if (opts.anchor) {
    console.log(
      `\n1. anchor: naive transaction, pgbench -M prepared on CPU ${LOAD_CPU}, ${opts.anchorDuration}s per client count`,
    )
    const anchor = await pgbenchAnchor(ANCHOR_CLIENTS, opts.anchorDuration)
    for (const run of anchor.runs)
      console.log(
        `   ${String(run.clients).padStart(2)} clients: ${count(Math.round(run.tps)).padStart(6)} tps, ` +
          `latency ${run.latencyMs.toFixed(1)} ms, failed ${run.failed}`,
      )
    anchorTps = anchor.peak.tps
    console.log(`   peak: ${count(Math.round(anchorTps))} tps at ${anchor.peak.clients} clients`)
  }

  const run = await openContributionRun({
    label: 'contrib',
    openFiles: opts.connections + 1_024,
    ...(opts.serverEnv ? { serverEnv: opts.serverEnv } : {}),
  })
  let ok = true
  try {
    console.log(
      `\n2. server on CPU ${SERVER_CPU} (PostgreSQL database ${run.database.name}, Redis, RATE_LIMIT_ENABLED=false), ` +
        `wrk -t${opts.threads} -c${opts.connections} on CPU ${LOAD_CPU}, ${opts.duration}s` +
        (opts.warmup > 0 ? ` after ${opts.warmup}s warm-up at 64 connections` : ''),
    )
    const load = (phase: string, connections: number, seconds: number) =>
      runContributionLoad({
        url: run.server.url,
        apiKey: run.apiKey,
        currency: run.currency,
        connections,
        threads: Math.min(opts.threads, connections),
        seconds,
        logDir: run.logDir,
        keyPrefix: `c${run.id}-${phase}`,
        openFiles: opts.connections + 1_024,
      })
    const loads: ContributionLoad[] = []
    if (opts.warmup > 0) loads.push(await load('warm', 64, opts.warmup))
    const watch = await watchBreakers(run.server.url)
    const main = await load('main', opts.connections, opts.duration)
    loads.push(main)
    const breakers = await watch.stop()

    const created = [...main.answers.values()].filter(
      (answer) => answer.status === 201 && !answer.replayed,
    ).length
    const perSecond = created / main.durationSeconds
    // Failed: answered anything but a fresh 201, or lost to a socket error or wrk's timeout. Requests
    // still in flight when wrk stops are not failures; they are resolved in step 3.
    const failed =
      main.answers.size - created + main.connectErrors + main.readErrors + main.writeErrors + main.timeouts
    console.log(`   responses: ${describeAnswers(main)}`)
    console.log(
      `   latency: p50 ${ms(main.latencyMs.p50)}, p90 ${ms(main.latencyMs.p90)}, p99 ${ms(main.latencyMs.p99)}, ` +
        `max ${ms(main.latencyMs.max)}`,
    )
    console.log(
      `   database breaker: ${breakerOpened(breakers, 'database') ? 'OPENED' : 'stayed closed'} ` +
        `(states seen ${[...(breakers.statesSeen.get('database') ?? [])].join('/') || 'none'}, ` +
        `rejected calls ${breakers.calls.get('database')?.get('rejected') ?? 0}, ${breakers.missedPolls} of ` +
        `${breakers.polls + breakers.missedPolls} /metrics polls unanswered)`,
    )
    console.log(`   unattributed responses (no key in X-Request-Id): ${main.unattributed}`)

    console.log('\n3. ledger and pools afterwards')
    const drained = await waitForQuietLedger(run.database.url)
    console.log(
      `   the ledger stopped growing ${(drained / 1000).toFixed(1)} s after wrk stopped (checked once quiet for 5 s)`,
    )
    const keys = loads.flatMap((phase) => phase.keys)
    const answers = new Map(loads.flatMap((phase) => [...phase.answers]))
    const ledger = await checkLedger(run.database.url, keys, answers)
    const despite = [...ledger.recordedDespite].map(([status, list]) => `${status}: ${list.length}`)
    console.log(
      `   ${count(ledger.entries)} contribution entries; ${count(ledger.recorded201)} of ${count(ledger.answered201)} ` +
        `keys answered 201 recorded exactly once; missing ${ledger.missing201.length}; duplicated ${ledger.duplicated.length}; ` +
        `recorded although answered otherwise ${despite.length ? despite.join(', ') : '0'}; foreign ${ledger.foreign}; ` +
        `stored key ≠ sent key ${ledger.keyMismatch}; wrong line count ${ledger.wrongLineCount}`,
    )
    const unanswered = [...ledger.recordedUnanswered, ...ledger.unrecordedUnanswered]
    const recorded = new Set(ledger.recordedUnanswered)
    const resolved = await replayKeys(unanswered, {
      url: run.server.url,
      apiKey: run.apiKey,
      currency: run.currency,
    })
    const unresolved = unanswered.filter((key) => {
      const answer = resolved.get(key)
      return answer?.status !== 201 || answer.replayed !== recorded.has(key)
    })
    console.log(
      `   ${unanswered.length} keys sent without an answer (in flight when wrk stopped): ${ledger.recordedUnanswered.length} ` +
        `recorded, ${ledger.unrecordedUnanswered.length} not; replayed, ${unanswered.length - unresolved.length} answered ` +
        `accordingly (201 replay when recorded, fresh 201 when not), ${unresolved.length} did not`,
    )
    const identities = await checkPoolIdentities(run.database.url)
    for (const failure of identities)
      console.log(
        `   IDENTITY FAILS ${failure.pool}: ${failure.identity}: ${failure.left} ≠ ${failure.right}`,
      )
    if (identities.length === 0)
      console.log('   pool identities: all hold (conservation, ledger sums, running after-figures, split)')
    ok = ledgerHolds(ledger) && unresolved.length === 0 && identities.length === 0 && main.unattributed === 0
    console.log(`   ledger holds every 201 exactly once and nothing else: ${ok ? 'yes' : 'NO'}`)

    console.log('\nsummary')
    console.log(
      `   contributions/s (201 per second): ${count(Math.round(perSecond))} over ${opts.connections} connections`,
    )
    if (anchorTps !== undefined) {
      const ratio = perSecond / anchorTps
      console.log(
        `   vs pgbench naive peak ${count(Math.round(anchorTps))} tps: ${ratio.toFixed(2)}× ` +
          `(target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
      )
    }
    console.log(
      `   failed requests (non-201, socket errors, timeouts): ${count(failed)} (target 0: ${failed === 0 ? 'met' : 'NOT met'})`,
    )
    console.log(
      `   p50 ${ms(main.latencyMs.p50)}, p99 ${ms(main.latencyMs.p99)} ` +
        `(target p99 < ${TARGET_P99_MS} ms: ${main.latencyMs.p99 < TARGET_P99_MS ? 'met' : 'NOT met'})`,
    )
  } finally {
    await run.close()
  }
  return ok
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

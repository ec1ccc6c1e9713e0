/**
 * The pool stream at 5 000 subscribers on one replica, against the same
 * clients polling `GET /api/v1/pools` once a second (the anchor), in one run:
 *
 *   bun run bench/pool-stream.bench.ts [--subscribers 5000] [--seconds 20] [--interval-ms 400]
 *
 * One server (`apps/server/src/main.ts`, production settings, PostgreSQL and
 * Redis, rate limiting off) pinned to CPU 0; the clients
 * (bench/support/stream-subscribers.ts, raw sockets) pinned to CPU 1. Three
 * phases, each with the same contributions posted one at a time every
 * `interval-ms` (apart more than the stream's 100 ms coalescing, so each commit
 * is its own event):
 *
 * 1. no subscriber: the server's CPU for the contributions alone;
 * 2. N stream subscribers: p99 from commit (POST sent) to the event's bytes on
 *    every subscriber's socket; server RSS per subscriber; CPU per fan-out
 *    (the server CPU above phase 1, per commit);
 * 3. the anchor: N clients polling once a second: answers/s, the server's CPU,
 *    and when each commit became visible to each poller.
 *
 * Target: stream p99 commit → delivery ≤ 250 ms over all subscribers.
 * Prints the ratio of the server's CPU, polling over streaming.
 */
import { join } from 'node:path'
import { testServices } from '@jackpot/test-kit'
import { benchFlags, machineLine, wholeNumber } from './support/bench-args.ts'
import { createBenchDatabase } from './support/bench-database.ts'
import { createGameApiKey } from './support/game-api-key.ts'
import { startPinnedServer } from './support/pinned-server.ts'
import type { PhaseOptions, PhaseResult } from './support/stream-subscribers.ts'
import { LOAD_CPU, requireLoadTools } from './support/wrk-load.ts'

const TARGET_P99_MS = 250
const OPEN_FILES = 20_000

const values = benchFlags(Bun.argv.slice(2), {
  subscribers: { type: 'string' },
  seconds: { type: 'string' },
  'interval-ms': { type: 'string' },
})
const subscribers = wholeNumber('subscribers', values.subscribers, 5_000, 1, 15_000)
const seconds = wholeNumber('seconds', values.seconds, 20, 1, 600)
// Above the stream's 100 ms coalescing, so each commit is an event of its own.
const intervalMs = wholeNumber('interval-ms', values['interval-ms'], 400, 150, 10_000)

async function phase(options: PhaseOptions): Promise<PhaseResult> {
  const child = Bun.spawn(
    [
      'sh',
      '-c',
      `ulimit -n ${OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`,
      'sh',
      'taskset',
      '-c',
      LOAD_CPU,
      process.execPath,
      'run',
      join(import.meta.dir, 'support/stream-subscribers.ts'),
      JSON.stringify(options),
    ],
    { stdout: 'pipe', stderr: 'inherit' },
  )
  const out = await new Response(child.stdout).text()
  const code = await child.exited
  const line = out.split('\n').find((l) => l.startsWith('PHASE '))
  if (code !== 0 || line === undefined) throw new Error(`the ${options.mode} phase failed (${code}):\n${out}`)
  // Kept whole in the output, should a later phase fail.
  console.error(line)
  return JSON.parse(line.slice(6)) as PhaseResult
}

requireLoadTools()
console.log(`pool-stream bench: ${machineLine()}`)
console.log(`${subscribers} subscribers, contributions every ${intervalMs} ms for ${seconds} s per phase`)
const database = await createBenchDatabase('stream')
const jwtSecret = 'bench-secret-bench-secret-bench-secret-0123'
const server = await startPinnedServer({
  databaseUrl: database.url,
  redisUrl: testServices().redisUrl,
  redisKeyPrefix: `bench-stream-${process.pid}`,
  jwtSecret,
  openFiles: OPEN_FILES,
  env: { POOL_STREAM_MAX_PER_IP: String(subscribers + 10), LOG_LEVEL: 'warn' },
})
try {
  const { apiKey, currency } = await createGameApiKey(server.url, jwtSecret)
  const url = new URL(server.url)
  const base = {
    host: url.hostname,
    port: Number(url.port),
    subscribers,
    seconds,
    intervalMs,
    serverPid: server.pid,
    apiKey,
    currency,
  }
  const alone = await phase({ ...base, mode: 'none', keyPrefix: 'alone' })
  const stream = await phase({ ...base, mode: 'stream', keyPrefix: 'stream' })
  const poll = await phase({ ...base, mode: 'poll', keyPrefix: 'poll' })

  const cpuPerSecond = (run: PhaseResult) => run.serverCpuSeconds / run.windowSeconds
  const fanOutMs = ((stream.serverCpuSeconds - alone.serverCpuSeconds) / stream.commits) * 1000
  const rssPerSubscriberKb = (stream.rssWithSubscribersKb - stream.rssBeforeKb) / subscribers
  const row = (name: string, run: PhaseResult) =>
    `| ${name.padEnd(22)} | ${String(run.commits).padStart(7)} | ${String(run.refused).padStart(10)} | ${(cpuPerSecond(run) * 100).toFixed(1).padStart(11)} % | ${
      run.deliveryMs ? `${run.deliveryMs.p50} / ${run.deliveryMs.p99} / ${run.deliveryMs.max}` : '—'
    } | ${run.deliveryFromAckMs ? `${run.deliveryFromAckMs.p50} / ${run.deliveryFromAckMs.p99}` : '—'} |`
  console.log('')
  console.log(
    '| phase                  | commits | 503 (shed) | server CPU    | commit→client ms p50 / p99 / max | from ack p50 / p99 |',
  )
  console.log(
    '|------------------------|---------|------------|---------------|----------------------------------|--------------------|',
  )
  console.log(row('contributions alone', alone))
  console.log(row(`stream ×${subscribers}`, stream))
  console.log(row(`poll 1/s ×${subscribers}`, poll))
  console.log('')
  console.log(
    `stream: ${stream.deliveryMs?.count ?? 0} deliveries, ${stream.subscribersOffCount} subscribers missing or reordering an event`,
  )
  console.log(
    `stream: server RSS ${Math.round(stream.rssBeforeKb / 1024)} MiB → ${Math.round(stream.rssWithSubscribersKb / 1024)} MiB, ${rssPerSubscriberKb.toFixed(1)} KiB per subscriber`,
  )
  console.log(
    `stream: CPU per fan-out (one change to ${subscribers} subscribers, above contributions alone) ${fanOutMs.toFixed(1)} ms, ${((fanOutMs * 1000) / subscribers).toFixed(2)} µs per subscriber`,
  )
  console.log(
    `poll:   ${poll.pollsPerSecond} answers/s (asked ${subscribers}/s), latency p50 ${poll.pollLatencyMs?.p50} ms p99 ${poll.pollLatencyMs?.p99} ms`,
  )
  const ratio = cpuPerSecond(poll) / cpuPerSecond(stream)
  console.log(
    `ratio: polling costs ${ratio.toFixed(1)}× the server CPU of streaming, for fresher data on the stream`,
  )
  const p99 = stream.deliveryMs?.p99 ?? Number.POSITIVE_INFINITY
  const held = p99 <= TARGET_P99_MS && stream.subscribersOffCount === 0
  console.log(
    `target: stream p99 commit → delivery ≤ ${TARGET_P99_MS} ms over all subscribers: ${held ? 'MET' : 'NOT MET'} (${p99} ms)`,
  )
  console.log(`load average after: ${machineLine()}`)
} finally {
  await server.stop()
  await database.drop()
}

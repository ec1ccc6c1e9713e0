/**
 * The client side of bench/pool-stream.bench.ts, run as its own process
 * (the bench pins it to the load CPU): N raw sockets on one replica, either
 * subscribed to `GET /api/v1/pools/stream` or polling `GET /api/v1/pools`
 * once a second, while contributions are posted one at a time at a fixed
 * pace (by bench/support/paced-contributions.ts, a process of its own).
 * It reads the server's CPU and RSS from /proc itself, so the figures
 * cover exactly the measured window, and prints one JSON line (PhaseResult).
 *
 *   bun run bench/support/stream-subscribers.ts '<PhaseOptions as JSON>'
 *
 * Raw sockets rather than fetch/EventSource: 5 000 of them in one process
 * cost little, and the arrival time is taken when the bytes arrive.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PacedContributions } from './paced-contributions.ts'

export interface PhaseOptions {
  mode: 'none' | 'stream' | 'poll'
  host: string
  port: number
  subscribers: number
  /** How long contributions run. */
  seconds: number
  /** Pace of the contributions; above the stream's 100 ms coalescing, so each commit is its own event. */
  intervalMs: number
  serverPid: number
  apiKey: string
  currency: string
  keyPrefix: string
}

export interface PhaseResult {
  mode: PhaseOptions['mode']
  subscribers: number
  commits: number
  /** Contributions answered 503 (not applied) while the phase ran. */
  refused: number
  windowSeconds: number
  /** Server CPU (user + system) over the window, in seconds. */
  serverCpuSeconds: number
  rssBeforeKb: number
  rssWithSubscribersKb: number
  /** Commit (POST sent) → bytes on the subscriber's socket, over every subscriber × commit. */
  deliveryMs: { count: number; p50: number; p99: number; max: number } | null
  /** The same from the POST's answer (the commit acknowledged). */
  deliveryFromAckMs: { count: number; p50: number; p99: number; max: number } | null
  /** Subscribers that did not get exactly one event per commit, in order. */
  subscribersOffCount: number
  /** Poll mode: answers per second over the window, and their latency. */
  pollsPerSecond?: number
  pollLatencyMs?: { p50: number; p99: number }
}

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

function serverCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14 and 15 of stat (utime, stime); index 11 and 12 after the command.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : Number.NaN
}

const now = () => performance.timeOrigin + performance.now()

function percentiles(values: Float64Array | number[]) {
  if (values.length === 0) return null
  const sorted = Float64Array.from(values).sort()
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN
  const round = (value: number) => Math.round(value * 10) / 10
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  }
}

interface Client {
  socket: Bun.Socket<Client> | null
  tail: string
  /** Stream: [event id, arrival] per event; poll: [sent, arrival] per answer. */
  times: number[]
  sentAt: number
}

const decoder = new TextDecoder()
const EVENT_ID = /id: (\d+)\n/g

async function connectAll(
  options: PhaseOptions,
  request: string | null,
  onData: (client: Client, text: string) => void,
) {
  const clients: Client[] = []
  // In batches: a burst of 5 000 SYNs would overflow the listen backlog.
  for (let first = 0; first < options.subscribers; first += 250) {
    const batch: Promise<void>[] = []
    for (let i = first; i < Math.min(options.subscribers, first + 250); i++) {
      const client: Client = { socket: null, tail: '', times: [], sentAt: 0 }
      clients.push(client)
      batch.push(
        Bun.connect<Client>({
          hostname: options.host,
          port: options.port,
          data: client,
          socket: {
            data: (socket, chunk) => onData(socket.data, decoder.decode(chunk)),
            error: (_socket, error) => console.error(`socket error: ${error.message}`),
          },
        }).then((socket) => {
          client.socket = socket
          if (request !== null) socket.write(request)
        }),
      )
    }
    await Promise.all(batch)
  }
  return clients
}

/** The contributions, from their own process on either CPU (see paced-contributions.ts). */
async function postContributions(options: PhaseOptions): Promise<PacedContributions> {
  const child = Bun.spawn(
    [
      'taskset',
      '-c',
      '0-1',
      process.execPath,
      'run',
      join(import.meta.dir, 'paced-contributions.ts'),
      JSON.stringify({
        url: `http://${options.host}:${options.port}`,
        apiKey: options.apiKey,
        currency: options.currency,
        keyPrefix: options.keyPrefix,
        seconds: options.seconds,
        intervalMs: options.intervalMs,
      }),
    ],
    { stdout: 'pipe', stderr: 'inherit' },
  )
  const out = await new Response(child.stdout).text()
  if ((await child.exited) !== 0) throw new Error(`the contributions failed: ${out}`)
  return JSON.parse(out) as PacedContributions
}

async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const host = `${options.host}:${options.port}`
  const rssBeforeKb = rssKb(options.serverPid)
  let clients: Client[] = []
  let pollTimers: ReturnType<typeof setInterval>[] = []
  const pollRequest = `GET /api/v1/pools HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n\r\n`

  if (options.mode === 'stream') {
    clients = await connectAll(
      options,
      `GET /api/v1/pools/stream HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\n\r\n`,
      (client, text) => {
        const arrival = now()
        const buffer = client.tail + text
        EVENT_ID.lastIndex = 0
        let end = 0
        for (let match = EVENT_ID.exec(buffer); match !== null; match = EVENT_ID.exec(buffer)) {
          client.times.push(Number(match[1]), arrival)
          end = EVENT_ID.lastIndex
        }
        // Keep only what could be the start of an id split across reads.
        client.tail = buffer.slice(Math.max(end, buffer.length - 24))
      },
    )
    // Everyone has the opening event before the clock starts.
    const deadline = now() + 120_000
    while (clients.some((client) => client.times.length < 2)) {
      if (now() > deadline) throw new Error('not every subscriber got its opening event within 120 s')
      await Bun.sleep(50)
    }
  } else if (options.mode === 'poll') {
    clients = await connectAll(options, null, (client, text) => {
      const buffer = client.tail + text
      // One request in flight per socket: an answer's status line marks its arrival.
      if (client.sentAt > 0 && buffer.includes('HTTP/1.1 ')) {
        client.times.push(client.sentAt, now())
        client.sentAt = 0
      }
      client.tail = buffer.slice(-12)
    })
    // Each client polls once a second, the clients spread evenly over the second.
    clients.forEach((client, i) => {
      const poll = () => {
        if (client.sentAt !== 0 || client.socket === null) return // still waiting: this poll is skipped
        client.sentAt = now()
        client.socket.write(pollRequest)
      }
      setTimeout(
        () => {
          poll()
          pollTimers.push(setInterval(poll, 1000))
        },
        (i / clients.length) * 1000,
      )
    })
  }

  await Bun.sleep(1500)
  const rssWithSubscribersKb = rssKb(options.serverPid)
  const firstEvent = clients.map((client) => client.times.length)
  const cpuStart = serverCpuSeconds(options.serverPid)
  const windowStart = now()
  const { sent, acked, refused } = await postContributions(options)
  // Let the last commit reach everyone (or the last polls go out) before the clock stops.
  await Bun.sleep(Math.max(1000, options.intervalMs))
  const windowSeconds = (now() - windowStart) / 1000
  const serverCpu = serverCpuSeconds(options.serverPid) - cpuStart
  for (const timer of pollTimers) clearInterval(timer)
  pollTimers = []

  const fromSent: number[] = []
  const fromAck: number[] = []
  let subscribersOffCount = 0
  let pollsPerSecond: number | undefined
  let pollLatencyMs: PhaseResult['pollLatencyMs']
  if (options.mode === 'stream') {
    clients.forEach((client, i) => {
      const events = client.times.slice(firstEvent[i])
      const ids = events.filter((_, j) => j % 2 === 0)
      const ascending = ids.every((id, j) => j === 0 || id > (ids[j - 1] ?? 0))
      // Commits are paced apart, so the k-th event after the window opened carries the k-th commit.
      if (ids.length !== sent.length || !ascending) subscribersOffCount++
      for (let k = 0; k < Math.min(sent.length, ids.length); k++) {
        const arrival = events[2 * k + 1] ?? Number.NaN
        fromSent.push(arrival - (sent[k] ?? Number.NaN))
        fromAck.push(arrival - (acked[k] ?? Number.NaN))
      }
    })
  } else if (options.mode === 'poll') {
    const latencies: number[] = []
    let answers = 0
    for (const client of clients) {
      const polls = client.times
      for (let j = 0; j < polls.length; j += 2) {
        const sentAt = polls[j] ?? 0
        const arrival = polls[j + 1] ?? 0
        latencies.push(arrival - sentAt)
        if (sentAt >= windowStart) answers++
      }
      // A commit reaches a poller with the first poll sent after the commit was acknowledged.
      for (let k = 0; k < sent.length; k++) {
        for (let j = 0; j < polls.length; j += 2) {
          if ((polls[j] ?? 0) >= (acked[k] ?? 0)) {
            fromSent.push((polls[j + 1] ?? 0) - (sent[k] ?? 0))
            fromAck.push((polls[j + 1] ?? 0) - (acked[k] ?? 0))
            break
          }
        }
      }
    }
    pollsPerSecond = Math.round(answers / windowSeconds)
    const latency = percentiles(latencies)
    pollLatencyMs = latency ? { p50: latency.p50, p99: latency.p99 } : undefined
  }
  for (const client of clients) client.socket?.end()

  return {
    mode: options.mode,
    subscribers: options.mode === 'none' ? 0 : options.subscribers,
    commits: sent.length,
    refused,
    windowSeconds: Math.round(windowSeconds * 100) / 100,
    serverCpuSeconds: Math.round(serverCpu * 100) / 100,
    rssBeforeKb,
    rssWithSubscribersKb,
    deliveryMs: percentiles(fromSent),
    deliveryFromAckMs: percentiles(fromAck),
    subscribersOffCount,
    ...(pollsPerSecond === undefined ? {} : { pollsPerSecond, pollLatencyMs }),
  }
}

if (import.meta.main) {
  const options = JSON.parse(Bun.argv[2] ?? '{}') as PhaseOptions
  const result = await runPhase(options)
  process.stdout.write(`PHASE ${JSON.stringify(result)}\n`)
  process.exit(0)
}

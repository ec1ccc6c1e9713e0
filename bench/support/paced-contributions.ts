/**
 * Contributions posted one at a time at a fixed pace, for
 * bench/support/stream-subscribers.ts: a process of its own (on any CPU), so
 * the commit's timestamps are not delayed by the busy subscriber sockets.
 * Prints one JSON line: epoch ms of each applied contribution's send and
 * answer, and how many the server refused with a 503 (not applied).
 *
 *   bun run bench/support/paced-contributions.ts '{"url":…,"apiKey":…,"currency":…,"keyPrefix":…,"seconds":20,"intervalMs":400}'
 */
/** What the process prints. */
export interface PacedContributions {
  sent: number[]
  acked: number[]
  refused: number
}

const options = JSON.parse(Bun.argv[2] ?? '{}') as {
  url: string
  apiKey: string
  currency: string
  keyPrefix: string
  seconds: number
  intervalMs: number
}
// Epoch ms, comparable with the subscriber process's (both from performance.timeOrigin).
const now = () => performance.timeOrigin + performance.now()
const sent: number[] = []
const acked: number[] = []
let refused = 0
const start = now()
for (let k = 0; now() - start < options.seconds * 1000; k++) {
  const wait = start + k * options.intervalMs - now()
  if (wait > 0) await Bun.sleep(wait)
  const key = `${options.keyPrefix}-${k}`
  const sentAt = now()
  const response = await fetch(`${options.url}/api/v1/contributions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey, 'idempotency-key': key },
    body: JSON.stringify({
      gameId: 'stream-bench',
      playerId: key,
      wagerCents: 2537,
      currency: options.currency,
    }),
  })
  await response.arrayBuffer()
  if (response.status === 503) {
    refused++
    continue
  }
  if (response.status !== 201) throw new Error(`contribution ${key} answered ${response.status}`)
  sent.push(sentAt)
  acked.push(now())
}
const result: PacedContributions = { sent, acked, refused }
process.stdout.write(`${JSON.stringify(result)}\n`)

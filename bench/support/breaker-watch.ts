/**
 * The server's circuit breakers as its `/metrics` shows them
 * (`circuit_breaker_state{breaker,state} 1`, `circuit_breaker_calls_total{breaker,outcome}`,
 * see packages/observability/METRICS.md), polled while a load runs: a breaker
 * that opened and closed again between two polls still leaves `rejected` calls.
 */

export interface BreakerReport {
  /** Every state each breaker was seen in, over all polls. */
  statesSeen: Map<string, Set<string>>
  /** Calls per breaker and outcome during the watch (last poll minus first). */
  calls: Map<string, Map<string, number>>
  polls: number
  /** Polls that got no answer within the poll interval (the server was too busy). */
  missedPolls: number
}

/** Whether `breaker` was ever seen not closed, or refused calls (`rejected`), during the watch. */
export function breakerOpened(report: BreakerReport, breaker: string): boolean {
  const states = report.statesSeen.get(breaker) ?? new Set()
  return (
    [...states].some((state) => state !== 'closed') || (report.calls.get(breaker)?.get('rejected') ?? 0) > 0
  )
}

interface Snapshot {
  states: Map<string, string>
  calls: Map<string, Map<string, number>>
}

async function snapshot(url: string, timeoutMs: number): Promise<Snapshot | null> {
  let text: string
  try {
    text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })).text()
  } catch {
    return null
  }
  const states = new Map<string, string>()
  const calls = new Map<string, Map<string, number>>()
  for (const match of text.matchAll(/^circuit_breaker_state\{breaker="([^"]+)",state="([^"]+)"\} 1$/gm))
    states.set(match[1]!, match[2]!)
  for (const match of text.matchAll(
    /^circuit_breaker_calls_total\{breaker="([^"]+)",outcome="([^"]+)"\} ([\d.e+]+)$/gm,
  )) {
    const byOutcome = calls.get(match[1]!) ?? new Map<string, number>()
    byOutcome.set(match[2]!, Number(match[3]))
    calls.set(match[1]!, byOutcome)
  }
  return { states, calls }
}

/**
 * Polls `/metrics` every `intervalMs` until `stop()`, which returns what it saw.
 *
 * @example
 * const watch = await watchBreakers(server.url)
 * await runLoad()
 * const report = await watch.stop()
 * if (breakerOpened(report, 'database')) …
 */
export async function watchBreakers(
  url: string,
  intervalMs = 1_000,
): Promise<{ stop(): Promise<BreakerReport> }> {
  const first = await snapshot(url, 5_000)
  if (first === null) throw new Error(`no /metrics from ${url}`)
  const report: BreakerReport = { statesSeen: new Map(), calls: new Map(), polls: 0, missedPolls: 0 }
  let last = first
  const record = (seen: Snapshot) => {
    report.polls++
    for (const [breaker, state] of seen.states) {
      const states = report.statesSeen.get(breaker) ?? new Set<string>()
      states.add(state)
      report.statesSeen.set(breaker, states)
    }
    last = seen
  }
  record(first)
  let running = true
  const loop = (async () => {
    while (running) {
      await Bun.sleep(intervalMs)
      if (!running) break
      const seen = await snapshot(url, intervalMs * 5)
      if (seen === null) report.missedPolls++
      else record(seen)
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      const final = await snapshot(url, 10_000)
      if (final !== null) record(final)
      for (const [breaker, outcomes] of last.calls) {
        const delta = new Map<string, number>()
        for (const [outcome, count] of outcomes)
          delta.set(outcome, count - (first.calls.get(breaker)?.get(outcome) ?? 0))
        report.calls.set(breaker, delta)
      }
      return report
    },
  }
}

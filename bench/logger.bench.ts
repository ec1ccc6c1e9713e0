/**
 * Logger throughput: `createLogger` from @jackpot/observability against raw pino
 * (the anchor, `pino()` with its defaults), both writing to the same destination:
 *
 * - `no-op`: a stream whose write() drops the line, so only the loggers' own work is
 *   measured (serialisation, correlation, secret redaction) — the strictest ratio;
 * - `/dev/null`: one `pino.destination({ dest: '/dev/null', sync: true })` shared by
 *   both, pino's own synchronous file destination, so each line also pays a write(2)
 *   as it would writing to a file or a pipe without batching.
 *
 *   bun bench/logger.bench.ts
 *
 * Three scenarios per destination (flat fields outside and inside a request, a nested
 * object inside a request), each measured in alternating rounds (anchor, ours,
 * anchor, ours…) so drift on a shared machine hits both sides; the ratio is the median
 * of the per-round ratios of median time per line. Target: ≥ 0.90× raw pino.
 */
import { createLogger, type Logger, runWithRequestContext } from '@jackpot/observability'
import { do_not_optimize, measure } from 'mitata'
import pino, { type DestinationStream } from 'pino'

// Many short paired rounds: the median ratio resists other work on a shared machine.
const ROUNDS = 15
const PER_MEASURE = { min_cpu_time: 150e6 }
const TARGET = 0.9

// pino accepts any object with write(); this one drops the line.
const nowhere = {
  write(line: string) {
    do_not_optimize(line)
  },
}

const devNull = pino.destination({ dest: '/dev/null', sync: true })
const destinations: Array<[string, DestinationStream]> = [
  ['no-op', nowhere],
  ['/dev/null', devNull],
]
const fields = { pool: 'mega', amountCents: 1234, gameId: 'g-77' }
// The shape of a domain event with a nested part: goes through pino's own renderer
// behind our redaction walk (the fast path covers objects of primitives only).
const nested = { pool: 'mega', amountCents: 1234, player: { id: 'p-9', country: 'DE' } }
const REQUEST_ID = '4bf92f35-77b3-4da6-a3ce-929d0e0e4736'

interface Scenario {
  name: string
  anchor: () => void
  candidate: () => void
  /** Runs the measurement, e.g. inside a request context. */
  around?: <T>(fn: () => Promise<T>) => Promise<T>
}

function scenariosFor(destination: DestinationStream): Scenario[] {
  const raw = pino({}, destination)
  const ours: Logger = createLogger({ service: 'jackpot', version: '1.0.0', env: 'bench', destination })
  const rawChild = raw.child({ requestId: REQUEST_ID })
  return [
    {
      name: 'line outside a request',
      anchor: () => raw.info(fields, 'contribution accepted'),
      candidate: () => ours.info(fields, 'contribution accepted'),
    },
    {
      // The pino way to carry a request id is a child logger per request; ours reads
      // it from the request context instead, so any module's logger gets it.
      name: 'line inside a request (requestId)',
      anchor: () => rawChild.info(fields, 'contribution accepted'),
      candidate: () => ours.info(fields, 'contribution accepted'),
      around: (fn) => runWithRequestContext({ requestId: REQUEST_ID }, fn),
    },
    {
      name: 'nested object inside a request',
      anchor: () => rawChild.info(nested, 'contribution accepted'),
      candidate: () => ours.info(nested, 'contribution accepted'),
      around: (fn) => runWithRequestContext({ requestId: REQUEST_ID }, fn),
    },
  ]
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}
const perSecond = (nanoseconds: number) => Math.round(1e9 / nanoseconds)

console.log(
  `logger bench — ${new Date().toISOString()} — ${process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`}`,
)
let allMet = true
for (const [destinationName, destination] of destinations)
  for (const scenario of scenariosFor(destination)) {
    const anchorNs: number[] = []
    const candidateNs: number[] = []
    const around = scenario.around ?? ((fn) => fn())
    await around(async () => {
      for (let round = 0; round < ROUNDS; round++) {
        anchorNs.push((await measure(scenario.anchor, PER_MEASURE)).p50)
        candidateNs.push((await measure(scenario.candidate, PER_MEASURE)).p50)
      }
    })
    const ratio = median(anchorNs.map((anchor, i) => anchor / (candidateNs[i] as number)))
    const met = ratio >= TARGET
    allMet &&= met
    console.log(
      `${destinationName.padEnd(9)} ${scenario.name}: raw pino ${perSecond(median(anchorNs)).toLocaleString('en')} lines/s, ` +
        `@jackpot/observability ${perSecond(median(candidateNs)).toLocaleString('en')} lines/s, ` +
        `ratio ${ratio.toFixed(2)}× (target ≥ ${TARGET.toFixed(2)}×: ${met ? 'met' : 'NOT met'})`,
    )
  }
console.log(allMet ? 'all targets met' : 'some targets NOT met')

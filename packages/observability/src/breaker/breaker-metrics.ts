import type { Attributes, Counter, Meter, ObservableGauge, ObservableResult } from '@opentelemetry/api'
import { CIRCUIT_STATES, type CircuitState } from './circuit-state.ts'

/** Values of the `outcome` attribute of `circuit_breaker.calls`. */
export type CallOutcome =
  | 'success'
  | 'failure'
  | 'slow_success'
  | 'slow_failure'
  | 'rejected'
  | 'timeout'
  | 'ignored'

const OUTCOMES: readonly CallOutcome[] = [
  'success',
  'failure',
  'slow_success',
  'slow_failure',
  'rejected',
  'timeout',
  'ignored',
]

interface Instruments {
  readonly calls: Counter
  readonly state: ObservableGauge
}

// One pair of instruments per meter, shared by its breakers, so a second breaker does
// not re-register the same names (the SDK warns about duplicate registrations).
const instrumentsByMeter = new WeakMap<Meter, Instruments>()

function instrumentsOf(meter: Meter): Instruments {
  let instruments = instrumentsByMeter.get(meter)
  if (instruments === undefined) {
    instruments = {
      calls: meter.createCounter('circuit_breaker.calls', {
        description: 'Calls through circuit breakers, by outcome',
        unit: '{call}',
      }),
      state: meter.createObservableGauge('circuit_breaker.state', {
        description: 'Circuit breaker state: 1 for the current state, 0 for the others',
      }),
    }
    instrumentsByMeter.set(meter, instruments)
  }
  return instruments
}

/**
 * A breaker's metric recording. Attribute objects are built once, so counting a call
 * allocates nothing on our side.
 */
export class BreakerMetrics {
  readonly #calls: Counter
  readonly #state: ObservableGauge
  readonly #outcomeAttributes: Record<CallOutcome, Attributes>
  readonly #stateAttributes: Record<CircuitState, Attributes>
  readonly #observe: (result: ObservableResult) => void

  constructor(meter: Meter, breaker: string, currentState: () => CircuitState) {
    const { calls, state } = instrumentsOf(meter)
    this.#calls = calls
    this.#state = state
    this.#outcomeAttributes = attributesBy(OUTCOMES, (outcome) => ({ breaker, outcome }))
    this.#stateAttributes = attributesBy(CIRCUIT_STATES, (name) => ({ breaker, state: name }))
    this.#observe = (result) => {
      const current = currentState()
      for (const name of CIRCUIT_STATES) result.observe(name === current ? 1 : 0, this.#stateAttributes[name])
    }
    state.addCallback(this.#observe)
  }

  count(outcome: CallOutcome): void {
    this.#calls.add(1, this.#outcomeAttributes[outcome])
  }

  /** Stops reporting the state gauge for this breaker. */
  dispose(): void {
    this.#state.removeCallback(this.#observe)
  }
}

function attributesBy<K extends string>(
  keys: readonly K[],
  build: (key: K) => Attributes,
): Record<K, Attributes> {
  const byKey = {} as Record<K, Attributes>
  for (const key of keys) byKey[key] = build(key)
  return byKey
}

/**
 * The states of a breaker. `closed`: calls flow and are measured. `open`: calls are
 * rejected until `openStateWaitMs` has passed. `half_open`: a few probe calls decide
 * between closing and opening again. `isolated`: opened by hand, until released.
 */
export type CircuitState = 'closed' | 'open' | 'half_open' | 'isolated'

/** Every state, in a stable order (the state gauge reports each one). */
export const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half_open', 'isolated']

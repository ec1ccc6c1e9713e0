export { type Clock, systemClock, unrefTimer } from './clock.ts'
export { ManualClock } from './manual-clock.ts'

export { type Clock, systemClock, unrefTimer } from './clock.ts'

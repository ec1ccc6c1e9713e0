export {
  BREAKER_EVENTS,
  type FailureEvent,
  type IgnoreEvent,
  type RejectEvent,
  type SlowCallEvent,
  type StateChangeEvent,
  type SuccessEvent,
  type TimeoutEvent,
} from './breaker-events.ts'
export { EventEmitter, type Listener, type Subscribe } from './event-emitter.ts'

import { createRequire } from 'node:module'
import { Writable } from 'node:stream'
import type { DestinationStream } from 'pino'
import { LoggerError } from './logger-error.ts'

type PinoPretty = (options: {
  sync?: boolean
  destination?: number | DestinationStream
  colorize?: boolean
  translateTime?: string
  ignore?: string
}) => DestinationStream

/**
 * A human-readable stream for development, built from the optional `pino-pretty`
 * peer dependency. It formats in the calling thread (`sync: true`): pino's worker
 * transports keep Bun from exiting, and a dropped last line is worse than a slower
 * dev console.
 */
export function prettyStream(destination?: DestinationStream): DestinationStream {
  let pretty: PinoPretty
  try {
    // Loaded lazily and synchronously so production installs need not have it and
    // createLogger can stay synchronous.
    pretty = createRequire(import.meta.url)('pino-pretty') as PinoPretty
  } catch (cause) {
    throw new LoggerError(
      'E_PRETTY_UNAVAILABLE',
      'pretty logging needs the optional peer dependency "pino-pretty": install it or set pretty: false',
      { cause },
    )
  }
  return pretty({
    sync: true,
    destination: destination === undefined ? 1 : asNodeStream(destination),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,version,env',
  })
}

// pino-pretty pipes into its destination, which must then be a Node stream; pino
// itself accepts any object with write().
function asNodeStream(destination: DestinationStream): DestinationStream {
  if (destination instanceof Writable) return destination
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      destination.write(chunk.toString())
      done()
    },
  })
}

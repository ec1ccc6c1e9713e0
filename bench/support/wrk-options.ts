import { serverEnv, wholeNumber } from './bench-args.ts'

/**
 * The flags every bench that storms one pinned server with wrk takes: how long,
 * how many connections and threads, and extra server environment.
 */
export const WRK_FLAGS = {
  duration: { type: 'string' },
  connections: { type: 'string' },
  threads: { type: 'string' },
  'server-env': { type: 'string', multiple: true },
} as const

export interface WrkOptions {
  duration: number
  connections: number
  threads: number
  serverEnv: Record<string, string> | undefined
}

/** The parsed values of `WRK_FLAGS`, checked, with this bench's defaults and connection cap. */
export function wrkOptions(
  values: { duration?: string; connections?: string; threads?: string; 'server-env'?: string[] },
  defaults: { duration: number; connections: number; maxConnections: number },
): WrkOptions {
  return {
    duration: wholeNumber('duration', values.duration, defaults.duration, 1, 3_600),
    connections: wholeNumber(
      'connections',
      values.connections,
      defaults.connections,
      1,
      defaults.maxConnections,
    ),
    threads: wholeNumber('threads', values.threads, 2, 1, 64),
    serverEnv: serverEnv(values['server-env']),
  }
}

import type { ParseArgsOptionsConfig } from 'node:util'
import { benchFlags, serverEnv, wholeNumber } from './bench-args.ts'

/** The end of a wrk bench's usage: `--help`, and where the services it starts on are. */
export const WRK_USAGE_END = `  --help                this text

Environment: TEST_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
TEST_REDIS_URL (default redis://127.0.0.1:6379).`

/**
 * The flags every bench that storms one pinned server with wrk takes: how long,
 * how many connections and threads, and extra server environment.
 */
const WRK_FLAGS = {
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
function wrkOptions(
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

/** What `parseArgs` gives for flags `F`: booleans, repeated strings, or a string, each absent when not given. */
type FlagValues<F> = {
  [K in keyof F]?: F[K] extends { type: 'boolean' }
    ? boolean
    : F[K] extends { multiple: true }
      ? string[]
      : string
}

/**
 * A wrk bench's command line: `WRK_FLAGS` plus the bench's own `flags`, read into
 * `WrkOptions` (with this bench's defaults) and what `own` makes of the rest;
 * `'help'` when asked for the usage.
 *
 * @example
 * const parsed = wrkBenchOptions(argv, { warmup: { type: 'string' } }, defaults, (v) => ({ warmup: Number(v.warmup ?? 3) }))
 */
export function wrkBenchOptions<F extends ParseArgsOptionsConfig, T>(
  args: string[],
  flags: F,
  defaults: { duration: number; connections: number; maxConnections: number },
  own: (values: FlagValues<F>) => T,
): (WrkOptions & T) | 'help' {
  // parseArgs cannot type a merged generic config; the values are what `FlagValues` says they are.
  const values = benchFlags(args, { ...WRK_FLAGS, ...flags }) as FlagValues<typeof WRK_FLAGS> &
    FlagValues<F> & { help?: boolean }
  if (values.help) return 'help'
  return { ...wrkOptions(values, defaults), ...own(values) }
}

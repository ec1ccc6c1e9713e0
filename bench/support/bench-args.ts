import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'

/** A command line the bench cannot run, with the reason; the bench prints it with its usage. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * A bench's flags, parsed strictly: `--help`/`-h` is always known, and an unknown
 * or malformed flag is a UsageError the bench prints with its usage.
 */
export function benchFlags<T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({
      args,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as T & {
        help: { type: 'boolean'; short: 'h' }
      },
    }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/** A whole number within bounds from a flag's text. */
export function wholeNumber(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`--${flag} must be a whole number ${min}..${max}, got ${text}`)
  return value
}

/** `--server-env NAME=VALUE` values as an environment object. */
export function serverEnv(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (values === undefined || values.length === 0) return undefined
  const env: Record<string, string> = {}
  for (const pair of values) {
    const at = pair.indexOf('=')
    if (at < 1) throw new UsageError(`--server-env expects NAME=VALUE, got ${pair}`)
    env[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return env
}

/** The load average and CPU count, for the header of a bench's output: figures on a shared machine need it. */
export function machineLine(): string {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  return `bun ${Bun.version}, ${availableParallelism()} CPUs, load average ${load}`
}

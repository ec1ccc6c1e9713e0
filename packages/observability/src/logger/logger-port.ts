/**
 * The logging calls code needs when it only writes lines: pino's `(fields, message)`
 * form at four levels. Libraries and services take a `LoggerPort` (or a `Pick` of the
 * levels they use) instead of a logger class, so any pino logger — the one
 * {@link createLogger} builds included — or a test double fits, and nothing
 * depends on pino to log.
 *
 * @example
 * function startSync(logger: LoggerPort) {
 *   logger.info({ items: 3 }, 'sync started')
 * }
 * startSync(createLogger({ service: 'shop' }))
 */
export interface LoggerPort {
  debug(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

import type { Config } from '@jackpot/config'
import {
  createLogger,
  type LoggerOptions,
  type LoggerPort,
  type Logger as SdkLogger,
} from '@jackpot/observability'
import { SERVER_VERSION } from './telemetry/server-version.ts'

/**
 * The server's logging seam: the SDK's port, the same one the domain logs through.
 * Code that only writes log lines depends on this; the pino logger below satisfies it.
 */
export type Logger = LoggerPort

/** The logger the server builds: the observability SDK's pino logger (request ids, redaction). */
export type ServerLogger = SdkLogger

export type LogLevel = Config['LOG_LEVEL']

/**
 * JSON lines on stdout from the observability SDK: `service`, `version` and `env`
 * on every line, the request id of the request being served (in domain code too),
 * secrets redacted. `LOG_PRETTY=true` prints human-readable lines instead.
 *
 * @example
 * const logger = createServerLogger(loadConfig())
 * logger.info({ port: 3000 }, 'listening')
 */
export function createServerLogger(
  config: Pick<Config, 'SERVICE_NAME' | 'NODE_ENV' | 'LOG_LEVEL' | 'LOG_PRETTY'>,
  options: { destination?: LoggerOptions['destination'] } = {},
): ServerLogger {
  return createLogger({
    service: config.SERVICE_NAME,
    version: SERVER_VERSION,
    env: config.NODE_ENV,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY,
    ...(options.destination === undefined ? {} : { destination: options.destination }),
  })
}

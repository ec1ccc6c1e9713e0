import { hostname } from 'node:os'
import pino, { type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino'
import { sharedBatchedDestination } from './batched-destination.ts'
import { supportFlatLines } from './flat-line.ts'
import { keyRenderer } from './json-fragment.ts'
import { type Correlation, createCorrelation, keepLoggedObject } from './log-correlation.ts'
import { prettyStream } from './pretty-stream.ts'
import { createSecretRedactor } from './redact-secrets.ts'

export type { Logger } from 'pino'

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** `service` field of every line (the OTel `service.name`). Defaults to `'unknown_service'`. */
  service?: string
  /** `version` field of every line. Defaults to none (field omitted). */
  version?: string
  /** `env` field of every line, e.g. `'production'`. Defaults to none (field omitted). */
  env?: string
  /** Minimum level written: `trace`…`fatal` or `silent`. Defaults to `'info'`. */
  level?: string
  /**
   * Human-readable output for development through the optional `pino-pretty` peer
   * dependency, formatted synchronously in this thread. Defaults to false (JSON lines).
   */
  pretty?: boolean
  /**
   * More secrets to redact, added to the defaults (see `DEFAULT_REDACT_KEYS`): a bare
   * name (`'pin'`) is redacted wherever a key contains it, ignoring case, `-` and `_`;
   * a pino path (`'user.ssn'`, `'a[*].b'`) is handed to pino's own redaction.
   * Defaults to none.
   */
  redact?: string[]
  /**
   * Where lines go. Defaults to stdout through a destination shared by all loggers
   * that batches the lines of one event-loop turn into one write (no worker thread;
   * see `batchedDestination`).
   */
  destination?: DestinationStream
  /** Extra fields on every line, e.g. `{ region: 'eu-west-1' }`. Defaults to none. */
  base?: Record<string, unknown>
}

const defaults = {
  service: 'unknown_service',
  level: 'info',
  pretty: false,
} satisfies LoggerOptions

const isPinoPath = (entry: string) => /[.[\]*]/.test(entry)

/**
 * A pino logger writing JSON lines with `service`, `version` and `env` on every line,
 * the current request context (`requestId`, and `trace_id`/`span_id` when an
 * OpenTelemetry span is active) merged into every line — from any module — and
 * secrets (authorization, cookies, API keys, passwords, tokens, secrets, JWTs)
 * redacted at any depth.
 *
 * @example
 * const logger = createLogger({ service: 'jackpot', version: '1.2.0', env: 'production' })
 * logger.info({ pool: 'mega' }, 'pool reset')
 * // {"level":"info","time":…,"service":"jackpot","version":"1.2.0","env":"production","pool":"mega","msg":"pool reset"}
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = { ...defaults, ...options }
  const extra = config.redact ?? []
  const redactSecrets = createSecretRedactor(extra.filter((entry) => !isPinoPath(entry)))
  const pinoPaths = extra.filter(isPinoPath)
  const renderKey = keyRenderer(redactSecrets)
  const correlation = createCorrelation(redactSecrets, renderKey)

  const pinoOptions: PinoOptions = {
    level: config.level,
    base: redactSecrets({
      pid: process.pid,
      hostname: hostname(),
      service: config.service,
      ...(config.version === undefined ? {} : { version: config.version }),
      ...(config.env === undefined ? {} : { env: config.env }),
      ...config.base,
    }),
    formatters: {
      // Labels, not numbers: log stores and people filter on "error", not 50.
      level: (label) => ({ level: label }),
      log: redactSecrets,
      bindings: redactSecrets,
    },
    // The mixin adds nothing to the logged object: it renders the correlation
    // fields into the logger's bindings for this line (see log-correlation.ts).
    mixin: correlation.mixin,
    mixinMergeStrategy: keepLoggedObject,
    ...(pinoPaths.length > 0 ? { redact: pinoPaths } : {}),
  }

  const logger = config.pretty
    ? pino(pinoOptions, prettyStream(config.destination))
    : pino(pinoOptions, config.destination ?? sharedBatchedDestination())
  correlation.track(logger)
  if (pinoPaths.length === 0) supportFlatLines(logger, { correlation, redact: redactSecrets, renderKey })
  return wrapBindingMethods(logger, redactSecrets, correlation)
}

/**
 * Children inherit methods through the prototype chain, so overriding these on the
 * root covers every descendant. They redact child bindings (pino runs
 * `formatters.bindings` for the root only, so `child({ apiKey })` would print the
 * key) and work on a logger's own bindings, never on the request fields the last
 * line added to them — a child created during a request must not inherit its id.
 */
function wrapBindingMethods(
  logger: Logger,
  redactSecrets: <T>(value: T) => T,
  correlation: Correlation,
): Logger {
  const pinoChild = logger.child
  const pinoSetBindings = logger.setBindings
  const pinoBindings = logger.bindings
  logger.child = function child(this: Logger, bindings, options) {
    const created = correlation.withOwnBindings(this, () =>
      pinoChild.call(this, redactSecrets(bindings), options),
    )
    correlation.track(created)
    return created
  } as typeof pinoChild
  logger.setBindings = function setBindings(this: Logger, bindings) {
    correlation.withOwnBindings(this, () => pinoSetBindings.call(this, redactSecrets(bindings)))
    correlation.track(this)
  }
  logger.bindings = function bindings(this: Logger) {
    return correlation.withOwnBindings(this, () => pinoBindings.call(this))
  }
  return logger
}

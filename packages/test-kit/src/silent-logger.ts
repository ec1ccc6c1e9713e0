import { createLogger, type Logger } from '@jackpot/observability'

/** A logger that drops everything, for tests (kept out of the server's production modules). */
export const silentLogger: Logger = createLogger({ level: 'silent' })

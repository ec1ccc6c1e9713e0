import type { LoggerPort } from '@jackpot/observability'

export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  fields: Record<string, unknown>
  message: string
}

/**
 * A {@link LoggerPort} that keeps what it is given, for assertions.
 *
 * @example
 * const capture = captureLogger()
 * await openJackpot({ pgliteDataDir: 'memory://', logger: capture.logger })
 * capture.lines.filter((line) => line.level === 'info')
 */
export function captureLogger(): { logger: LoggerPort; lines: CapturedLine[]; clear(): void } {
  const lines: CapturedLine[] = []
  const push = (level: CapturedLine['level']) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message })
  }
  return {
    logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') },
    lines,
    clear: () => {
      lines.length = 0
    },
  }
}

import { describe, expect, test } from 'bun:test'
import { logCapture } from '../../test/support/log-capture.ts'
import { createLogger } from './create-logger.ts'
import type { LoggerPort } from './logger-port.ts'

describe('LoggerPort', () => {
  test('is satisfied by a logger from createLogger, which writes every level given through the port', () => {
    const out = logCapture()
    // The annotation is the point: it fails to type-check if the SDK's logger stops fitting the port.
    const port: LoggerPort = createLogger({ level: 'debug', destination: out })
    port.debug({ step: 1 }, 'debugging')
    port.info({ step: 2 }, 'informing')
    port.warn({ step: 3 }, 'warning')
    port.error({ step: 4 }, 'failing')
    expect(out.lines().map(({ level, step, msg }) => ({ level, step, msg }))).toEqual([
      { level: 'debug', step: 1, msg: 'debugging' },
      { level: 'info', step: 2, msg: 'informing' },
      { level: 'warn', step: 3, msg: 'warning' },
      { level: 'error', step: 4, msg: 'failing' },
    ])
  })
})

import { afterEach, describe, expect, test } from 'bun:test'
import type { LedgerVerification } from '@jackpot/domain'
import { createMetrics, type Metrics } from '@jackpot/observability'
import type { Logger } from '../logger.ts'
import { type LedgerVerificationOptions, startLedgerVerification } from './ledger-verification.ts'

const opened: { metrics: Metrics; stop: () => Promise<void> }[] = []
afterEach(async () => {
  for (const { metrics, stop } of opened.splice(0)) {
    await stop()
    await metrics.shutdown()
  }
})

const store = {
  ledger: async () => ({ entries: [], nextCursor: null }),
  listPools: async () => [],
  ledgerCheckpoints: async () => [],
  recordLedgerCheckpoint: async () => {},
  ledgerArchives: async () => [],
}
const healthy: LedgerVerification = { ok: true, entries: 12, pools: 3, from: null, checkpointsWritten: 0 }
const diverged: LedgerVerification = {
  ok: false,
  entries: 7,
  divergence: {
    entryId: '42',
    pool: 'minor',
    reason: 'pool row amountCents is 101 but the ledger gives 100',
  },
}

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = []
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message })
    }
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  return { logger, lines }
}

function start(options: Partial<LedgerVerificationOptions> & Pick<LedgerVerificationOptions, 'verify'>) {
  const metrics = createMetrics({ service: 'ledger-verification-test', global: false, runtime: false })
  const { logger, lines } = recordingLogger()
  const handle = startLedgerVerification({
    store: store as unknown as LedgerVerificationOptions['store'],
    meter: metrics.meter,
    logger,
    intervalMs: 0,
    nowSeconds: () => 1_700_000_000,
    ...options,
  })
  opened.push({ metrics, stop: () => handle.stop() })
  return { handle, metrics, lines }
}

/** The sample value of an unlabelled series, or undefined when it is not exported. */
async function sample(metrics: Metrics, name: string): Promise<number | undefined> {
  const line = (await metrics.render())
    .split('\n')
    .find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

describe('background ledger verification', () => {
  test('exports no verification time before a run, then the time of the last healthy one', async () => {
    const { handle, metrics } = start({ verify: async () => healthy })
    expect(await sample(metrics, 'jackpot_ledger_verified_timestamp_seconds')).toBeUndefined()
    await handle.runOnce()
    expect(await sample(metrics, 'jackpot_ledger_verified_timestamp_seconds')).toBe(1_700_000_000)
    expect(await sample(metrics, 'jackpot_ledger_mismatches_total')).toBe(0)
  })

  test('counts a divergence and logs an error naming the entry and pool, leaving the time alone', async () => {
    const { handle, metrics, lines } = start({ verify: async () => diverged })
    await handle.runOnce()
    await handle.runOnce()
    expect(await sample(metrics, 'jackpot_ledger_mismatches_total')).toBe(2)
    expect(await sample(metrics, 'jackpot_ledger_verified_timestamp_seconds')).toBeUndefined()
    const errors = lines.filter((line) => line.level === 'error')
    expect(errors).toHaveLength(2)
    expect(errors[0]?.message).toBe(
      'ledger divergence at entry 42 (pool minor): pool row amountCents is 101 but the ledger gives 100',
    )
    expect(errors[0]?.fields).toMatchObject({ entryId: '42', pool: 'minor' })
  })

  test('a run that cannot read is a warning, neither a mismatch nor a verification', async () => {
    const { handle, metrics, lines } = start({
      verify: async () => {
        throw new Error('database unavailable')
      },
    })
    expect(await handle.runOnce()).toBeNull()
    expect(await sample(metrics, 'jackpot_ledger_mismatches_total')).toBe(0)
    expect(await sample(metrics, 'jackpot_ledger_verified_timestamp_seconds')).toBeUndefined()
    expect(lines.map((line) => line.level)).toEqual(['warn'])
  })

  test('never overlaps runs: a second call while one runs waits for it', async () => {
    let calls = 0
    let finish: (value: LedgerVerification) => void = () => {}
    const { handle } = start({
      verify: () => {
        calls++
        return new Promise((resolve) => {
          finish = resolve
        })
      },
    })
    const first = handle.runOnce()
    const second = handle.runOnce()
    finish(healthy)
    expect(await first).toBe(healthy)
    expect(await second).toBe(healthy)
    expect(calls).toBe(1)
  })

  test('with an interval it runs at start and again after each run ends, until stopped', async () => {
    let calls = 0
    let resolveThird: () => void = () => {}
    const third = new Promise<void>((resolve) => {
      resolveThird = resolve
    })
    const { handle, metrics } = start({
      intervalMs: 1,
      verify: async () => {
        if (++calls === 3) resolveThird()
        return healthy
      },
    })
    await third
    await handle.stop()
    const stoppedAt = calls
    await Bun.sleep(20)
    expect(calls).toBe(stoppedAt)
    expect(await sample(metrics, 'jackpot_ledger_verified_timestamp_seconds')).toBe(1_700_000_000)
  })

  test('an interval of 0 runs nothing by itself', async () => {
    let calls = 0
    start({
      verify: async () => {
        calls++
        return healthy
      },
    })
    await Bun.sleep(20)
    expect(calls).toBe(0)
  })
})

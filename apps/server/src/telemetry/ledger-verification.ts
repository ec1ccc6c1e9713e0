import { type LedgerVerification, type VerifiableStore, verifyLedger } from '@jackpot/domain'
import type { Metrics } from '@jackpot/observability'
import type { Logger } from '../logger.ts'

/** Options of {@link startLedgerVerification}. */
export interface LedgerVerificationOptions {
  store: VerifiableStore
  meter: Metrics['meter']
  logger: Logger
  /** Pause between the end of one run and the start of the next, ms; 0 starts nothing. */
  intervalMs: number
  /** Defaults to `verifyLedger`; tests pass a scripted one. */
  verify?: (store: VerifiableStore) => Promise<LedgerVerification>
  /** Seconds since the epoch. Defaults to the system clock. */
  nowSeconds?: () => number
}

/** A running background verification; `stop()` waits for a run in progress. */
export interface LedgerVerificationHandle {
  /** Runs one verification now (waits for one in progress instead of overlapping it). */
  runOnce(): Promise<LedgerVerification | null>
  stop(): Promise<void>
}

/**
 * Replays the ledger in the background, the same check as `bun run cli verify-ledger`:
 * incremental, from the last checkpoint (appending one per closed UTC day), so a run
 * reads the days since the last checkpoint, never all of history. It runs at start and then every `intervalMs` after the previous run ended (so runs never overlap, however long a
 * replay takes). Exports `jackpot_ledger_verified_timestamp_seconds` (the end of the last
 * run that found the ledger and the pools agreeing; absent until one has) and
 * `jackpot_ledger_mismatches_total` (runs that found a divergence), and logs each
 * divergence as an error naming its entry. A run that could not read (database away)
 * is logged as a warning and changes neither: the timestamp going stale is what alerts.
 *
 * @example
 * const verification = startLedgerVerification({ store, meter, logger, intervalMs: 60_000 })
 * await verification.stop()
 */
export function startLedgerVerification(options: LedgerVerificationOptions): LedgerVerificationHandle {
  const { store, logger, intervalMs } = options
  const verify = options.verify ?? verifyLedger
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000)
  let verifiedAt: number | undefined
  let mismatches = 0
  options.meter
    .createObservableGauge('jackpot.ledger.verified_timestamp', {
      description: 'When the background ledger replay last found every pool agreeing with the ledger.',
      unit: 's',
    })
    .addCallback((result) => {
      if (verifiedAt !== undefined) result.observe(verifiedAt)
    })
  options.meter
    .createObservableCounter('jackpot.ledger.mismatches', {
      description: 'Background ledger replays that found a pool diverging from the ledger.',
      unit: '{mismatch}',
    })
    .addCallback((result) => result.observe(mismatches))

  let running: Promise<LedgerVerification | null> | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  async function run(): Promise<LedgerVerification | null> {
    try {
      const outcome = await verify(store)
      if (outcome.ok) {
        verifiedAt = nowSeconds()
        logger.debug(
          {
            entries: outcome.entries,
            pools: outcome.pools,
            from: outcome.from,
            checkpoints: outcome.checkpointsWritten,
          },
          'ledger verified',
        )
      } else {
        mismatches++
        const { entryId, pool, reason } = outcome.divergence
        logger.error(
          { entryId, pool, reason, entries: outcome.entries },
          `ledger divergence at entry ${entryId ?? '(none)'} (pool ${pool}): ${reason}`,
        )
      }
      return outcome
    } catch (error) {
      logger.warn({ err: error }, 'ledger verification could not run; will retry')
      return null
    }
  }

  function runOnce(): Promise<LedgerVerification | null> {
    running ??= run().finally(() => {
      running = null
    })
    return running
  }

  function schedule(delayMs: number): void {
    if (stopped) return
    timer = setTimeout(() => void runOnce().then(() => schedule(intervalMs)), delayMs)
    timer.unref?.()
  }

  // The first run right after start, so a fresh replica reports a verification (or a mismatch) at once.
  if (intervalMs > 0) schedule(0)

  return {
    runOnce,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}

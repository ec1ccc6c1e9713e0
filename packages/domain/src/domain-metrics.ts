import type { Attributes, Counter, Meter } from '@opentelemetry/api'
import type { WinReceipt } from './types.ts'
import type { ItemOutcome } from './write-batch/write-item.ts'

const CONTRIBUTION_KIND: Attributes = { 'jackpot.kind': 'contribution' }
const WIN_KIND: Attributes = { 'jackpot.kind': 'win' }
const FILTERED_LOOKUP: Attributes = { 'jackpot.lookup': 'filtered' }
const PROBED_LOOKUP: Attributes = { 'jackpot.lookup': 'probed_all' }

/** The part of an OpenTelemetry `Meter` the domain uses. */
export type DomainMeter = Pick<Meter, 'createCounter'>

/**
 * The jackpot's business counters, recorded after commit. Prometheus names
 * (as agreed in the observability SDK's METRICS.md, which dashboards and alerts
 * use): `jackpot_contributions_total`, `jackpot_contributed_cents_total{pool}`,
 * `jackpot_wins_total{pool}`, `jackpot_paid_out_cents_total{pool}`,
 * `jackpot_idempotent_replays_total{jackpot_kind}`. A `{cent}` unit adds no
 * suffix, so `_cents` is part of the instrument name. Without a meter every
 * method is a no-op.
 */
export class DomainMetrics {
  readonly #contributions: Counter | undefined
  readonly #contributed: Counter | undefined
  readonly #wins: Counter | undefined
  readonly #payout: Counter | undefined
  readonly #replays: Counter | undefined
  readonly #batches: Counter | undefined
  readonly #batchedWrites: Counter | undefined
  readonly #keyLookups: Counter | undefined
  // Attribute objects are reused: one per pool, built on first use.
  readonly #poolAttributes = new Map<string, Attributes>()

  constructor(meter: DomainMeter | undefined) {
    if (meter === undefined) return
    this.#contributions = meter.createCounter('jackpot.contributions', {
      description: 'Contributions recorded (replays not counted).',
    })
    this.#contributed = meter.createCounter('jackpot.contributed_cents', {
      description: 'Cents contributed to a pool, reserve included.',
      unit: '{cent}',
    })
    this.#wins = meter.createCounter('jackpot.wins', {
      description: 'Jackpot wins paid (replays not counted).',
    })
    this.#payout = meter.createCounter('jackpot.paid_out_cents', {
      description: 'Cents paid out by wins.',
      unit: '{cent}',
    })
    this.#replays = meter.createCounter('jackpot.idempotent_replays', {
      description: 'Requests answered from the ledger because their idempotency key was already used.',
    })
    this.#batches = meter.createCounter('jackpot.write_batches', {
      description: 'Write batches committed (group commit): one transaction each.',
    })
    this.#batchedWrites = meter.createCounter('jackpot.batched_writes', {
      description:
        'Writes carried by committed batches (replays and refusals included); ÷ batches = mean batch size.',
    })
    this.#keyLookups = meter.createCounter('jackpot.settled_key_lookups', {
      description:
        "Write batches' lookups of settled idempotency keys: through the replica's in-memory filter, or probing the table for every key (no filter yet, or one older than the table).",
    })
  }

  /** One write batch's lookup of settled keys (see `settled-key-filter.ts`). */
  settledKeyLookup(filtered: boolean): void {
    this.#keyLookups?.add(1, filtered ? FILTERED_LOOKUP : PROBED_LOOKUP)
  }

  #winRecorded(receipt: WinReceipt): void {
    const attributes = this.#pool(receipt.pool)
    this.#wins?.add(1, attributes)
    this.#payout?.add(Number(receipt.payoutCents), attributes)
  }

  /**
   * Everything one committed batch did, in one pass: one counter add per
   * pool and kind per batch, rather than per write (a rush writes thousands
   * per second, and each add hashes its attributes).
   */
  batchCommitted(outcomes: readonly ItemOutcome[]): void {
    if (this.#batches === undefined) return
    this.#batches.add(1)
    this.#batchedWrites?.add(outcomes.length)
    let contributions = 0
    let contributionReplays = 0
    let winReplays = 0
    const contributed = new Map<string, number>()
    for (const outcome of outcomes) {
      if (!outcome.ok) continue
      const { replayed, result } = outcome.value
      if ('pools' in result) {
        if (replayed) {
          contributionReplays++
          continue
        }
        contributions++
        for (const pool of result.pools) {
          if (pool.contributedCents > 0n)
            contributed.set(pool.slug, (contributed.get(pool.slug) ?? 0) + Number(pool.contributedCents))
        }
      } else if (replayed) {
        winReplays++
      } else {
        this.#winRecorded(result)
      }
    }
    if (contributions > 0) this.#contributions?.add(contributions)
    for (const [slug, cents] of contributed) this.#contributed?.add(cents, this.#pool(slug))
    if (contributionReplays > 0) this.#replays?.add(contributionReplays, CONTRIBUTION_KIND)
    if (winReplays > 0) this.#replays?.add(winReplays, WIN_KIND)
  }

  #pool(slug: string): Attributes {
    let attributes = this.#poolAttributes.get(slug)
    if (!attributes) {
      attributes = { pool: slug }
      this.#poolAttributes.set(slug, attributes)
    }
    return attributes
  }
}

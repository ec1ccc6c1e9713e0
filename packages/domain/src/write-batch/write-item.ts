import type { DomainError } from '../errors.ts'
import type {
  ContributionCommand,
  ContributionReceipt,
  Idempotent,
  Pool,
  PoolSlug,
  WinCommand,
  WinReceipt,
} from '../types.ts'

/** A validated contribution waiting for its batch. */
export interface ContributionItem {
  kind: 'contribution'
  command: ContributionCommand
  /** Whose idempotency key it is ('' for the legacy shared scope). */
  scope: string
  /** Fingerprint of the request, to tell a retry from a reused key. */
  hash: string
}

/** A validated win waiting for its batch. */
export interface WinItem {
  kind: 'win'
  command: WinCommand
  scope: string
  hash: string
}

export type WriteItem = ContributionItem | WinItem

/** What a write item resolves to. */
export type WriteValue<I extends WriteItem> = I extends ContributionItem
  ? Idempotent<ContributionReceipt>
  : Idempotent<WinReceipt>

/** One item's own answer: its receipt (fresh or replayed), or the rule it broke. */
export type ItemOutcome =
  | { ok: true; value: Idempotent<ContributionReceipt | WinReceipt> }
  | { ok: false; error: DomainError }

/** What one committed batch did. */
export interface AppliedBatch {
  /** One per item, in the items' order. */
  outcomes: ItemOutcome[]
  /** Every pool after the batch, when the batch changed any; otherwise null. */
  pools: Pool[] | null
  /** The pools the batch changed, by slug. */
  changedSlugs: PoolSlug[]
  /** Items the batch applied (replays and refusals not counted). */
  applied: number
}

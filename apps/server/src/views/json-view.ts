import type { TObject, TProperties } from '@sinclair/typebox'
import { t } from 'elysia'
import { centsToJson } from '../http/money.ts'

/** How one domain field travels in JSON: bigint cents as a number, a date as ISO 8601 text. */
export type JsonField<V> = V extends bigint ? number : V extends Date ? string : V

/** The view {@link toJsonView} builds: the schema's fields of `T`, each as {@link JsonField}. */
export type JsonView<T, P extends TProperties> = { [K in keyof P & keyof T]: JsonField<T[K]> }

/**
 * A domain record as its response body: the fields the schema lists, read from
 * `source` and made JSON-safe (bigint cents through `centsToJson`, so an amount
 * a double cannot hold is refused rather than rounded; dates as ISO 8601; `null`
 * kept). The schema is the one list of what a view shows, so a domain field the
 * schema does not name (a secret, an internal id) never leaks into the body.
 * Nested arrays are left as they are: map them with their own schema.
 *
 * @example
 * toJsonView(receipt, WinSchema) // { id, pool, payoutCents: 500, createdAt: '2026-…Z', … }
 */
export function toJsonView<P extends TProperties, T extends { [K in keyof P]: unknown }>(
  source: T,
  schema: TObject<P>,
): JsonView<T, P> {
  const view: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) view[key] = jsonField(source[key as keyof T])
  return view as JsonView<T, P>
}

function jsonField(value: unknown): unknown {
  if (typeof value === 'bigint') return centsToJson(value)
  if (value instanceof Date) return value.toISOString()
  return value
}

/** The `nextCursor` of a page: what to pass as `param` for the next one, `null` at the end. */
export function NextCursor(param: 'after' | 'before', next = 'the next page') {
  return t.Union([t.String(), t.Null()], { description: `Pass as '${param}' for ${next}; null at the end` })
}

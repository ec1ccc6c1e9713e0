import { t } from 'elysia'

/**
 * No C0 control characters and no DEL: PostgreSQL refuses NUL in text
 * ("invalid byte sequence for encoding UTF8: 0x00"), and the others have no
 * business in an id or a name (log injection, invisible differences).
 */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001F\\u007F]*$'

/** What a client reads when a string breaks {@link NO_CONTROL_CHARACTERS}. */
export const CONTROL_CHARACTER_MESSAGE = 'must not contain control characters (U+0000-U+001F, U+007F)'

/**
 * A string field of a request that must be plain text: the given bounds plus
 * {@link NO_CONTROL_CHARACTERS}, refused with a 400 naming the field.
 *
 * @example
 * t.Object({ gameId: Text({ minLength: 1, maxLength: 128 }) })
 */
export function Text(options: {
  minLength?: number
  maxLength?: number
  examples?: string[]
  description?: string
}) {
  return t.String({ ...options, pattern: NO_CONTROL_CHARACTERS })
}

/** A page cursor as the API hands it out: base64url, so anything else is refused before the store. */
export const CursorText = t.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: "A previous page's nextCursor",
})

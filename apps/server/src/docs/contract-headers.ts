import type { JsonObject } from './hoist-named-schemas.ts'

/**
 * The response headers of the API, as `components.headers`. Their names are
 * the ones the server sends (HTTP header names are case-insensitive).
 */
export const CONTRACT_HEADERS = {
  'X-Request-Id': {
    description:
      "The request's correlation id (the caller's, when valid, or a new one). Quote it in reports.",
    required: true,
    schema: { type: 'string' },
  },
  'RateLimit-Limit': {
    description: 'Requests allowed per window for this route group and client (when rate limiting is on).',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window.',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window resets.',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Policy': {
    description: 'The policy, e.g. `100;w=60` (limit; window in seconds).',
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
  ETag: {
    description: 'Strong validator of the representation; send it back as If-None-Match.',
    required: true,
    schema: { type: 'string', examples: ['"mega-42"'] },
  },
  'Cache-Control': {
    description: 'How long browsers and edges may reuse the response.',
    required: true,
    schema: { type: 'string' },
  },
  'Idempotency-Replayed': {
    description:
      'Present when this is the stored first result of a repeated Idempotency-Key; nothing changed.',
    schema: { type: 'string', enum: ['true'] },
  },
  'WWW-Authenticate': {
    description: 'The authentication scheme the route expects.',
    required: true,
    schema: { type: 'string' },
  },
} satisfies Record<string, JsonObject>

export type ContractHeader = keyof typeof CONTRACT_HEADERS

/** `{ name: { $ref } }` for a response's `headers`. */
export function headerRefs(names: readonly ContractHeader[]): JsonObject {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]))
}

/** Headers the rate limiter adds to every response under /api when rate limiting is enabled. */
export const RATE_LIMIT_HEADERS: readonly ContractHeader[] = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
]

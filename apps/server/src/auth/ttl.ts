const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

/** Longest lifetime the CLI will sign: long-lived bearer tokens are what API keys are for. */
export const MAX_TTL_SECONDS = 30 * 86_400

/**
 * Parses a lifetime such as `90s`, `15m`, `1h` or `7d` into seconds.
 * Returns null for anything else, or beyond `maxSeconds` (30 days unless given).
 *
 * @example
 * parseTtl('1h')  // 3600
 */
export function parseTtl(text: string, maxSeconds: number = MAX_TTL_SECONDS): number | null {
  const match = /^(\d{1,7})([smhd])$/.exec(text.trim())
  if (!match) return null
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]
  return seconds > 0 && seconds <= maxSeconds ? seconds : null
}

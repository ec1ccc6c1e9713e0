const moneyFormats = new Map<string, Intl.NumberFormat>()

/**
 * Cents in the pool's currency, in the browser's locale.
 *
 * @example
 * formatMoney(1_000_025, 'EUR') // '€10,000.25' (en-US)
 */
export function formatMoney(cents: number | string, currency: string): string {
  let format = moneyFormats.get(currency)
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency })
    moneyFormats.set(currency, format)
  }
  // Integer cents → major units. Totals arrive as int64 decimal strings (they may pass
  // 2^53): Intl formats a decimal string exactly, so the point is placed by text, not division.
  if (typeof cents === 'string') return format.format(centsText(cents) as unknown as number)
  return format.format(cents / 100)
}

/** '-12345' → '-123.45', exactly. */
function centsText(cents: string): string {
  const negative = cents.startsWith('-')
  const digits = (negative ? cents.slice(1) : cents).padStart(3, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

/**
 * "3 minutes ago", for a time shown with its absolute value in a tooltip ({@link formatAbsolute}).
 *
 * @example
 * formatRelative(new Date(Date.now() - 90_000)) // '2 minutes ago'
 */
export function formatRelative(at: Date, now = Date.now()): string {
  const seconds = Math.round((at.getTime() - now) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 60) return relative.format(seconds, 'second')
  if (abs < 3_600) return relative.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return relative.format(Math.round(seconds / 3_600), 'hour')
  return relative.format(Math.round(seconds / 86_400), 'day')
}

export function formatAbsolute(at: Date): string {
  return absolute.format(at)
}

/** A ratio as a percentage with `digits` decimals; an em dash for none. */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)} %`
}

/** A duration such as "2 h 5 min". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return `${Math.floor(ms / 1000)} s`
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ${minutes % 60} min`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
])

/**
 * The metric (and recorded series) names a PromQL expression selects, e.g.
 * `rate(http_server_request_duration_seconds_count{job="x"}[5m]) > 1` →
 * `['http_server_request_duration_seconds_count']`. A lexical pass, enough
 * for the rules and panels of this repository: string literals, label
 * matchers, grouping lists and ranges are dropped, then every identifier
 * that is neither a function call nor a keyword is a name.
 *
 * @example
 * metricNames('sum by (pool) (rate(jackpot_wins_total[5m])) or vector(0)') // ['jackpot_wins_total']
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
  const names = new Set<string>()
  for (const match of bare.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)) {
    const name = match[1]!
    if (!KEYWORDS.has(name.toLowerCase())) names.add(name)
  }
  return [...names]
}

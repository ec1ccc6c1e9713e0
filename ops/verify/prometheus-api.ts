/** One series of an instant query. */
export interface Sample {
  metric: Record<string, string>
  value: [number, string]
}

/** What an instant query returned: its series, or why it failed. */
export type QueryOutcome = { ok: true; samples: Sample[] } | { ok: false; error: string }

interface QueryResponse {
  status: 'success' | 'error'
  error?: string
  data?: { resultType: string; result: unknown }
}

/**
 * Runs an instant query against the Prometheus HTTP API (`/api/v1/query`).
 * Scalars come back as one series without labels.
 *
 * @example
 * const outcome = await instantQuery('http://127.0.0.1:9090', 'up')
 */
export async function instantQuery(prometheusUrl: string, expr: string): Promise<QueryOutcome> {
  let response: Response
  try {
    response = await fetch(`${prometheusUrl}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    })
  } catch (error) {
    return { ok: false, error: `request failed: ${error instanceof Error ? error.message : String(error)}` }
  }
  const body = (await response.json().catch(() => null)) as QueryResponse | null
  if (body?.status !== 'success' || !body.data) {
    return { ok: false, error: body?.error ?? `HTTP ${response.status}` }
  }
  const { resultType, result } = body.data
  if (resultType === 'vector') return { ok: true, samples: result as Sample[] }
  if (resultType === 'scalar')
    return { ok: true, samples: [{ metric: {}, value: result as [number, string] }] }
  return { ok: false, error: `unexpected result type '${resultType}' for an instant query` }
}

/** Values of a label on the series `match` selects (`/api/v1/label/<name>/values`): Grafana's label_values(). */
export async function labelValues(prometheusUrl: string, label: string, match: string): Promise<string[]> {
  const query = new URLSearchParams({ 'match[]': match })
  const response = await fetch(`${prometheusUrl}/api/v1/label/${label}/values?${query}`)
  const body = (await response.json()) as { status: string; data?: string[] }
  return body.status === 'success' ? (body.data ?? []) : []
}

/** A rule as `/api/v1/rules` reports it after evaluation. */
export interface RuleState {
  group: string
  name: string
  type: 'recording' | 'alerting'
  health: 'ok' | 'err' | 'unknown'
  lastError?: string
  query: string
}

/** Every loaded rule with its evaluation health. */
export async function ruleStates(prometheusUrl: string): Promise<RuleState[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/rules`)
  const body = (await response.json()) as {
    data?: { groups: { name: string; rules: Omit<RuleState, 'group'>[] }[] }
  }
  return (body.data?.groups ?? []).flatMap((group) =>
    group.rules.map((rule) => ({ ...rule, group: group.name })),
  )
}

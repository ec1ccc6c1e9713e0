import { ContractValidator } from './contract-validator.ts'

/** `fetch` of a path on one server, every answer checked against that server's /swagger/json. */
export type CheckedFetch = (path: string, init?: RequestInit) => Promise<Response>

const validators = new Map<string, Promise<ContractValidator>>()

/** The contract `base` publishes, loaded once per server. */
export function contractAt(base: string): Promise<ContractValidator> {
  let validator = validators.get(base)
  if (validator === undefined) {
    validator = (async () => {
      const response = await fetch(`${base}/swagger/json`)
      if (!response.ok) throw new Error(`${base}/swagger/json answered ${response.status}`)
      return ContractValidator.load((await response.json()) as never)
    })()
    validators.set(base, validator)
  }
  return validator
}

/**
 * The socket suites' counterpart of the harness: a `fetch` that checks every
 * answer of a documented route against the document the server itself
 * publishes at /swagger/json (see ContractValidator), and throws where a
 * response breaks it, so the test that received it fails. Event streams are
 * handed back unread (they never end); a refused connection rejects as fetch does.
 *
 * @example
 * const send = await contractFetch(server.base)
 * const pools = await send('/api/v1/pools')
 */
export async function contractFetch(base: string): Promise<CheckedFetch> {
  const contract = await contractAt(base)
  return async (path, init = {}) => {
    const response = await fetch(`${base}${path}`, init)
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response
    const violations = contract.check({
      method: init.method ?? 'GET',
      url: path,
      status: response.status,
      headers: response.headers,
      text: await response.clone().text(),
    })
    if (violations.length > 0)
      throw new Error(`Response breaks the OpenAPI contract:\n  ${violations.join('\n  ')}`)
    return response
  }
}

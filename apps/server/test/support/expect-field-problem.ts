import { expect } from 'bun:test'

/**
 * Asserts the answer every refused input gets: a 400 application/problem+json of
 * the validation type whose `errors` name `field` (so a client knows what to fix).
 */
export function expectFieldProblem(res: { status: number; body: unknown; headers: Headers }, field: string) {
  expect(res.status).toBe(400)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const body = res.body as { type: string; errors?: { field: string }[] }
  expect(body.type).toBe('https://jackpot.dev/problems/validation')
  expect(body.errors?.map((e) => e.field)).toContain(field)
}

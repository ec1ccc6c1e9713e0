import { Elysia } from 'elysia'
import { HttpProblem, problem } from '../http/problem.ts'
import type { Authenticator } from './authenticator.ts'
import type { Principal } from './principal.ts'
import { type Role, satisfiesRole } from './roles.ts'

export interface AuthPluginOptions {
  /**
   * Called once a credential is verified, before the role check; may throw an
   * `HttpProblem` (the rate limit's `verified`, which charges the principal).
   * Defaults to none.
   */
  onVerified?: (
    request: Request,
    principal: Principal,
    headers: Record<string, unknown>,
  ) => undefined | Promise<void>
}

/**
 * Adds the `auth` route option: `{ auth: 'viewer' }` or `{ auth: ['game', 'operator'] }`.
 *
 * Credentials are checked in `transform`, which runs before body validation,
 * so an anonymous caller learns nothing about the body a route expects; the
 * handler then receives the typed `principal`.
 *
 * @example
 * new Elysia().use(authPlugin(authenticator)).get('/ledger', ({ principal }) => principal.role, { auth: 'viewer' })
 */
export function authPlugin(authenticator: Authenticator, options: AuthPluginOptions = {}) {
  const { onVerified } = options
  const principals = new WeakMap<Request, Principal>()
  return new Elysia().macro({
    auth: (allowed: Role | readonly Role[]) => {
      const roles: readonly Role[] = typeof allowed === 'string' ? [allowed] : allowed
      return {
        detail: { security: securityFor(roles) },
        async transform({ request, set }) {
          const principal = await authenticator.authenticate(request.headers)
          if (onVerified) await onVerified(request, principal, set.headers)
          if (!satisfiesRole(principal.role, roles)) {
            throw new HttpProblem(
              problem('forbidden', {
                detail: `This route needs role ${roles.join(' or ')}; the caller has role ${principal.role}.`,
              }),
            )
          }
          principals.set(request, principal)
        },
        resolve({ request }) {
          const principal = principals.get(request)
          // transform always runs first; reaching this means the hook order changed under us.
          if (!principal) throw new Error('auth: principal missing after transform')
          return { principal }
        },
      }
    },
  })
}

/** OpenAPI security requirements: API keys for game routes, bearer tokens for staff routes. */
function securityFor(roles: readonly Role[]): Record<string, string[]>[] {
  const security: Record<string, string[]>[] = []
  if (roles.includes('game')) security.push({ apiKey: [] })
  if (roles.some((role) => role !== 'game')) security.push({ bearer: [] })
  return security
}

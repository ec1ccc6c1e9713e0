import type { ApiKeyStore } from '@jackpot/domain'
import { HttpProblem, problem } from '../http/problem.ts'
import { JwtError, type JwtKey, verifyJwt } from './jwt.ts'
import type { Principal } from './principal.ts'

export interface AuthenticatorOptions {
  apiKeys: Pick<ApiKeyStore, 'authenticateApiKey'>
  /** Keys tokens may be signed with (`config.jwtKeys`), picked by the token's `kid`. */
  jwtKeys: readonly JwtKey[]
  jwtIssuer: string
  /** The `aud` every token must carry (JWT_AUDIENCE). */
  jwtAudience: string
  /** Longest accepted token lifetime (JWT_MAX_TTL_SECONDS). Defaults to none. */
  jwtMaxLifetimeSeconds?: number | undefined
  /** Clock in milliseconds, for token expiry. Defaults to Date.now. */
  now?: () => number
}

export interface Authenticator {
  /** @throws HttpProblem 401 with `WWW-Authenticate` when credentials are missing or invalid. */
  authenticate(headers: Headers): Promise<Principal>
}

const REALM = 'realm="jackpot"'

/**
 * Resolves `X-API-Key` (game servers) or `Authorization: Bearer` (people) to a principal.
 *
 * @example
 * const authenticator = createAuthenticator({
 *   apiKeys, jwtKeys: config.jwtKeys, jwtIssuer: config.JWT_ISSUER, jwtAudience: config.JWT_AUDIENCE,
 * })
 * const principal = await authenticator.authenticate(request.headers)
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  return {
    async authenticate(headers) {
      const apiKey = headers.get('x-api-key')
      if (apiKey !== null) {
        const key =
          apiKey.length > 0 && apiKey.length <= 256 ? await options.apiKeys.authenticateApiKey(apiKey) : null
        if (!key) throw unauthorized('The API key is not valid or has been revoked.', `ApiKey ${REALM}`)
        return { kind: 'api-key', keyId: key.id, name: key.name, role: key.role }
      }

      const authorization = headers.get('authorization')
      if (authorization === null) {
        throw unauthorized(
          "Send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'.",
          `Bearer ${REALM}, ApiKey ${REALM}`,
        )
      }
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
      if (!match?.[1]) {
        throw unauthorized(
          "The Authorization header must be 'Bearer <token>'.",
          `Bearer ${REALM}, error="invalid_request"`,
        )
      }
      try {
        const claims = verifyJwt(match[1], {
          keys: options.jwtKeys,
          issuer: options.jwtIssuer,
          audience: options.jwtAudience,
          now: options.now,
          ...(options.jwtMaxLifetimeSeconds === undefined
            ? {}
            : { maxLifetimeSeconds: options.jwtMaxLifetimeSeconds }),
        })
        return { kind: 'user', sub: claims.sub, role: claims.role }
      } catch (error) {
        if (!(error instanceof JwtError)) throw error
        throw unauthorized(error.message, `Bearer ${REALM}, error="invalid_token"`, error)
      }
    },
  }
}

function unauthorized(detail: string, challenge: string, cause?: unknown): HttpProblem {
  return new HttpProblem(problem('unauthorized', { detail }), { 'www-authenticate': challenge }, { cause })
}

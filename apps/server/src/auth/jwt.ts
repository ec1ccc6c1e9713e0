import { createHmac, timingSafeEqual } from 'node:crypto'
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_KID, type JwtKey } from '@jackpot/config'
import { isStaffRole, type StaffRole } from './roles.ts'

export type { JwtKey }

export interface TokenClaims {
  sub: string
  role: StaffRole
  iss: string
  aud: string
  /** Seconds since the epoch. */
  iat: number
  /** Seconds since the epoch. */
  exp: number
}

export type JwtErrorCode =
  | 'E_TOKEN_MALFORMED'
  | 'E_TOKEN_SIGNATURE'
  | 'E_TOKEN_EXPIRED'
  | 'E_TOKEN_CLAIMS'
  | 'E_TOKEN_KEY'

/** Why a token was refused. The message is safe to show to the client. */
export class JwtError extends Error {
  constructor(
    readonly code: JwtErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'JwtError'
  }
}

export interface SignOptions {
  secret: string
  /** The `kid` header naming `secret` among the verifier's keys. Defaults to `'default'` (JWT_SECRET's). */
  kid?: string
  issuer: string
  /** The `aud` claim. Defaults to `'jackpot-api'` (JWT_AUDIENCE's default). */
  audience?: string
  /** Lifetime in seconds. */
  ttlSeconds: number
  /** Clock in milliseconds. Defaults to Date.now. */
  now?: () => number
}

export interface VerifyOptions {
  /**
   * The keys a token may be signed with, picked by its `kid` header; a token
   * without one (signed before keys had ids) is checked with kid `'default'`.
   */
  keys: readonly JwtKey[]
  issuer: string
  /** The `aud` the token must carry (a string, or an array holding it). */
  audience: string
  /** Clock in milliseconds. Defaults to Date.now. */
  now?: () => number
  /** Tolerated clock skew between issuer and server, in seconds. Defaults to 30. */
  leewaySeconds?: number
  /** Longest accepted lifetime (`exp - iat`), seconds; a token signed to live longer is refused. Defaults to none. */
  maxLifetimeSeconds?: number
}

/**
 * Signs an HS256 token for a person with a staff role, naming its key in the
 * `kid` header so the key can be rotated without logging everyone out.
 *
 * @example
 * const [key] = config.jwtKeys
 * const token = signJwt({ sub: 'ada', role: 'admin' }, { ...key, issuer: 'jackpot-platform', ttlSeconds: 3600 })
 */
export function signJwt(subject: { sub: string; role: StaffRole }, options: SignOptions): string {
  const iat = Math.floor((options.now ?? Date.now)() / 1000)
  const claims: TokenClaims = {
    sub: subject.sub,
    role: subject.role,
    iss: options.issuer,
    aud: options.audience ?? DEFAULT_JWT_AUDIENCE,
    iat,
    exp: iat + options.ttlSeconds,
  }
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: options.kid ?? DEFAULT_JWT_KID }))
  const unsigned = `${header}.${base64url(JSON.stringify(claims))}`
  return `${unsigned}.${sign(unsigned, options.secret)}`
}

/**
 * Verifies the signature (HS256 only, with the key its `kid` names, constant-time
 * compare), then issuer, audience, `iat`, `exp` and the lifetime.
 *
 * @throws JwtError
 * @example
 * const claims = verifyJwt(token, { keys: config.jwtKeys, issuer: 'jackpot-platform', audience: 'jackpot-api' })
 */
export function verifyJwt(token: string, options: VerifyOptions): TokenClaims {
  const parts = token.split('.')
  if (parts.length !== 3) throw new JwtError('E_TOKEN_MALFORMED', 'The token is not a JWT.')
  const [encodedHeader, encodedPayload, signature] = parts as [string, string, string]

  const header = decodeJson(encodedHeader)
  // Pinning the algorithm closes the 'alg: none' and algorithm-confusion attacks.
  if (header?.alg !== 'HS256') throw new JwtError('E_TOKEN_MALFORMED', 'The token must be signed with HS256.')
  const kid = header.kid ?? DEFAULT_JWT_KID
  const key = typeof kid === 'string' ? options.keys.find((candidate) => candidate.kid === kid) : undefined
  // A removed key is how a rotation ends: its tokens stop working, whatever they claim.
  if (key === undefined)
    throw new JwtError('E_TOKEN_KEY', 'The token was signed with a key that is not accepted.')

  const expected = Buffer.from(sign(`${encodedHeader}.${encodedPayload}`, key.secret))
  const received = Buffer.from(signature)
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    throw new JwtError('E_TOKEN_SIGNATURE', 'The token signature is not valid.')
  }

  const payload = decodeJson(encodedPayload)
  if (!payload) throw new JwtError('E_TOKEN_MALFORMED', 'The token payload is not JSON.')
  const { sub, role, iss, aud, iat, exp } = payload
  if (typeof sub !== 'string' || sub.length === 0) throw claimsError('sub')
  if (!isStaffRole(role)) throw claimsError('role')
  if (iss !== options.issuer) throw claimsError('iss')
  if (!(aud === options.audience || (Array.isArray(aud) && aud.includes(options.audience)))) {
    throw claimsError('aud')
  }
  if (typeof iat !== 'number' || typeof exp !== 'number') throw claimsError('iat/exp')

  const now = (options.now ?? Date.now)() / 1000
  const leeway = options.leewaySeconds ?? 30
  if (iat > now + leeway) throw new JwtError('E_TOKEN_CLAIMS', 'The token was issued in the future.')
  if (exp <= now - leeway) throw new JwtError('E_TOKEN_EXPIRED', 'The token has expired.')
  if (options.maxLifetimeSeconds !== undefined && exp - iat > options.maxLifetimeSeconds) {
    throw new JwtError(
      'E_TOKEN_CLAIMS',
      `The token lives longer than the ${options.maxLifetimeSeconds} s allowed.`,
    )
  }
  return { sub, role, iss, aud: options.audience, iat, exp }
}

function claimsError(claim: string): JwtError {
  return new JwtError('E_TOKEN_CLAIMS', `The token's ${claim} claim is missing or not accepted.`)
}

function sign(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url')
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

import type { Role, StaffRole } from './roles.ts'

/** Who is calling: a person with a bearer token, or a game server with an API key. */
export type Principal =
  | { kind: 'user'; sub: string; role: StaffRole }
  | { kind: 'api-key'; keyId: string; name: string; role: Extract<Role, 'game'> }

/**
 * The name recorded in audit entries and key metadata.
 *
 * @example
 * actorOf({ kind: 'user', sub: 'ada', role: 'admin' })  // 'ada'
 */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.sub : `api-key:${principal.name}`
}

/** People's roles, weakest first: each includes everything the ones before it may do. */
export const STAFF_ROLES = ['viewer', 'operator', 'admin'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

/** Game servers authenticate with API keys and get this role, outside the staff hierarchy. */
export type Role = StaffRole | 'game'

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value)
}

/**
 * Whether `role` may use a route open to `allowed`. Staff roles are ranked, so
 * a route open to `viewer` admits operators and admins too; `game` only
 * matches `game`.
 *
 * @example
 * satisfiesRole('admin', ['operator'])  // true
 * satisfiesRole('game', ['viewer'])     // false
 */
export function satisfiesRole(role: Role, allowed: readonly Role[]): boolean {
  if (role === 'game') return allowed.includes('game')
  const rank = STAFF_ROLES.indexOf(role)
  return allowed.some((needed) => needed !== 'game' && rank >= STAFF_ROLES.indexOf(needed))
}

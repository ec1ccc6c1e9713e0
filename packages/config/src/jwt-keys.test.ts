import { describe, expect, test } from 'bun:test'
import { ConfigError } from './config-error.ts'
import { DEVELOPMENT_JWT_SECRET, loadConfig } from './load-config.ts'

const A = 'kq3N0rS7vYx2Lb9WmT4hZc8Pj1Ue6Ga5Rf0Di7Ks3Qo'
const B = 'Zt8Rm2Qv6Wx0Ny4Lp1Ks9Hj3Gd7Fc5Ba0Ue2Yi6Oo4'

function issuesOf(env: Record<string, string>): readonly { variable: string; expected: string }[] {
  try {
    loadConfig(env)
    return []
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return error.issues
  }
}

describe('JWT signing keys', () => {
  test("JWT_SECRET alone is the key 'default'", () => {
    const config = loadConfig({ JWT_SECRET: A })
    expect(config.jwtKeys).toEqual([{ kid: 'default', secret: A }])
    expect(config.JWT_SECRET).toBe(A)
  })

  test('JWT_SECRETS lists kid:secret pairs, the first one signs; JWT_SECRET stays as a verify-only default', () => {
    const config = loadConfig({ JWT_SECRETS: `2030-02:${B}, 2030-01:${A}`, JWT_SECRET: 'old-single-secret' })
    expect(config.jwtKeys).toEqual([
      { kid: '2030-02', secret: B },
      { kid: '2030-01', secret: A },
      { kid: 'default', secret: 'old-single-secret' },
    ])
    expect(config.JWT_SECRET).toBe(B)
  })

  test('outside production with no key at all, a development key signs', () => {
    expect(loadConfig({}).jwtKeys).toEqual([{ kid: 'default', secret: DEVELOPMENT_JWT_SECRET }])
  })

  test('refuses malformed pairs and repeated kids without echoing a secret', () => {
    for (const value of [`no-colon-${A}`, `:${A}`, 'k1:', `bad kid:${A}`, `k1:${A},k1:${B}`]) {
      const issues = issuesOf({ JWT_SECRETS: value })
      expect(
        issues.map((issue) => issue.variable),
        value,
      ).toEqual(['JWT_SECRETS'])
      expect(JSON.stringify(issues)).not.toContain(A)
    }
    expect(issuesOf({ JWT_SECRETS: `default:${A}`, JWT_SECRET: B })[0]?.expected).toContain('JWT_SECRET')
  })

  test('production refuses a weak or placeholder key anywhere in JWT_SECRETS, naming its kid', () => {
    const issues = issuesOf({ NODE_ENV: 'production', JWT_SECRETS: `new:${A},old:change-me-${B}` })
    expect(issues).toEqual([
      { variable: 'JWT_SECRETS', expected: "a real secret, not a well-known placeholder (kid 'old')" },
    ])
    expect(issuesOf({ NODE_ENV: 'production', JWT_SECRETS: 'new:short' })[0]?.expected).toContain(
      'at least 32 characters',
    )
    expect(issuesOf({ NODE_ENV: 'production', JWT_SECRETS: ' , ' })[0]?.variable).toBe('JWT_SECRET')
    expect(issuesOf({ NODE_ENV: 'production', JWT_SECRETS: `new:${A},old:${B}` })).toEqual([])
  })
})

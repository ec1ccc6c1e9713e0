import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { DEVELOPMENT_JWT_SECRET } from '@jackpot/config'
import { verifyJwt } from '../src/auth/jwt.ts'

const CLI = join(import.meta.dir, '../src/cli.ts')
const DEVELOPMENT_KEYS = [{ kid: 'default', secret: DEVELOPMENT_JWT_SECRET }]
const verifyOptions = { keys: DEVELOPMENT_KEYS, issuer: 'jackpot-platform', audience: 'jackpot-api' }

/** Runs the CLI as a user would, with a clean environment (no JWT_SECRET → the development secret). */
function cli(...args: string[]) {
  const result = Bun.spawnSync([process.execPath, CLI, ...args], { env: {} })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}

describe('cli token', () => {
  test('prints only a token, signed with the configured secret, for the given role, subject and lifetime', () => {
    const before = Math.floor(Date.now() / 1000)
    const { code, stdout } = cli('token', '--role', 'operator', '--sub', 'ada', '--ttl', '15m')
    expect(code).toBe(0)
    expect(stdout.trim().split('\n')).toHaveLength(1)
    const claims = verifyJwt(stdout.trim(), verifyOptions)
    expect(claims).toMatchObject({ sub: 'ada', role: 'operator' })
    expect(claims.exp - claims.iat).toBe(900)
    expect(claims.iat).toBeGreaterThanOrEqual(before)
  })

  test('defaults the lifetime to one hour', () => {
    const { stdout } = cli('token', '--role', 'admin', '--sub', 'ada')
    const claims = verifyJwt(stdout.trim(), verifyOptions)
    expect(claims.exp - claims.iat).toBe(3600)
  })

  test('explains an unknown role, a bad lifetime, a missing subject and an unknown flag, exiting 2', () => {
    const cases: [string[], RegExp][] = [
      [['token', '--role', 'boss', '--sub', 'x'], /unknown role 'boss'; use one of viewer, operator, admin/],
      [['token', '--role', 'admin', '--sub', 'x', '--ttl', '5y'], /bad --ttl '5y'/],
      [['token', '--role', 'admin'], /--sub is required/],
      [['token', '--role', 'admin', '--sub', 'x', '--colour', 'red'], /Unknown option '--colour'/],
      [['mint'], /unknown command 'mint'/],
    ]
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = cli(...args)
      expect(code).toBe(2)
      expect(stdout).toBe('')
      expect(stderr).toMatch(message)
      expect(stderr).toContain('usage: bun run cli token')
    }
  })

  test('prints usage for --help and exits 0', () => {
    const { code, stdout } = cli('--help')
    expect(code).toBe(0)
    expect(stdout).toContain('usage: bun run cli token --role <viewer|operator|admin> --sub <name>')
  })

  test('reports an invalid environment without a stack trace', () => {
    const result = Bun.spawnSync([process.execPath, CLI, 'token', '--role', 'admin', '--sub', 'x'], {
      env: { NODE_ENV: 'production', JWT_SECRET: 'short' },
    })
    expect(result.exitCode).toBe(1)
    const stderr = result.stderr.toString()
    expect(stderr).toContain('JWT_SECRET: expected at least 32 characters in production')
    expect(stderr).not.toContain('    at ')
    expect(stderr).not.toContain('short')
  })
})

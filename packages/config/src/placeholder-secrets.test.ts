import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from './config-error.ts'
import { isPlaceholderSecret, loadConfig } from './load-config.ts'

const ROOT = join(import.meta.dir, '../../..')
const REAL = 'kq3N0rS7vYx2Lb9WmT4hZc8Pj1Ue6Ga5Rf0Di7Ks3Qo'

function committedValue(file: string, variable: string): string {
  const line = readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .find((l) => new RegExp(`^\\s*${variable}\\s*[:=]`).test(l))
  return (line ?? '').replace(new RegExp(`^\\s*${variable}\\s*[:=]\\s*`), '').replace(/^["']|["']$/g, '')
}

function productionIssues(env: Record<string, string>): string[] {
  try {
    loadConfig({ NODE_ENV: 'production', ...env })
    return []
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return error.issues.map((issue) => issue.variable)
  }
}

describe('production refuses placeholder secrets', () => {
  test('the value in ops/k8s/secret.yaml is refused', () => {
    const committed = committedValue('ops/k8s/secret.yaml', 'JWT_SECRET')
    expect(committed).toContain('REPLACE_ME')
    expect(productionIssues({ JWT_SECRET: committed })).toContain('JWT_SECRET')
  })

  test('the commented JWT_SECRETS example in ops/k8s/secret.yaml is refused once uncommented', () => {
    const example = readFileSync(join(ROOT, 'ops/k8s/secret.yaml'), 'utf8')
      .split('\n')
      .find((line) => /^\s*#\s*JWT_SECRETS:/.test(line))
    const value = (example ?? '').replace(/^\s*#\s*JWT_SECRETS:\s*/, '')
    expect(value).toContain('REPLACE_ME')
    expect(productionIssues({ JWT_SECRET: REAL, JWT_SECRETS: value })).toContain('JWT_SECRETS')
  })

  test('.env.example leaves JWT_SECRET empty, and an empty secret is refused in production', () => {
    expect(committedValue('.env.example', 'JWT_SECRET')).toBe('')
    expect(productionIssues({ JWT_SECRET: '' })).toContain('JWT_SECRET')
  })

  test('change-me and replace_me-like values are refused however they are spelt', () => {
    for (const secret of [
      'change-me-to-a-long-random-string-0123456789',
      'CHANGE_ME_PLEASE_0123456789_0123456789_0123',
      'replace me with at least thirty-two characters',
      'your_secret_here_your_secret_here_0123456789',
      'placeholder-placeholder-placeholder-0123456789',
    ]) {
      expect(isPlaceholderSecret(secret), secret).toBe(true)
      expect(productionIssues({ JWT_SECRET: secret }), secret).toContain('JWT_SECRET')
    }
  })

  test('a placeholder password inside DATABASE_URL is refused, and the message does not echo it', () => {
    try {
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: REAL,
        DATABASE_URL: 'postgres://jackpot:change-me-postgres@db:5432/jackpot',
      })
      throw new Error('accepted')
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['DATABASE_URL'])
      expect((error as Error).message).not.toContain('change-me-postgres')
    }
  })

  test('a random secret and a real password are accepted', () => {
    expect(isPlaceholderSecret(REAL)).toBe(false)
    expect(
      productionIssues({ JWT_SECRET: REAL, DATABASE_URL: `postgres://jackpot:${REAL}@db:5432/jackpot` }),
    ).toEqual([])
  })
})

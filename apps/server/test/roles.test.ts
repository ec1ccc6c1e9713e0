import { describe, expect, test } from 'bun:test'
import { satisfiesRole } from '../src/auth/roles.ts'

describe('roles', () => {
  test('ranks staff roles: a route for viewers admits operators and admins', () => {
    expect(satisfiesRole('viewer', ['viewer'])).toBe(true)
    expect(satisfiesRole('operator', ['viewer'])).toBe(true)
    expect(satisfiesRole('admin', ['viewer'])).toBe(true)
    expect(satisfiesRole('viewer', ['operator'])).toBe(false)
    expect(satisfiesRole('operator', ['admin'])).toBe(false)
  })

  test('keeps game keys outside the staff hierarchy', () => {
    expect(satisfiesRole('game', ['game'])).toBe(true)
    expect(satisfiesRole('game', ['viewer'])).toBe(false)
    expect(satisfiesRole('admin', ['game'])).toBe(false)
  })

  test('admits any of several allowed roles', () => {
    expect(satisfiesRole('game', ['game', 'operator'])).toBe(true)
    expect(satisfiesRole('admin', ['game', 'operator'])).toBe(true)
    expect(satisfiesRole('viewer', ['game', 'operator'])).toBe(false)
  })
})

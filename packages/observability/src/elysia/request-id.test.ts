import { describe, expect, test } from 'bun:test'
import { isValidRequestId } from './request-id.ts'

describe('request ids', () => {
  test('accepts the ids proxies and tracers send', () => {
    expect(isValidRequestId('9b2d6f4e-1c3a-4b5d-8e7f-0a1b2c3d4e5f')).toBe(true)
    expect(isValidRequestId('01HZX3K5V7W9Y1A3C5E7G9J1K3')).toBe(true)
    expect(isValidRequestId('edge.proxy_42')).toBe(true)
  })

  test('refuses empty, oversized and injection-prone ids', () => {
    expect(isValidRequestId('')).toBe(false)
    expect(isValidRequestId('a'.repeat(129))).toBe(false)
    expect(isValidRequestId('abc\ndef')).toBe(false)
    expect(isValidRequestId('a b')).toBe(false)
    expect(isValidRequestId('"quoted"')).toBe(false)
  })
})

import { describe, expect, test } from 'bun:test'
import { isValidRequestId, resolveRequestId } from './request-id.ts'

describe('request id', () => {
  test('accepts UUIDs, ULIDs and dotted or dashed ids up to 128 characters', () => {
    for (const id of [
      '4bf92f35-77b3-4da6-a3ce-929d0e0e4736',
      '01HZX3K9Q8W7E6R5T4Y3U2I1O0',
      'edge.1_a-b',
      'x'.repeat(128),
    ]) {
      expect(isValidRequestId(id)).toBe(true)
    }
  })

  test('rejects empty, oversized and injection-prone values', () => {
    for (const id of ['', 'x'.repeat(129), 'a b', 'line\nbreak', '"quoted"', '<script>', 'ü']) {
      expect(isValidRequestId(id)).toBe(false)
    }
  })

  test('reuses a valid incoming id and generates one otherwise', () => {
    expect(resolveRequestId('edge-1', () => 'generated')).toBe('edge-1')
    expect(resolveRequestId('bad id', () => 'generated')).toBe('generated')
    expect(resolveRequestId(null, () => 'generated')).toBe('generated')
  })
})

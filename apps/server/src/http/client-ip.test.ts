import { describe, expect, test } from 'bun:test'
import { clientAddress } from './client-ip.ts'

describe('clientAddress', () => {
  test('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress('1.1.1.1', '10.0.0.2', 0)).toBe('10.0.0.2')
  })

  test('a client-sent X-Forwarded-For entry cannot choose the address: the edge-appended one wins', () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the edge appended the real peer 203.0.113.9.
    expect(clientAddress('6.6.6.6, 203.0.113.9', '10.0.0.2', 1)).toBe('203.0.113.9')
    expect(clientAddress('1.2.3.4, 5.6.7.8, 203.0.113.9', '10.0.0.2', 1)).toBe('203.0.113.9')
  })

  test('reads through as many trusted hops as configured, right to left', () => {
    // CDN → edge → server: the CDN appended the client, the edge appended the CDN.
    expect(clientAddress('6.6.6.6, 203.0.113.9, 198.51.100.7', '10.0.0.2', 2)).toBe('203.0.113.9')
  })

  test('falls back to the peer when the header has fewer entries than trusted hops', () => {
    expect(clientAddress('203.0.113.9', '10.0.0.2', 2)).toBe('10.0.0.2')
    expect(clientAddress(' , ', '10.0.0.2', 1)).toBe('10.0.0.2')
    expect(clientAddress(null, '10.0.0.2', 1)).toBe('10.0.0.2')
  })
})

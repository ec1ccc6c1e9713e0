import { describe, expect, test } from 'bun:test'
import { ResponseHeaders } from './response-headers.ts'

const headersOf = (response: Response) => Object.fromEntries(response.headers.entries())

describe('ResponseHeaders', () => {
  test('gives each response exactly the headers it was asked for, volatile ones included', async () => {
    const headers = new ResponseHeaders({ volatile: ['ratelimit-remaining'] })
    const first = headers.response('a', 200, { etag: '"1"', vary: 'Origin', 'ratelimit-remaining': '9' })
    const second = headers.response('b', 200, { etag: '"1"', vary: 'Origin', 'ratelimit-remaining': '8' })
    expect(headersOf(first)).toEqual({
      etag: '"1"',
      vary: 'Origin',
      'ratelimit-remaining': '9',
    })
    expect(second.headers.get('ratelimit-remaining')).toBe('8')
    expect(await second.text()).toBe('b')
  })

  test('does not carry a volatile header over to a response that has none', () => {
    const headers = new ResponseHeaders({ volatile: ['ratelimit-remaining'] })
    headers.response(null, 304, { etag: '"1"', 'ratelimit-remaining': '9' })
    const without = headers.response(null, 304, { etag: '"1"' })
    expect(without.status).toBe(304)
    expect(without.headers.has('ratelimit-remaining')).toBe(false)
  })

  test('keeps responses with different stable headers apart', () => {
    const headers = new ResponseHeaders({ volatile: [] })
    const play = headers.response('x', 200, { 'access-control-allow-origin': 'https://play.example' })
    const ops = headers.response('x', 200, { 'access-control-allow-origin': 'https://ops.example' })
    const none = headers.response('x', 200, {})
    expect(play.headers.get('access-control-allow-origin')).toBe('https://play.example')
    expect(ops.headers.get('access-control-allow-origin')).toBe('https://ops.example')
    expect(none.headers.has('access-control-allow-origin')).toBe(false)
  })

  test('leaves out undefined values and writes numbers as text', () => {
    const headers = new ResponseHeaders({ volatile: ['ratelimit-remaining'] })
    const response = headers.response('x', 200, { etag: undefined, 'x-count': 3, 'ratelimit-remaining': 0 })
    expect(response.headers.has('etag')).toBe(false)
    expect(response.headers.get('x-count')).toBe('3')
    expect(response.headers.get('ratelimit-remaining')).toBe('0')
  })

  test('still answers correctly after more distinct header sets than it keeps templates for', () => {
    const headers = new ResponseHeaders({ volatile: [], maxTemplates: 2 })
    for (let round = 0; round < 2; round++) {
      for (const tag of ['"a"', '"b"', '"c"']) {
        expect(headers.response('x', 200, { etag: tag }).headers.get('etag')).toBe(tag)
      }
    }
  })
})

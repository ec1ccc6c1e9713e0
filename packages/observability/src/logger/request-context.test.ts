import { describe, expect, test } from 'bun:test'
import { getRequestContext, runWithRequestContext } from './request-context.ts'

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('request context', () => {
  test('is undefined outside any request', () => {
    expect(getRequestContext()).toBeUndefined()
  })

  test('keeps concurrent requests apart across interleaved awaits', async () => {
    const seen: string[] = []
    const request = (id: string) =>
      runWithRequestContext({ requestId: id }, async () => {
        for (let i = 0; i < 3; i++) {
          await tick()
          seen.push(`${id}:${getRequestContext()?.requestId}`)
        }
      })
    await Promise.all([request('a'), request('b')])
    expect(seen.sort()).toEqual(['a:a', 'a:a', 'a:a', 'b:b', 'b:b', 'b:b'])
  })

  test('returns what the wrapped function returns', () => {
    expect(runWithRequestContext({ requestId: 'x' }, () => getRequestContext()?.requestId)).toBe('x')
  })
})

import { describe, expect, test } from 'bun:test'
import { EventEmitter } from './event-emitter.ts'

describe('EventEmitter', () => {
  test('calls listeners in subscription order until they unsubscribe', () => {
    const emitter = new EventEmitter<number>()
    const seen: string[] = []
    const offA = emitter.addListener((n) => seen.push(`a${n}`))
    emitter.addListener((n) => seen.push(`b${n}`))
    emitter.emit(1)
    offA()
    offA()
    emitter.emit(2)
    expect(seen).toEqual(['a1', 'b1', 'b2'])
  })

  test('tells whether anyone listens', () => {
    const emitter = new EventEmitter<void>()
    expect(emitter.hasListeners).toBe(false)
    const off = emitter.addListener(() => {})
    expect(emitter.hasListeners).toBe(true)
    off()
    expect(emitter.hasListeners).toBe(false)
  })

  test('does not skip a neighbour when a listener unsubscribes while being called', () => {
    const emitter = new EventEmitter<void>()
    const seen: string[] = []
    const off = emitter.addListener(() => {
      seen.push('once')
      off()
    })
    emitter.addListener(() => seen.push('always'))
    emitter.emit()
    emitter.emit()
    expect(seen).toEqual(['once', 'always', 'always'])
  })

  test('reports a throwing listener from a microtask and still calls the others', () => {
    const emitter = new EventEmitter<void>()
    const deferred: (() => void)[] = []
    const original = globalThis.queueMicrotask
    // Capture the report instead of letting it reach the test runner as an uncaught error.
    globalThis.queueMicrotask = (callback) => {
      deferred.push(callback)
    }
    const seen: string[] = []
    try {
      emitter.addListener(() => {
        throw new Error('listener bug')
      })
      emitter.addListener(() => seen.push('second'))
      expect(() => emitter.emit()).not.toThrow()
    } finally {
      globalThis.queueMicrotask = original
    }
    expect(seen).toEqual(['second'])
    expect(deferred).toHaveLength(1)
    expect(() => deferred[0]!()).toThrow('listener bug')
  })
})

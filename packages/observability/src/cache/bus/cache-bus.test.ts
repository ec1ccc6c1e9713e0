import { describe, expect, test } from 'bun:test'
import { type CacheBusMessage, decodeBusMessage, encodeBusMessage } from './cache-bus.ts'
import { memoryBus } from './memory-bus.ts'

describe('bus messages', () => {
  test('round-trip keys and versions, never values', () => {
    const deletion: CacheBusMessage = { type: 'delete', origin: 'a', keys: ['pools:mega'] }
    const versions: CacheBusMessage = { type: 'versions', origin: 'a', versions: { 't:pools': 4 } }
    expect(decodeBusMessage(encodeBusMessage(deletion))).toEqual(deletion)
    expect(decodeBusMessage(encodeBusMessage(versions))).toEqual(versions)
  })

  test('ignore foreign or malformed traffic on the channel', () => {
    for (const text of [
      'not json',
      '42',
      '{"type":"delete","origin":"a","keys":[1]}',
      '{"type":"set","origin":"a"}',
    ]) {
      expect(decodeBusMessage(text)).toBeUndefined()
    }
  })

  test('the memory bus delivers to every subscriber of the channel until it unsubscribes', async () => {
    const bus = memoryBus()
    const received: string[] = []
    const stop = bus.subscribe('c', { message: (message) => received.push(message.origin), resync: () => {} })
    bus.subscribe('other', { message: () => received.push('wrong channel'), resync: () => {} })
    await bus.publish('c', { type: 'delete', origin: 'one', keys: [] })
    stop()
    await bus.publish('c', { type: 'delete', origin: 'two', keys: [] })
    expect(received).toEqual(['one'])
  })
})

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createServer, type Server, Socket } from 'node:net'
import { TcpProxy } from './tcp-proxy.ts'

/** An echo server standing in for the dependency behind the proxy. */
let echo: Server
let proxy: TcpProxy
beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket))
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  const address = echo.address()
  if (address === null || typeof address === 'string') throw new Error('echo server is not listening')
  proxy = await TcpProxy.start({ host: '127.0.0.1', port: address.port })
})
afterAll(async () => {
  await proxy.close()
  await new Promise<void>((resolve) => echo.close(() => resolve()))
})

/** Sends `text` through the proxy; resolves with the reply, or `'closed'` if the connection ends first. */
function roundTrip(text: string, waitMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const timer = setTimeout(() => finish('no answer'), waitMs)
    const finish = (result: string) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    socket.once('data', (data) => finish(data.toString()))
    socket.once('close', () => finish('closed'))
    socket.once('error', () => finish('closed'))
    socket.connect(proxy.port, proxy.host, () => socket.write(text))
  })
}

describe('TcpProxy', () => {
  test('relays bytes both ways while open', async () => {
    expect(await roundTrip('ping')).toBe('ping')
  })

  test('refuses connections while cut and relays again once restored', async () => {
    proxy.cut()
    expect(await roundTrip('ping')).toBe('closed')
    proxy.restore()
    expect(await roundTrip('pong')).toBe('pong')
  })

  test('holds connections without an answer while stalled', async () => {
    proxy.stall()
    expect(await roundTrip('ping', 200)).toBe('no answer')
    proxy.restore()
    expect(await roundTrip('ping')).toBe('ping')
  })

  test('rewrites a URL to point at the proxy and keeps the rest', () => {
    expect(proxy.urlFor('postgres://app:secret@db.internal:5432/jackpot?sslmode=disable')).toBe(
      `postgres://app:secret@127.0.0.1:${proxy.port}/jackpot?sslmode=disable`,
    )
  })
})

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { connect } from 'node:net'
import { Elysia } from 'elysia'
import { jsonBody } from './body-limit.ts'
import { errorHandler } from './error-handler.ts'

const TIMEOUT_MS = 400

/** End-to-end over a real socket: a body trickled a byte at a time is cut off by the total body timeout. */
describe('end-to-end body timeout', () => {
  let app: ReturnType<typeof build>
  let port: number

  function build() {
    return new Elysia()
      .use(errorHandler())
      .use(jsonBody({ maxBytes: 1024, timeoutMs: TIMEOUT_MS }))
      .post('/echo', ({ body }) => ({ got: body }))
  }

  beforeAll(() => {
    app = build().listen({ port: 0, hostname: '127.0.0.1' })
    port = app.server?.port ?? 0
  })
  afterAll(async () => {
    await app.stop(true)
  })

  test('a body sent one byte at a time gets a 408 problem and the connection is closed', async () => {
    const body = `{"a":"${'x'.repeat(40)}"}`
    const socket = connect({ host: '127.0.0.1', port })
    let received = ''
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.on('data', (chunk) => {
      received += chunk.toString()
    })
    socket.on('error', () => undefined)
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.write(
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    )
    const started = performance.now()
    let sent = 0
    // One byte every 100 ms would take ~4.4 s for the whole body; the server must not wait for it.
    while (sent < body.length && !received.includes('\r\n\r\n') && performance.now() - started < 5_000) {
      socket.write(body[sent++] ?? '')
      await Bun.sleep(100)
    }
    await Promise.race([closed, Bun.sleep(2_000)])
    socket.destroy()
    expect(received).toStartWith('HTTP/1.1 408')
    expect(received.toLowerCase()).toContain('content-type: application/problem+json')
    expect(received).toContain('https://jackpot.dev/problems/request-timeout')
    expect(sent).toBeLessThan(body.length)
  }, 15_000)

  test('a body that arrives in time is parsed as usual', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ got: { a: 1 } })
  })
})

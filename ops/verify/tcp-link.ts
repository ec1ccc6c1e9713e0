import { createServer, type Socket, connect as tcpConnect } from 'node:net'

export interface TcpLink {
  /** `host:port` to connect to instead of the target. */
  address: string
  port: number
  /** Drops every open connection and refuses new ones, like a dependency going away. */
  cut(): void
  /** Accepts connections again. */
  restore(): void
  stop(): Promise<void>
}

/**
 * A TCP pass-through to `target` that can be cut and restored: the
 * verification run puts it between the server and Redis to produce what only
 * an outage produces (cache L2 errors, an open breaker, fallbacks) without
 * touching the Redis other tests share.
 *
 * @example
 * const link = await startTcpLink({ host: '127.0.0.1', port: 6379 })
 * link.cut(); await Bun.sleep(3000); link.restore()
 */
export async function startTcpLink(target: { host: string; port: number }): Promise<TcpLink> {
  const sockets = new Set<Socket>()
  let open = true
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const server = createServer((client) => {
    track(client)
    if (!open) {
      client.destroy()
      return
    }
    const upstream = tcpConnect(target.port, target.host)
    track(upstream)
    // Either side failing ends both, as a broken network path would.
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    address: `127.0.0.1:${port}`,
    port,
    cut() {
      open = false
      for (const socket of sockets) socket.destroy()
    },
    restore() {
      open = true
    },
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

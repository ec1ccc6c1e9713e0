import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy in front of a service (PostgreSQL here) that a test can break, to
 * inject outages without stopping the shared service. Adapted from the
 * observability package's Redis proxy, with a second kind of outage:
 *
 * - `cut()`: the service is down. Open connections are dropped and new ones are
 *   accepted then closed at once, as a dying server does.
 * - `stall()`: the service hangs (a network partition, a frozen host). Open
 *   connections stop relaying and new ones are accepted but never answered.
 * - `restore()`: connections go through again; stalled ones are dropped, as a
 *   partition that ends usually leaves them reset.
 *
 * @example
 * const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5432 })
 * const url = `postgres://postgres@127.0.0.1:${proxy.port}/db`
 * proxy.cut()     // PostgreSQL "dies" for this client only
 * proxy.restore() // and comes back
 */
export class TcpProxy {
  readonly #server: Server
  readonly #target: { host: string; port: number }
  readonly #sockets = new Set<Socket>()
  #mode: 'open' | 'cut' | 'stalled' = 'open'

  private constructor(server: Server, target: { host: string; port: number }) {
    this.#server = server
    this.#target = target
    server.on('connection', (client) => this.#accept(client))
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer()
    const proxy = new TcpProxy(server, target)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return proxy
  }

  get port(): number {
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening')
    return address.port
  }

  #accept(client: Socket): void {
    if (this.#mode === 'cut') {
      client.destroy()
      return
    }
    this.#track(client)
    client.on('error', () => client.destroy())
    // Stalled: hold the connection open and answer nothing.
    if (this.#mode === 'stalled') return
    const upstream = createConnection(this.#target)
    this.#track(upstream)
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket)
    socket.on('close', () => this.#sockets.delete(socket))
  }

  #dropAll(): void {
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
  }

  cut(): void {
    this.#mode = 'cut'
    this.#dropAll()
  }

  stall(): void {
    this.#mode = 'stalled'
    for (const socket of this.#sockets) {
      socket.unpipe()
      socket.pause()
    }
  }

  restore(): void {
    if (this.#mode === 'stalled') this.#dropAll()
    this.#mode = 'open'
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

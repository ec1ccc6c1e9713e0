import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy between a client and Redis that a test can cut and restore, to
 * inject outages without stopping the shared Redis: `cut()` drops every open
 * connection and refuses new ones (accepted then closed at once, as a dying
 * server would), `restore()` lets connections through again.
 *
 * @example
 * const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 6379 })
 * const cache = multiLevelCache({ redis: { url: proxy.url } })
 * proxy.cut()     // Redis "dies" for this cache only
 * proxy.restore() // and comes back
 */
export class TcpProxy {
  readonly #server: Server
  readonly #target: { host: string; port: number }
  readonly #sockets = new Set<Socket>()
  readonly #clients = new Set<Socket>()
  #cut = false

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

  /** `redis://127.0.0.1:<port>` with the given path (e.g. `/0`). */
  url(path = ''): string {
    return `redis://127.0.0.1:${this.port}${path}`
  }

  /** Client connections currently relayed to Redis. */
  get activeConnections(): number {
    return this.#clients.size
  }

  get isCut(): boolean {
    return this.#cut
  }

  #accept(client: Socket): void {
    if (this.#cut) {
      client.destroy()
      return
    }
    const upstream = createConnection(this.#target)
    this.#clients.add(client)
    client.on('close', () => this.#clients.delete(client))
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
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

  cut(): void {
    this.#cut = true
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
    this.#clients.clear()
  }

  restore(): void {
    this.#cut = false
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

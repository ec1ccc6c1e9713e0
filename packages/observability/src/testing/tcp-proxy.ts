import { createConnection, createServer, type Server, type Socket } from 'node:net'

/** Where a {@link TcpProxy} relays to. */
export interface TcpProxyTarget {
  host: string
  port: number
}

/**
 * A TCP proxy in front of a dependency (Redis, PostgreSQL, any TCP service)
 * that a test can break, to inject outages into one client without stopping
 * the service other tests share:
 *
 * - `cut()`: the service is down. Open connections are dropped and new ones
 *   are accepted then closed at once, as a dying server does.
 * - `stall()`: the service hangs (a network partition, a frozen host). Open
 *   connections stop relaying and new ones are accepted but never answered.
 * - `restore()`: connections go through again; stalled ones are dropped, as a
 *   partition that ends usually leaves them reset.
 *
 * @example
 * const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 6379 })
 * const cache = multiLevelCache({ redis: { url: proxy.urlFor('redis://127.0.0.1:6379') } })
 * proxy.cut()     // Redis "dies" for this cache only
 * proxy.restore() // and comes back
 * await proxy.close()
 */
export class TcpProxy {
  readonly #server: Server
  readonly #target: TcpProxyTarget
  /** Every socket the proxy holds, client and upstream sides. */
  readonly #sockets = new Set<Socket>()
  /** The client side of the connections, for {@link activeConnections}. */
  readonly #clients = new Set<Socket>()
  #mode: 'open' | 'cut' | 'stalled' = 'open'

  private constructor(server: Server, target: TcpProxyTarget) {
    this.#server = server
    this.#target = target
    server.on('connection', (client) => this.#accept(client))
  }

  /** Listens on a free port of 127.0.0.1 and relays to `target`. */
  static async start(target: TcpProxyTarget): Promise<TcpProxy> {
    const server = createServer()
    const proxy = new TcpProxy(server, target)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return proxy
  }

  readonly host = '127.0.0.1'

  get port(): number {
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening')
    return address.port
  }

  /**
   * `url` with its host and port replaced by the proxy's, so a client built
   * from it connects through the proxy: `urlFor('postgres://u@db:5432/app')`
   * is `postgres://u@127.0.0.1:<port>/app`.
   */
  urlFor(url: string): string {
    const parsed = new URL(url)
    parsed.hostname = this.host
    parsed.port = String(this.port)
    return parsed.toString()
  }

  /** Client connections currently open through the proxy. */
  get activeConnections(): number {
    return this.#clients.size
  }

  get mode(): 'open' | 'cut' | 'stalled' {
    return this.#mode
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

  /** Drops every connection and stops listening. */
  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(client: Socket): void {
    if (this.#mode === 'cut') {
      client.destroy()
      return
    }
    this.#track(client)
    this.#clients.add(client)
    client.on('close', () => this.#clients.delete(client))
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
    this.#clients.clear()
  }
}

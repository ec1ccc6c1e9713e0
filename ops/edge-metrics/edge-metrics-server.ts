import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { parseEdgeLogLine } from './edge-log-line.ts'
import { EdgeMetrics } from './edge-metrics.ts'

export interface EdgeMetricsOptions {
  /** Port of the HTTP server (`/metrics`, `/health`); 0 picks a free one. */
  port: number
  /** Address to listen on (HTTP and syslog). Defaults to 127.0.0.1. */
  hostname?: string
  /** Receive nginx's `access_log syslog:server=HOST:PORT` datagrams on this UDP port (0: a free one). */
  syslogPort?: number
  /** Or follow this access-log file, as `tail -F` would (it may not exist yet). */
  file?: string
  /** Called with every log line received, e.g. to echo it to stdout. Defaults to none. */
  onLine?: (line: string) => void
  /** How often the file is read, in ms. Defaults to 200. */
  pollMs?: number
}

export interface RunningEdgeMetrics {
  /** Base URL of the HTTP server; scrape `${url}/metrics`. */
  url: string
  /** The UDP port syslog datagrams go to, when listening for them. */
  syslogPort: number | undefined
  metrics: EdgeMetrics
  stop(): Promise<void>
}

/**
 * The edge's hit ratio for Prometheus: nginx writes one access-log line per
 * request with its cache status (`$upstream_cache_status`), this process
 * counts them and serves the counts on `/metrics`. nginx has no cache metrics
 * of its own (stub_status counts connections only), and the server never sees
 * the requests the edge answers, so the log is the one honest source.
 *
 * @example
 * const exporter = await startEdgeMetrics({ port: 9145, syslogPort: 5514 })
 * // nginx: access_log syslog:server=127.0.0.1:5514,nohostname jackpot_edge;
 */
export async function startEdgeMetrics(options: EdgeMetricsOptions): Promise<RunningEdgeMetrics> {
  if (options.syslogPort === undefined && options.file === undefined) {
    throw new Error('give a syslog port or an access-log file to read')
  }
  const hostname = options.hostname ?? '127.0.0.1'
  const metrics = new EdgeMetrics()
  const take = (line: string) => {
    if (line.trim() === '') return
    options.onLine?.(line)
    metrics.record(parseEdgeLogLine(line))
  }

  const server = Bun.serve({
    hostname,
    port: options.port,
    fetch(request) {
      const { pathname } = new URL(request.url)
      if (pathname === '/metrics') {
        return new Response(metrics.render(), {
          headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        })
      }
      if (pathname === '/health') return new Response('ok\n')
      return new Response('not found\n', { status: 404 })
    },
  })

  const decoder = new TextDecoder()
  const socket =
    options.syslogPort === undefined
      ? undefined
      : await Bun.udpSocket({
          hostname,
          port: options.syslogPort,
          socket: {
            // One datagram is one log line (nginx never batches syslog messages).
            data: (_socket, data) => {
              for (const line of decoder.decode(data).split('\n')) take(line)
            },
          },
        })
  const stopTail =
    options.file === undefined ? undefined : tailFile(options.file, take, options.pollMs ?? 200)

  return {
    url: `http://${hostname}:${server.port}`,
    syslogPort: socket?.port,
    metrics,
    async stop() {
      stopTail?.()
      socket?.close()
      await server.stop(true)
    },
  }
}

/**
 * Calls `onLine` for every complete line appended to `path`, from its start;
 * starts over when the file shrinks (rotated or truncated). Returns a stop function.
 */
export function tailFile(path: string, onLine: (line: string) => void, pollMs: number): () => void {
  let offset = 0
  let partial = ''
  const decoder = new TextDecoder()
  const read = () => {
    let size: number
    try {
      size = statSync(path).size
    } catch {
      return // not written yet
    }
    if (size < offset) {
      offset = 0
      partial = ''
    }
    if (size === offset) return
    const buffer = new Uint8Array(size - offset)
    const fd = openSync(path, 'r')
    try {
      offset += readSync(fd, buffer, 0, buffer.length, offset)
    } finally {
      closeSync(fd)
    }
    const lines = (partial + decoder.decode(buffer, { stream: true })).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  }
  const timer = setInterval(read, pollMs)
  return () => {
    clearInterval(timer)
    read()
  }
}

/**
 * Starts Debian's nginx with ops/edge/nginx.conf in front of the given
 * upstreams, the same way the container image renders it.
 *
 *   bun run ops/edge/start-edge.ts --port 8080 --upstream 127.0.0.1:3001 --upstream 127.0.0.1:3002
 *
 * Also importable: `startEdge()` returns the edge URL and a stop function (tests use it).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@jackpot/config'

export interface EdgeOptions {
  /** host:port of each server replica. */
  upstreams: string[]
  /** Port the edge listens on. Defaults to 8080. */
  port?: number
  /** nginx binary. Defaults to /usr/sbin/nginx (Debian's package). */
  nginx?: string
  /** Echo nginx's access log (one line per request, with cache status). Defaults to false. */
  verbose?: boolean
  /** Largest request body the edge forwards; keep it the server's BODY_LIMIT_BYTES. Defaults to the server's default. */
  bodyLimitBytes?: number
  /** Seconds a replica may take to answer before the edge answers 504 itself. Defaults to 10. */
  readTimeoutSeconds?: number
}

export interface RunningEdge {
  url: string
  workDir: string
  stop(): Promise<void>
}

const TEMPLATE = join(import.meta.dir, 'nginx.conf')
/** Debian's nginx package. */
export const DEFAULT_NGINX = '/usr/sbin/nginx'

/** Fills ${NAME} placeholders the way envsubst does for the variables given; leaves nginx's own $vars alone. */
export function renderEdgeConfig(values: Record<string, string>): string {
  return readFileSync(TEMPLATE, 'utf8').replace(
    /\$\{([A-Z_]+)\}/g,
    (whole, name: string) => values[name] ?? whole,
  )
}

export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  if (options.upstreams.length === 0) throw new Error('startEdge needs at least one --upstream host:port')
  const port = options.port ?? 8080
  const workDir = mkdtempSync(join(tmpdir(), 'jackpot-edge-'))
  // nginx workers drop root privileges; they must still write the cache and temp files.
  chmodSync(workDir, 0o777)
  for (const dir of ['cache', 'tmp']) mkdirSync(join(workDir, dir), { mode: 0o777 })

  const site = renderEdgeConfig({
    EDGE_UPSTREAMS: options.upstreams
      .map((upstream) => `server ${upstream} max_fails=1 fail_timeout=2s;`)
      .join(' '),
    EDGE_PORT: `127.0.0.1:${port}`,
    EDGE_CACHE_DIR: join(workDir, 'cache'),
    EDGE_BODY_LIMIT_BYTES: String(options.bodyLimitBytes ?? loadConfig({}).BODY_LIMIT_BYTES),
    EDGE_READ_TIMEOUT: `${options.readTimeoutSeconds ?? 10}s`,
    EDGE_ACCESS_LOG: options.verbose ? '/dev/stdout' : join(workDir, 'access.log'),
  })
  const main = `
daemon off;
worker_processes 1;
pid ${workDir}/nginx.pid;
error_log ${workDir}/error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_body_temp_path ${workDir}/tmp/body;
  proxy_temp_path ${workDir}/tmp/proxy;
  fastcgi_temp_path ${workDir}/tmp/fastcgi;
  uwsgi_temp_path ${workDir}/tmp/uwsgi;
  scgi_temp_path ${workDir}/tmp/scgi;
${site}
}
`
  const configFile = join(workDir, 'nginx.conf')
  writeFileSync(configFile, main)

  const nginx = options.nginx ?? DEFAULT_NGINX
  const check = Bun.spawnSync([nginx, '-t', '-p', workDir, '-c', configFile], { stderr: 'pipe' })
  if (check.exitCode !== 0) {
    throw new Error(`nginx rejected the edge config:\n${check.stderr.toString()}`)
  }
  const child = Bun.spawn([nginx, '-p', workDir, '-c', configFile], {
    stdout: options.verbose ? 'inherit' : 'ignore',
    stderr: 'inherit',
  })

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 5000
  for (;;) {
    const up = await fetch(`${url}/__edge_probe`).then(
      () => true,
      () => false,
    )
    if (up) break
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill()
      throw new Error(`nginx did not start on ${url}; see ${workDir}/error.log`)
    }
    await Bun.sleep(50)
  }

  return {
    url,
    workDir,
    async stop() {
      child.kill('SIGQUIT')
      await Promise.race([child.exited, Bun.sleep(3000)])
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(workDir, { recursive: true, force: true })
    },
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.length === 0) {
    console.log(`usage: bun run ops/edge/start-edge.ts --upstream HOST:PORT [--upstream HOST:PORT …] [--port 8080]

Starts Debian's nginx (apt-get install nginx) with ops/edge/nginx.conf in front of
the given server replicas and logs one line per request with its cache status.
The body limit is BODY_LIMIT_BYTES from the environment, as the server reads it.
Stop with Ctrl-C.`)
    process.exit(args.length === 0 ? 1 : 0)
  }
  const upstreams: string[] = []
  let port = 8080
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]
    const value = args[i + 1]
    if (flag === '--upstream' && value) upstreams.push(value)
    else if (flag === '--port' && value) port = Number(value)
    else {
      console.error(`unknown or incomplete option: ${flag} (see --help)`)
      process.exit(1)
    }
    i++
  }
  // The limit the server reads from the same environment (BODY_LIMIT_BYTES), so a
  // server and an edge started from one shell agree on it.
  const edge = await startEdge({
    upstreams,
    port,
    verbose: true,
    bodyLimitBytes: loadConfig().BODY_LIMIT_BYTES,
  })
  console.log(`edge on ${edge.url} → ${upstreams.join(', ')}`)
  const stop = () => edge.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

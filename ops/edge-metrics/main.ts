/**
 * Edge metrics exporter: counts the nginx edge's access-log lines by cache
 * status and serves them to Prometheus (job `jackpot-edge`). Dependency-free,
 * so it runs from a mounted folder in the stock Bun image (docker-compose.yml).
 *
 *   bun run ops/edge-metrics/main.ts --port 9145 --syslog-port 5514 [--host 0.0.0.0] [--echo]
 *   bun run ops/edge-metrics/main.ts --port 9145 --file /var/log/nginx/jackpot-edge.log
 */
import { parseArgs } from 'node:util'
import { startEdgeMetrics } from './edge-metrics-server.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9145' },
    host: { type: 'string', default: '127.0.0.1' },
    'syslog-port': { type: 'string' },
    file: { type: 'string' },
    echo: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
})

if (values.help || (values['syslog-port'] === undefined && values.file === undefined)) {
  console.log(
    'usage: bun run ops/edge-metrics/main.ts [--port 9145] [--host 127.0.0.1] (--syslog-port 5514 | --file PATH) [--echo]\n' +
      '  --echo  print every access-log line received (nginx logs to syslog instead of stdout)',
  )
  process.exit(values.help ? 0 : 1)
}

const exporter = await startEdgeMetrics({
  port: Number(values.port),
  hostname: values.host,
  ...(values['syslog-port'] === undefined ? {} : { syslogPort: Number(values['syslog-port']) }),
  ...(values.file === undefined ? {} : { file: values.file }),
  ...(values.echo ? { onLine: (line: string) => console.log(line) } : {}),
})
console.error(
  `edge metrics on ${exporter.url}/metrics` +
    (exporter.syslogPort === undefined ? '' : `, syslog on udp ${values.host}:${exporter.syslogPort}`) +
    (values.file === undefined ? '' : `, following ${values.file}`),
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void exporter.stop().then(() => process.exit(0))
  })
}

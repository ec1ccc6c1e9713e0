import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from './wait-for.ts'

export const PROMETHEUS_CONFIG = join(import.meta.dir, '..', 'prometheus', 'prometheus.yml')
const RULES_DIR = join(import.meta.dir, '..', 'prometheus', 'rules')

/** The server scrape job every rule and panel selects (`job="jackpot-server"`). */
export const SERVER_JOB = 'jackpot-server'
/** The edge scrape job (ops/edge-metrics). */
export const EDGE_JOB = 'jackpot-edge'

export interface PrometheusOptions {
  port: number
  /** host:port of each server replica to scrape. */
  targets: string[]
  /** host:port of the edge metrics exporter (job `jackpot-edge`). Defaults to none: the job is left out. */
  edgeTargets?: string[]
  /** Scrape and rule-evaluation interval. Defaults to '1s' so a run takes seconds, not minutes. */
  interval?: string
  /** The binary. Defaults to `prometheus` on PATH (Debian package `prometheus`). */
  binary?: string
}

export interface RunningPrometheus {
  url: string
  workDir: string
  stop(): Promise<void>
}

interface ScrapeConfig {
  job_name: string
  static_configs?: { targets: string[] }[]
  [key: string]: unknown
}

interface PrometheusConfig {
  global?: Record<string, unknown>
  rule_files?: string[]
  alerting?: unknown
  scrape_configs: ScrapeConfig[]
}

/**
 * The repository's prometheus.yml with its targets pointed at local processes:
 * the server job scrapes `targets`, the edge job `edgeTargets`, Prometheus
 * scrapes itself on `selfTarget`, rule files are loaded by absolute path, and
 * the Alertmanager (not started here) is left out. Everything else, rules
 * included, is used as committed.
 *
 * @example
 * const config = localPrometheusConfig({ targets: ['127.0.0.1:3999'], selfTarget: '127.0.0.1:9999', interval: '1s' })
 */
export function localPrometheusConfig(options: {
  targets: string[]
  edgeTargets?: string[] | undefined
  selfTarget: string
  interval: string
}): PrometheusConfig {
  const committed = Bun.YAML.parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as PrometheusConfig
  const server = committed.scrape_configs.find((job) => job.job_name === SERVER_JOB)
  if (!server) throw new Error(`${PROMETHEUS_CONFIG} has no '${SERVER_JOB}' scrape job`)
  const self = committed.scrape_configs.find((job) => job.job_name === 'prometheus')
  const edge = committed.scrape_configs.find((job) => job.job_name === EDGE_JOB)
  if (options.edgeTargets && !edge) throw new Error(`${PROMETHEUS_CONFIG} has no '${EDGE_JOB}' scrape job`)
  return {
    global: { ...committed.global, scrape_interval: options.interval, evaluation_interval: options.interval },
    rule_files: (committed.rule_files ?? []).map((pattern) =>
      join(RULES_DIR, pattern.replace(/^rules\//, '')),
    ),
    scrape_configs: [
      {
        ...server,
        scrape_interval: options.interval,
        scrape_timeout: options.interval,
        static_configs: [{ targets: options.targets }],
      },
      ...(edge && options.edgeTargets
        ? [
            {
              ...edge,
              scrape_interval: options.interval,
              scrape_timeout: options.interval,
              static_configs: [{ targets: options.edgeTargets }],
            },
          ]
        : []),
      ...(self ? [{ ...self, static_configs: [{ targets: [options.selfTarget] }] }] : []),
    ],
  }
}

/**
 * Starts Prometheus on a throw-away data directory with {@link localPrometheusConfig}
 * and waits until it is ready.
 *
 * @example
 * const prometheus = await startPrometheus({ port: 9999, targets: ['127.0.0.1:3999'] })
 * await prometheus.stop()
 */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = options.binary ?? Bun.which('prometheus')
  if (!binary) throw new Error('prometheus is not installed: apt-get install prometheus')
  const listen = `127.0.0.1:${options.port}`
  const workDir = mkdtempSync(join(tmpdir(), 'jackpot-prometheus-'))
  const configFile = join(workDir, 'prometheus.yml')
  // JSON is YAML: no hand-rolled quoting of PromQL or regexes.
  writeFileSync(
    configFile,
    JSON.stringify(
      localPrometheusConfig({
        targets: options.targets,
        edgeTargets: options.edgeTargets,
        selfTarget: listen,
        interval: options.interval ?? '1s',
      }),
      null,
      2,
    ),
  )
  const child = Bun.spawn(
    [
      binary,
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(workDir, 'data')}`,
      `--web.listen-address=${listen}`,
      '--log.level=warn',
    ],
    { cwd: workDir, env: {}, stdout: 'ignore', stderr: 'pipe' },
  )
  let errors = ''
  void (async () => {
    for await (const chunk of child.stderr) errors += new TextDecoder().decode(chunk)
  })()
  const url = `http://${listen}`
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(10_000).then(() => false)])
      if (!exited) child.kill('SIGKILL')
    }
    rmSync(workDir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`prometheus exited with code ${child.exitCode}: ${errors.trim().slice(-2000)}`)
        }
        return fetch(`${url}/-/ready`).then(
          (response) => response.ok,
          () => false,
        )
      },
      30_000,
      'prometheus did not become ready',
    )
  } catch (error) {
    await stop()
    throw error
  }
  return { url, workDir, stop }
}

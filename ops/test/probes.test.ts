import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { loadConfig } from '@jackpot/config'
import type { App } from '../../apps/server/src/app.ts'
import { buildServer, type Server } from '../../apps/server/src/build-server.ts'
import { REPO_ROOT } from './support/run-tool.ts'

// Every health check and scrape path the deployment files name must exist in
// the server, on the port it listens on by default; a typo here would only
// show up as a pod that never becomes ready.

interface Probe {
  httpGet: { path: string; port: string | number }
}
interface Container {
  name: string
  ports: { name: string; containerPort: number }[]
  startupProbe: Probe
  livenessProbe: Probe
  readinessProbe: Probe
  resources: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext: Record<string, unknown>
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
}
interface Manifest {
  kind: string
  apiVersion: string
  metadata: { name: string }
}
interface Deployment extends Manifest {
  spec: {
    template: {
      metadata: { labels: Record<string, string> }
      spec: { securityContext: Record<string, unknown>; containers: Container[] }
    }
  }
}
interface Service extends Manifest {
  spec: { ports: { targetPort: string | number }[] }
}
interface Autoscaler extends Manifest {
  spec: { scaleTargetRef: { name: string } }
}
interface DisruptionBudget extends Manifest {
  spec: { selector: { matchLabels: Record<string, string> } }
}
interface ConfigMap extends Manifest {
  data: Record<string, string>
}
interface Secret extends Manifest {
  stringData: Record<string, string>
}

const k8sDir = join(REPO_ROOT, 'ops/k8s')
const manifests = readdirSync(k8sDir)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .flatMap((file) => [Bun.YAML.parse(readFileSync(join(k8sDir, file), 'utf8'))].flat() as Manifest[])

function byKind<T extends Manifest>(kind: string): T {
  const found = manifests.find((manifest) => manifest.kind === kind)
  if (!found) throw new Error(`ops/k8s has no ${kind}`)
  return found as T
}

const deployment = byKind<Deployment>('Deployment')
const podSpec = deployment.spec.template.spec
const container = podSpec.containers[0]!
const compose = Bun.YAML.parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { healthcheck?: { test: string[] }; environment?: Record<string, string> }>
}
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')
const prometheus = Bun.YAML.parse(readFileSync(join(REPO_ROOT, 'ops/prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[]
}

const defaultPort = loadConfig({}).PORT

function urlsIn(text: string): URL[] {
  return [...text.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((match) => new URL(match[0]))
}

/** Port of a probe: a number, or the name of one of the container's ports. */
function probePort(probe: Probe): number {
  const { port } = probe.httpGet
  return typeof port === 'number' ? port : container.ports.find((p) => p.name === port)!.containerPort
}

/** The exec-form command of the Dockerfile's HEALTHCHECK (continuation lines joined). */
function healthcheckCommand(text: string): string[] {
  const instruction = /^HEALTHCHECK\b((?:.*\\\n)*.*)$/m.exec(text)?.[1]?.replace(/\\\n/g, ' ') ?? ''
  const json = /\bCMD\s+(\[.*\])\s*$/.exec(instruction)?.[1]
  if (!json) throw new Error(`the Dockerfile HEALTHCHECK has no exec-form CMD: ${instruction}`)
  return JSON.parse(json) as string[]
}

/** Runs a health-check command with PORT pointing at a throw-away server; returns its exit code and the paths it asked for. */
async function runHealthcheck(
  command: string[],
  answer: (request: Request) => Response | Promise<Response>,
): Promise<{ exitCode: number; paths: string[] }> {
  const paths: string[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      paths.push(new URL(request.url).pathname)
      return answer(request)
    },
  })
  try {
    const child = Bun.spawn(command, {
      cwd: tmpdir(),
      // `bun` in the image is this same Bun.
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, PORT: String(server.port) },
      stdout: 'ignore',
      stderr: 'ignore',
    })
    return { exitCode: await child.exited, paths }
  } finally {
    await server.stop(true)
  }
}

let built: Server
let app: App

beforeAll(async () => {
  built = await buildServer(loadConfig({ LOG_LEVEL: 'silent' }), {
    database: { pgliteDataDir: 'memory://' },
    observability: { globalMetrics: false },
  })
  app = built.app
})

afterAll(async () => {
  await built?.close()
})

async function statusOf(path: string): Promise<number> {
  return (await app.handle(new Request(`http://localhost${path}`))).status
}

describe('Kubernetes probes and compose health checks', () => {
  test('every Kubernetes probe names a route the server answers, on its default port', async () => {
    const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe]
    expect(probes.map((probe) => probe.httpGet.path)).toEqual([
      '/health/startup',
      '/health/live',
      '/health/ready',
    ])
    for (const probe of probes) {
      expect(probePort(probe)).toBe(defaultPort)
      expect(await statusOf(probe.httpGet.path), probe.httpGet.path).not.toBe(404)
    }
  })

  test('the ConfigMap and the Service agree with the container port', () => {
    expect(Number(byKind<ConfigMap>('ConfigMap').data.PORT)).toBe(defaultPort)
    for (const port of byKind<Service>('Service').spec.ports) {
      const target =
        typeof port.targetPort === 'number'
          ? port.targetPort
          : container.ports.find((p) => p.name === port.targetPort)?.containerPort
      expect(target).toBe(defaultPort)
    }
  })

  test('every compose health check of a server replica hits a real route on the default port', async () => {
    for (const name of ['server-1', 'server-2']) {
      const urls = urlsIn(compose.services[name]!.healthcheck!.test.join(' '))
      expect(urls.length, name).toBe(1)
      expect(Number(urls[0]!.port)).toBe(defaultPort)
      expect(await statusOf(urls[0]!.pathname), `${name} ${urls[0]!.pathname}`).not.toBe(404)
    }
  })

  test('the edge health check reaches a real server route through the edge port', async () => {
    const edge = compose.services.edge!
    const [url] = urlsIn(edge.healthcheck!.test.join(' '))
    expect(url!.port).toBe(edge.environment!.EDGE_PORT!)
    expect(await statusOf(url!.pathname)).not.toBe(404)
  })

  test('the image exposes the default port and its HEALTHCHECK passes on a live liveness route only', async () => {
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${defaultPort}$`, 'm'))
    const command = healthcheckCommand(dockerfile)
    // Run the image's own command against servers it reaches through PORT, as in the container.
    const live = await runHealthcheck(command, (request) => app.handle(request))
    expect(live.paths).toEqual(['/health/live'])
    expect(live.exitCode).toBe(0)
    const failing = await runHealthcheck(command, () => new Response('draining', { status: 503 }))
    expect(failing.paths).toEqual(['/health/live'])
    expect(failing.exitCode).toBe(1)
  })

  test('Prometheus scrapes /metrics on the default port of every replica', async () => {
    const job = prometheus.scrape_configs.find((config) => config.job_name === 'jackpot-server')!
    expect(job.metrics_path ?? '/metrics').toBe('/metrics')
    for (const target of job.static_configs.flatMap((config) => config.targets)) {
      expect(Number(target.split(':')[1])).toBe(defaultPort)
    }
    const response = await app.handle(new Request('http://localhost/metrics'))
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('http_server_request_duration_seconds')
  })
})

describe('Kubernetes manifests', () => {
  test('run the server as non-root with resources, probes and config from a ConfigMap and a Secret', () => {
    expect(podSpec.securityContext.runAsNonRoot).toBe(true)
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false)
    expect(container.resources.requests?.cpu).toBeDefined()
    expect(container.resources.requests?.memory).toBeDefined()
    expect(container.resources.limits?.memory).toBeDefined()
    const sources = container.envFrom.map((source) => source.configMapRef?.name ?? source.secretRef?.name)
    expect(sources).toEqual([byKind('ConfigMap').metadata.name, byKind('Secret').metadata.name])
  })

  test('scale the Deployment with an autoscaling/v2 HPA and protect it with a PodDisruptionBudget', () => {
    const hpa = byKind<Autoscaler>('HorizontalPodAutoscaler')
    expect(hpa.apiVersion).toBe('autoscaling/v2')
    expect(hpa.spec.scaleTargetRef.name).toBe(deployment.metadata.name)
    const pdb = byKind<DisruptionBudget>('PodDisruptionBudget')
    expect(pdb.apiVersion).toBe('policy/v1')
    expect(deployment.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels)
  })

  test('ship only a clearly marked placeholder Secret', () => {
    const secret = byKind<Secret>('Secret')
    expect(readFileSync(join(k8sDir, 'secret.yaml'), 'utf8')).toContain('PLACEHOLDER')
    expect(secret.stringData.JWT_SECRET).toContain('REPLACE_ME')
    expect(secret.stringData.DATABASE_URL).toContain('REPLACE_ME')
  })
})

describe('Kubernetes manifests', () => {
  test('leave the replica count to the HPA and pin the image to a tag that is not latest', () => {
    expect((deployment.spec as Record<string, unknown>).replicas).toBeUndefined()
    expect(byKind('HorizontalPodAutoscaler')).toBeDefined()
    expect((container as { image?: string }).image).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/)
  })

  test('let only the edge and Prometheus reach the server pods, on the server port', () => {
    const policy = byKind<Manifest & { spec: Record<string, unknown> }>('NetworkPolicy')
    const spec = policy.spec as {
      podSelector: { matchLabels: Record<string, string> }
      policyTypes: string[]
      ingress: { from: Record<string, unknown>[]; ports: { protocol: string; port: string | number }[] }[]
    }
    // It selects the Deployment's pods (its labels are a subset of theirs).
    expect(deployment.spec.template.metadata.labels).toMatchObject(spec.podSelector.matchLabels)
    expect(Object.keys(spec.podSelector.matchLabels).length).toBeGreaterThan(0)
    expect(spec.policyTypes).toEqual(['Ingress'])
    // One rule, so nothing else is allowed; exactly two peers: the ingress controller's
    // namespace (the edge) and the Prometheus pods of the monitoring namespace. No ipBlock.
    expect(spec.ingress).toHaveLength(1)
    const [rule] = spec.ingress
    expect(rule?.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
    ])
    // Only the port the server listens on (the API, /metrics and /health share it).
    expect(rule?.ports).toEqual([{ protocol: 'TCP', port: 'http' }])
    expect(container.ports.find((port) => port.name === 'http')?.containerPort).toBe(defaultPort)
    const kustomization = Bun.YAML.parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as {
      resources: string[]
    }
    expect(kustomization.resources).toContain('network-policy.yaml')
    expect(kustomization.resources).toContain('hpa.yaml')
  })
})

describe('scheduled backups', () => {
  test('a k8s CronJob runs `bun run cli backup` hourly, one at a time, with the server image and settings, keeping a bounded number', () => {
    const cronJob = byKind<Manifest & { spec: Record<string, unknown> }>('CronJob')
    const spec = cronJob.spec as {
      schedule: string
      concurrencyPolicy: string
      jobTemplate: {
        spec: { template: { spec: { containers: (typeof container & { image: string; args: string[] })[] } } }
      }
    }
    expect(spec.schedule).toMatch(/^\d+ \* \* \* \*$/)
    expect(spec.concurrencyPolicy).toBe('Forbid')
    const [job] = spec.jobTemplate.spec.template.spec.containers
    expect(job?.image).toBe((container as { image?: string }).image)
    expect(job?.args.join(' ')).toContain('bun run cli backup --out')
    expect(job?.args.join(' ')).toMatch(/tail -n \+\$\(\(BACKUP_KEEP \+ 1\)\) \| xargs -r rm/)
    expect(job?.envFrom).toEqual(container.envFrom)
    const kustomization = Bun.YAML.parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as {
      resources: string[]
    }
    expect(kustomization.resources).toContain('backup-cronjob.yaml')
  })

  test('the compose backup service dumps every BACKUP_INTERVAL_SECONDS into its own volume and prunes beyond BACKUP_KEEP', () => {
    const backup = compose.services.backup as unknown as {
      command: string[]
      volumes: string[]
      environment: Record<string, string>
    }
    const script = backup.command.join('\n')
    expect(script).toContain('bun run cli backup --out')
    expect(script).toContain('sleep "$$BACKUP_INTERVAL_SECONDS"')
    expect(script).toContain('tail -n +$$((BACKUP_KEEP + 1))')
    expect(backup.volumes).toContain('backups:/backups')
    expect(backup.environment.DATABASE_URL).toBe(
      (compose.services['server-1'] as unknown as { environment: Record<string, string> }).environment
        .DATABASE_URL,
    )
  })
})

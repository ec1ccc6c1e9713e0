import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const REPO_ROOT = join(import.meta.dir, '..')
interface Service {
  image: string
  profiles?: string[]
  working_dir?: string
  volumes?: string[]
  environment?: Record<string, string | null>
  command?: string[]
  depends_on?: Record<string, unknown>
}
const compose = Bun.YAML.parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>
}
const catalog = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    workspaces: { catalog: Record<string, string> }
  }
).workspaces.catalog

describe('the compose `load` profile', () => {
  const k6 = compose.services.k6!

  test('runs a pinned grafana/k6, the version the scripts are typed against', () => {
    expect(k6.image).toBe(`grafana/k6:${catalog['@types/k6']}`)
    expect(k6.profiles).toEqual(['load'])
  })

  test('runs a script of loadtests/ against the edge, after the edge is healthy', () => {
    expect(k6.volumes).toContain(`./loadtests:${k6.working_dir}:ro`)
    const script = k6.command?.at(-1) ?? ''
    expect(existsSync(join(REPO_ROOT, 'loadtests', script))).toBe(true)
    expect(k6.environment?.BASE_URL).toBe('http://edge:8080')
    expect(k6.depends_on).toHaveProperty('edge')
  })

  test('leaves the rest of the stack to `docker compose up`: only k6 is in a profile', () => {
    const profiled = Object.entries(compose.services).filter(([, service]) => service.profiles !== undefined)
    expect(profiled.map(([name]) => name)).toEqual(['k6'])
  })
})

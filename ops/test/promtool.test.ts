import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT, runTool } from './support/run-tool.ts'

const ruleFiles = readdirSync(join(REPO_ROOT, 'ops/prometheus/rules'))
  .filter((name) => name.endsWith('.yml'))
  .map((name) => `ops/prometheus/rules/${name}`)
const ruleTests = readdirSync(join(REPO_ROOT, 'ops/prometheus/tests'))
  .filter((name) => name.endsWith('.test.yml'))
  .map((name) => `ops/prometheus/tests/${name}`)

describe('Prometheus configuration (promtool)', () => {
  test('prometheus.yml and the rule files it loads are valid', () => {
    const { exitCode, output } = runTool(['promtool', 'check', 'config', 'ops/prometheus/prometheus.yml'])
    expect(output).toContain('SUCCESS')
    expect(exitCode, output).toBe(0)
  })

  test('every rule file is valid', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(3)
    const { exitCode, output } = runTool(['promtool', 'check', 'rules', ...ruleFiles])
    expect(exitCode, output).toBe(0)
  })

  test('every alert rule unit test passes', () => {
    expect(ruleTests.length).toBeGreaterThan(0)
    const { exitCode, output } = runTool(['promtool', 'test', 'rules', ...ruleTests])
    expect(output).not.toContain('FAILED')
    expect(exitCode, output).toBe(0)
    // The SLO cases replay three hours of samples per rule; promtool needs seconds.
  }, 60_000)
})

describe('Alertmanager configuration (amtool)', () => {
  const config = '--config.file=ops/alertmanager/alertmanager.yml'

  test('alertmanager.yml is valid', () => {
    const { exitCode, output } = runTool(['amtool', 'check-config', 'ops/alertmanager/alertmanager.yml'])
    expect(output).toContain('SUCCESS')
    expect(exitCode, output).toBe(0)
  })

  test('critical alerts go to the pager', () => {
    const { exitCode, output } = runTool([
      'amtool',
      'config',
      'routes',
      'test',
      config,
      '--verify.receivers=pager',
      'severity=critical',
      'alertname=ServiceDown',
    ])
    expect(exitCode, output).toBe(0)
  })

  test('warnings go to chat', () => {
    const { exitCode, output } = runTool([
      'amtool',
      'config',
      'routes',
      'test',
      config,
      '--verify.receivers=chat',
      'severity=warning',
      'alertname=ResponseTimeHigh',
    ])
    expect(exitCode, output).toBe(0)
  })
})

describe('docker-compose.yml (docker-compose config)', () => {
  test('validates on a clean clone, with no .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jackpot-compose-'))
    try {
      const emptyEnv = join(dir, 'empty.env')
      writeFileSync(emptyEnv, '')
      const { exitCode, output } = runTool([
        'docker-compose',
        '--env-file',
        emptyEnv,
        '-f',
        'docker-compose.yml',
        'config',
        '-q',
      ])
      expect(exitCode, output).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('.env.example sets every variable the stack needs', () => {
    const { exitCode, output } = runTool([
      'docker-compose',
      '--env-file',
      '.env.example',
      '-f',
      'docker-compose.yml',
      'config',
      '-q',
    ])
    expect(output).not.toContain('is not set')
    expect(exitCode, output).toBe(0)
  })
})

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './run-tool.ts'

/** One rule of a Prometheus rule file: recording (`record`) or alerting (`alert`). */
export interface PrometheusRule {
  record?: string
  alert?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

export interface RuleFile {
  path: string
  groups: { name: string; interval?: string; rules: PrometheusRule[] }[]
}

export const RULES_DIR = join(REPO_ROOT, 'ops/prometheus/rules')
export const RULE_TESTS_DIR = join(REPO_ROOT, 'ops/prometheus/tests')

function yamlFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(dir, name))
}

/** Every rule file Prometheus loads (prometheus.yml: `rules/*.yml`), parsed. */
export function loadRuleFiles(): RuleFile[] {
  return yamlFiles(RULES_DIR, '.yml').map((path) => ({
    path,
    ...(Bun.YAML.parse(readFileSync(path, 'utf8')) as Omit<RuleFile, 'path'>),
  }))
}

export function allRules(): PrometheusRule[] {
  return loadRuleFiles().flatMap((file) => file.groups.flatMap((group) => group.rules))
}

/** A promtool unit-test file (`promtool test rules`), the parts the coverage check reads. */
export interface RuleTestFile {
  path: string
  tests: {
    name?: string
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: unknown[] | null }[]
  }[]
}

export function loadRuleTests(): RuleTestFile[] {
  return yamlFiles(RULE_TESTS_DIR, '.test.yml').map((path) => ({
    path,
    ...(Bun.YAML.parse(readFileSync(path, 'utf8')) as Omit<RuleTestFile, 'path'>),
  }))
}

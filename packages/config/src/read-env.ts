import type { TObject } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { ConfigIssue } from './config-error.ts'

/** What {@link readEnv} found: the converted values with defaults, and one issue per bad variable. */
export interface ReadEnv {
  converted: Record<string, unknown>
  issues: ConfigIssue[]
  /** Variables already reported, so later checks do not report them twice. */
  invalid: Set<string>
}

/**
 * Reads the variables a schema names from `source`, converts them, fills the
 * defaults and checks them, the one reading both the server's and the
 * dashboard's config do. Empty strings count as unset: `FOO= bun run start`
 * should mean "use the default". An issue quotes the value it got, except for
 * `secrets`, whose values must never reach a log.
 */
export function readEnv(
  schema: TObject,
  source: Record<string, string | undefined>,
  secrets: ReadonlySet<string> = new Set(),
): ReadEnv {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const value = source[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const converted = Value.Default(schema, Value.Convert(schema, raw)) as Record<string, unknown>
  const issues: ConfigIssue[] = []
  const invalid = new Set<string>()
  for (const error of Value.Errors(schema, converted)) {
    const variable = error.path.replace(/^\//, '').split('/')[0] || '(root)'
    if (invalid.has(variable)) continue
    invalid.add(variable)
    const described = (schema.properties as Record<string, { description?: string }>)[variable]
    const expected = described?.description ?? error.message
    issues.push({
      variable,
      expected: secrets.has(variable) ? expected : `${expected} (got ${JSON.stringify(raw[variable])})`,
    })
  }
  return { converted, issues, invalid }
}

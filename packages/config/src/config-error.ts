/** One variable that failed validation. `expected` never contains the received value of a secret. */
export interface ConfigIssue {
  variable: string
  expected: string
}

/** Thrown by `loadConfig` with every invalid variable at once, so one restart fixes them all. */
export class ConfigError extends Error {
  static readonly code = 'E_INVALID_CONFIG'
  readonly code = ConfigError.code

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid environment (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${issue.variable}: expected ${issue.expected}`).join('\n'),
    )
    this.name = 'ConfigError'
  }
}

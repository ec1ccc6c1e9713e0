/** A key prefix no other run uses, so suites share the test Redis without clashing. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${crypto.randomUUID()}`
}

/**
 * Where a runbook is read from a page: the file in this repository on GitHub
 * (the repository named in packages/observability/package.json). Alert rules
 * carry it as `annotations.runbook_url`; Grafana panels tied to an alert link to it.
 */
export const RUNBOOK_BASE_URL = 'https://github.com/jackpot-platform/jackpot-platform/blob/main/ops/runbooks/'

/**
 * The runbook link of an alert: its page ops/runbooks/<AlertName>.md.
 *
 * @example
 * runbookUrl('ServiceDown') // 'https://github.com/…/blob/main/ops/runbooks/ServiceDown.md'
 */
export function runbookUrl(alertName: string): string {
  return `${RUNBOOK_BASE_URL}${alertName}.md`
}

/**
 * The file a runbook link points at, relative to ops/runbooks/, or undefined
 * when the link is not one of this repository's runbooks.
 *
 * @example
 * runbookFile(runbookUrl('ServiceDown')) // 'ServiceDown.md'
 */
export function runbookFile(url: string): string | undefined {
  if (!url.startsWith(RUNBOOK_BASE_URL)) return undefined
  const file = url.slice(RUNBOOK_BASE_URL.length)
  return /^[A-Za-z0-9-]+\.md$/.test(file) ? file : undefined
}

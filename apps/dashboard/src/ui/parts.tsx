import { formatAbsolute, formatMoney, formatRelative } from './format.ts'

/** An amount in its currency; the exact cents stay readable for tests and copy-paste. */
export function Money({ cents, currency }: { cents: number | string; currency: string }) {
  return (
    <span class="money" data-cents={cents}>
      {formatMoney(cents, currency)}
    </span>
  )
}

/** A relative time with the absolute one as its tooltip. */
export function When({ at }: { at: string | number | Date }) {
  const date = new Date(at)
  return (
    <time dateTime={date.toISOString()} title={formatAbsolute(date)}>
      {formatRelative(date)}
    </time>
  )
}

/** A coloured status word that does not rely on colour alone. */
export function Badge({
  tone,
  children,
}: {
  tone: 'green' | 'amber' | 'red' | 'grey'
  children: preact.ComponentChildren
}) {
  return <span class={`badge badge-${tone}`}>{children}</span>
}

export const toneOfStatus = (status: string | undefined): 'green' | 'amber' | 'red' | 'grey' =>
  status === 'pass' ? 'green' : status === 'warn' ? 'amber' : status === 'fail' ? 'red' : 'grey'

export function Loading({ error }: { error?: string | undefined }) {
  return <p class="muted">{error ? `Could not load: ${error}` : 'Loading…'}</p>
}

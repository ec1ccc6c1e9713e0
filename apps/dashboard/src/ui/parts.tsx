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

/** A health status as a badge: its tone from {@link toneOfStatus}, and 'unknown' when there is none yet. */
export function StatusBadge({ status }: { status: string | undefined }) {
  return <Badge tone={toneOfStatus(status)}>{status ?? 'unknown'}</Badge>
}

/** One figure of a card row: its title, the figure in large type, and the notes under it. */
export function Card({
  title,
  value,
  children,
}: {
  title: string
  value: preact.ComponentChildren
  children?: preact.ComponentChildren
}) {
  return (
    <div class="card">
      <h3>{title}</h3>
      <p class="big">{value}</p>
      {children}
    </div>
  )
}

/** A scrollable table with one header cell per column; the rows are the children. */
export function Table({
  columns,
  testId,
  children,
}: {
  columns: readonly string[]
  testId?: string
  children: preact.ComponentChildren
}) {
  return (
    <div class="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

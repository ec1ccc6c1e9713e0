import { type Alert, getJson } from '../api.ts'
import type { ViewProps } from '../app.tsx'
import { Badge, Loading, When } from '../parts.tsx'
import { usePoll } from '../use-poll.ts'

export function AlertsView({ token, onUnauthorized }: ViewProps) {
  const alerts = usePoll(
    () => getJson<{ source: string; note?: string; alerts: Alert[] }>('/dash/alerts', token),
    10_000,
    onUnauthorized,
  )
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {alerts.data?.note && <p class="notice">{alerts.data.note}</p>}
      {!alerts.data ? (
        <Loading error={alerts.error} />
      ) : alerts.data.alerts.length === 0 ? (
        <p>No active alerts.</p>
      ) : (
        <ul class="alerts">
          {alerts.data.alerts.map((alert) => (
            <li key={`${alert.name}-${alert.since}`}>
              <Badge
                tone={alert.severity === 'critical' ? 'red' : alert.severity === 'warning' ? 'amber' : 'grey'}
              >
                {alert.severity}
              </Badge>{' '}
              <strong>{alert.name}</strong> {alert.summary}
              {alert.since && (
                <>
                  {' '}
                  · since <When at={alert.since} />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

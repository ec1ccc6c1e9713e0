import { getJson, type RecentWin } from '../api.ts'
import type { ViewProps } from '../app.tsx'
import { Loading, Money, Table, When } from '../parts.tsx'
import { usePoll } from '../use-poll.ts'

/** The latest wins, reloaded whenever the stream reports a change (so a win shows within a second). */
export function WinsView({ token, live, onUnauthorized }: ViewProps) {
  const wins = usePoll(
    () => getJson<{ wins: RecentWin[] }>('/api/v1/wins/recent?limit=25', token),
    15_000,
    onUnauthorized,
    live.revision,
  )
  return (
    <section aria-labelledby="wins-title">
      <h2 id="wins-title">Recent wins</h2>
      {!wins.data ? (
        <Loading error={wins.error} />
      ) : wins.data.wins.length === 0 ? (
        <p class="muted">No wins yet.</p>
      ) : (
        <Table columns={['Payout', 'Pool', 'Game', 'Time']} testId="wins">
          {wins.data.wins.map((win) => (
            <tr key={win.id} data-win={win.id}>
              <td>
                <Money cents={win.payoutCents} currency={win.currency} />
              </td>
              <td>{win.pool}</td>
              <td>{win.gameId}</td>
              <td>
                <When at={win.createdAt} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  )
}

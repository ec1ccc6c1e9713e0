import { getJson, type TopGame } from '../api.ts'
import type { ViewProps } from '../app.tsx'
import { Loading, Money, Table } from '../parts.tsx'
import { usePoll } from '../use-poll.ts'

export function GamesView({ token, onUnauthorized }: ViewProps) {
  const games = usePoll(
    () => getJson<{ currency: string; games: TopGame[] }>('/api/v1/stats/top-games?limit=20', token),
    10_000,
    onUnauthorized,
  )
  return (
    <section aria-labelledby="games-title">
      <h2 id="games-title">Top games today</h2>
      <p class="muted">By cents contributed to the pools since midnight UTC.</p>
      {!games.data ? (
        <Loading error={games.error} />
      ) : games.data.games.length === 0 ? (
        <p class="muted">No contributions today yet.</p>
      ) : (
        <Table columns={['Game', 'Contributed', 'Wagers']}>
          {games.data.games.map((game) => (
            <tr key={game.gameId}>
              <td>{game.gameId}</td>
              <td>
                <Money cents={game.contributedCents} currency={games.data!.currency} />
              </td>
              <td>{game.contributions}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  )
}

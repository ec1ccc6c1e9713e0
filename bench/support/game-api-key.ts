import { createGameKey } from '../../apps/server/test/cluster/support/cluster-client.ts'
import { mintToken } from '../../ops/verify/server-process.ts'

/**
 * A game API key made the way an operator would: an admin token from the
 * server's CLI (`bun run cli token`), then `POST /api/v1/api-keys`. Also
 * returns the pools' currency, which every contribution must use.
 *
 * @example
 * const { apiKey, currency } = await createGameApiKey(server.url, jwtSecret)
 */
export async function createGameApiKey(
  url: string,
  jwtSecret: string,
): Promise<{ apiKey: string; currency: string }> {
  const admin = await mintToken({ role: 'admin', sub: 'contributions-bench', jwtSecret })
  const apiKey = await createGameKey(url, admin, 'contributions-bench')
  const pools = (await (await fetch(`${url}/api/v1/pools`)).json()) as { pools: { currency: string }[] }
  const currency = pools.pools[0]?.currency
  if (!currency) throw new Error('the server lists no pools')
  return { apiKey, currency }
}

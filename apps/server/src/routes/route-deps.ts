import type { Config } from '@jackpot/config'
import type { ApiKeyStore, JackpotStore } from '@jackpot/domain'
import type { authPlugin } from '../auth/auth-plugin.ts'

/** What every route group is built from. */
export interface RouteDeps {
  store: JackpotStore
  /** Game servers' API keys (the key routes). */
  apiKeys: ApiKeyStore
  config: Config
  auth: ReturnType<typeof authPlugin>
}

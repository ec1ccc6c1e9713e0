import type { Config } from '@jackpot/config'
import type { ApiKeyStore, JackpotStore } from '@jackpot/domain'
import type { authPlugin } from '../auth/auth-plugin.ts'
import type { FigureMemo } from '../figures/figure-memo.ts'

/** What every route group is built from. */
export interface RouteDeps {
  store: JackpotStore
  /** The dashboard's figures, kept for a moment (see FigureMemo). */
  figures: FigureMemo
  /** Game servers' API keys (the key routes). */
  apiKeys: ApiKeyStore
  config: Config
  auth: ReturnType<typeof authPlugin>
}

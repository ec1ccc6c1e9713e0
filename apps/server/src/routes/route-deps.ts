import type { Config } from '@jackpot/config'
import type { JackpotStore } from '@jackpot/domain'
import type { authPlugin } from '../auth/auth-plugin.ts'

/** What every route group is built from. */
export interface RouteDeps {
  store: JackpotStore
  config: Config
  auth: ReturnType<typeof authPlugin>
}

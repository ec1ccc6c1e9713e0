import type { Config } from '@jackpot/config'

/**
 * Bun's own body cap, a backstop above BODY_LIMIT_BYTES: the app refuses
 * oversized bodies itself with problem+json (and stops reading at the limit),
 * so Bun's bare 413 is only ever seen for bodies far beyond it.
 */
export const TRANSPORT_BODY_HEADROOM = 16

/**
 * What `listen()` gets from the configuration.
 *
 * @example
 * (await buildServer(config)).app.listen(serveOptions(config))
 */
export function serveOptions(config: Config) {
  return {
    hostname: config.HOST,
    port: config.PORT,
    maxRequestBodySize: config.BODY_LIMIT_BYTES * TRANSPORT_BODY_HEADROOM,
  }
}

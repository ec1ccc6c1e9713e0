/** The settings {@link withDefaults} returns: each default's key, typed as the option or the default. */
export type WithDefaults<O, D> = {
  -readonly [K in keyof D]: K extends keyof O ? NonNullable<O[K]> | D[K] : D[K]
}

/**
 * Settles an options object against its defaults: every key of `defaults`
 * takes the option's value unless it is `undefined` or `null` (as `??` reads
 * it), so `{ ttlMs: undefined }` still means the default, which a spread would
 * not. Keys the defaults do not name are left out.
 *
 * @example
 * const settings = withDefaults(options, POOL_STREAM_DEFAULTS)
 * settings.pollMs // options.pollMs ?? POOL_STREAM_DEFAULTS.pollMs
 */
export function withDefaults<O extends object, D extends object>(
  options: O,
  defaults: D,
): WithDefaults<O, D> {
  const given = options as Record<string, unknown>
  const settled: Record<string, unknown> = {}
  for (const [key, fallback] of Object.entries(defaults)) settled[key] = given[key] ?? fallback
  return settled as WithDefaults<O, D>
}

import { t } from 'elysia'

/**
 * An integer query parameter. Elysia decodes numeric query strings inside the
 * schema, and a decoded value that breaks a bound is reported without its
 * path; the `title` carries the parameter name so the error handler can still
 * say which one was wrong.
 *
 * @example
 * t.Object({ limit: t.Optional(QueryInteger('limit', { minimum: 1, maximum: 500, default: 50 })) })
 */
export function QueryInteger(
  name: string,
  options: { minimum?: number; maximum?: number; default?: number },
) {
  return t.Integer({ ...options, title: name })
}

/**
 * PostgreSQL array literals, so a batch binds one parameter per column
 * (`unnest($1::bigint[], $2::text[], …)`) instead of one per value: a
 * 500-contribution batch stays a handful of parameters, far from the
 * protocol's 65 535 limit, and both drivers (postgres.js, PGlite) bind a
 * string the same way.
 */

/**
 * `{"a","b\"c",NULL}`: every element quoted, so commas, braces, spaces and
 * the word NULL inside a value stay data.
 *
 * @example
 * textArray(['minor', null]) // '{"minor",NULL}'
 */
export function textArray(values: ReadonlyArray<string | null>): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ','
    const value = values[i]
    out += value === null || value === undefined ? 'NULL' : `"${value.replace(/[\\"]/g, '\\$&')}"`
  }
  return `${out}}`
}

/**
 * `{1,-2,NULL}` for integers (bigint or number).
 *
 * @example
 * integerArray([1n, null, 3]) // '{1,NULL,3}'
 */
export function integerArray(values: ReadonlyArray<bigint | number | null>): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ','
    const value = values[i]
    out += value === null || value === undefined ? 'NULL' : value.toString()
  }
  return `${out}}`
}

/** The rows of `tx.execute`: postgres.js returns an array, PGlite an object with `rows`. */
export function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

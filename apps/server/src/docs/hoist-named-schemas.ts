/** A JSON value as found in an OpenAPI document. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

/** Component names are PascalCase titles; lower-case titles (e.g. QueryInteger's parameter names) stay inline. */
const COMPONENT_NAME = /^[A-Z][A-Za-z0-9]*$/

/**
 * Moves every schema with a PascalCase `title` (set on the TypeBox schemas of
 * views, bodies and problems) into `schemas` and leaves a `$ref` in its place,
 * so generated clients get named types (`Pool`, `Problem`) instead of one
 * anonymous type per response. Two different schemas under one title are a
 * bug in the declarations and throw, rather than one silently winning.
 *
 * @example
 * const schemas = {}
 * hoistNamedSchemas({ title: 'Pool', type: 'object' }, schemas) // { $ref: '#/components/schemas/Pool' }
 */
export function hoistNamedSchemas(node: Json, schemas: Record<string, Json>): Json {
  if (Array.isArray(node)) return node.map((item) => hoistNamedSchemas(item, schemas))
  if (node === null || typeof node !== 'object') return node
  const copy: JsonObject = {}
  for (const [key, value] of Object.entries(node)) copy[key] = hoistNamedSchemas(value, schemas)
  const title = copy.title
  if (typeof title !== 'string' || !COMPONENT_NAME.test(title) || !isSchema(copy)) return copy
  const known = schemas[title]
  if (known !== undefined && !sameSchema(known, copy)) {
    throw new Error(`Two different schemas are both titled '${title}'; give one another title`)
  }
  schemas[title] = copy
  return { $ref: `#/components/schemas/${title}` }
}

function isSchema(node: JsonObject): boolean {
  return 'type' in node || 'anyOf' in node || 'oneOf' in node || 'properties' in node
}

/**
 * Elysia renders one TypeBox schema slightly differently as a request body and as
 * a response (defaults, `additionalProperties`); those differences are not a second schema.
 */
function sameSchema(a: Json, b: Json): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b))
}

function normalise(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalise)
  if (node === null || typeof node !== 'object') return node
  const out: JsonObject = {}
  for (const key of Object.keys(node).sort()) {
    if (key === 'default' || key === 'additionalProperties') continue
    out[key] = normalise(node[key] as Json)
  }
  return out
}

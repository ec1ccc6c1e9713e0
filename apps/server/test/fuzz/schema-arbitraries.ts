import fc from 'fast-check'

/** The part of JSON Schema (as Elysia's OpenAPI output spells it) the generators read. */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  enum?: unknown[]
  anyOf?: JsonSchema[]
  examples?: unknown[]
  default?: unknown
}

function types(schema: JsonSchema): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(types)
  if (schema.enum) return ['string']
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
}

/** A plausible valid value, so a request mutated in one place is wrong in that place only. */
export function sampleValid(schema: JsonSchema): unknown {
  if (schema.examples?.length) return schema.examples[0]
  if (schema.enum?.length) return schema.enum[0]
  if (schema.anyOf) {
    const plain = schema.anyOf.find((member) => member.format !== 'integer' && member.format !== 'numeric')
    return sampleValid({ ...(plain ?? schema.anyOf[0]), minimum: schema.minimum, maximum: schema.maximum })
  }
  const [type] = types(schema)
  switch (type) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1
    case 'boolean':
      return true
    case 'null':
      return null
    case 'object': {
      const object: Record<string, unknown> = {}
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        object[name] = sampleValid(property)
      return object
    }
    case 'array':
      return []
    default:
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z'
      if (schema.pattern?.startsWith('^[a-z0-9]')) return 'minor'
      if (schema.pattern === '^[A-Za-z0-9_-]+$') return 'MQ'
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1))
  }
}

const CONTROL = fc.constantFrom('\u0000', '\u0001', '\n', '\r', '\t', '\u001b', '\u007f')

/** Strings that hurt: control characters, NUL, lone surrogates, very long, SQL and path noise. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), CONTROL, fc.string({ maxLength: 10 })).map((p) => p.join('')),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    "'; drop table pools; --",
    '../../etc/passwd',
    '%00',
    '%FF',
    '%ED%A0%80',
    '9'.repeat(400),
    'OTIyMzM3MjAzNjg1NDc3NTgwOA',
    '0000-01-01T00:00:00Z',
    '-1',
    '1e309',
    'NaN',
    '{}',
  ),
)

/** Values of a JSON type the schema does not allow. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  const allowed = new Set(types(schema))
  const options: fc.Arbitrary<unknown>[] = []
  if (!allowed.has('string')) options.push(nastyString)
  if (!allowed.has('integer') && !allowed.has('number'))
    options.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })))
  if (!allowed.has('boolean')) options.push(fc.boolean())
  if (!allowed.has('null')) options.push(fc.constant(null))
  if (!allowed.has('object'))
    options.push(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }))
  if (!allowed.has('array')) options.push(fc.array(fc.jsonValue(), { maxLength: 3 }))
  return fc.oneof(...options)
}

/**
 * Values that break `schema` for sure (wrong type, out of range, too long, off pattern,
 * outside the enum), for JSON bodies. Every one of them must be refused.
 */
export function invalidValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [wrongType(schema)]
  const allowed = types(schema)
  if (allowed.includes('integer') || allowed.includes('number')) {
    if (schema.minimum !== undefined && schema.minimum > Number.MIN_SAFE_INTEGER)
      options.push(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Math.ceil(schema.minimum) - 1 }))
    if (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER)
      options.push(fc.integer({ min: Math.floor(schema.maximum) + 1, max: Number.MAX_SAFE_INTEGER }))
    if (schema.maximum !== undefined) options.push(fc.constantFrom(1e300, 2 ** 63, 2 ** 53 + 2))
    if (allowed.includes('integer') && !allowed.includes('number'))
      options.push(fc.double({ noNaN: true, noInteger: true, noDefaultInfinity: true }))
  }
  if (allowed.includes('string') && !schema.enum) {
    if (schema.maxLength !== undefined)
      options.push(fc.string({ minLength: schema.maxLength + 1, maxLength: schema.maxLength + 40 }))
    if ((schema.minLength ?? 0) > 0) options.push(fc.constant(''))
    if (schema.pattern !== undefined) {
      const pattern = new RegExp(schema.pattern)
      options.push(nastyString.filter((value) => !pattern.test(value)))
    }
  }
  if (schema.enum) options.push(nastyString.filter((value) => !schema.enum?.includes(value)))
  return fc.oneof(...options)
}

/** A JSON body (as text) that breaks `schema` in at least one place. */
export function invalidBody(schema: JsonSchema): fc.Arbitrary<{ text: string; mutation: string }> {
  const base = sampleValid(schema) as Record<string, unknown>
  const properties = Object.entries(schema.properties ?? {})
  const options: fc.Arbitrary<{ text: string; mutation: string }>[] = [
    // Not an object at all, or not JSON.
    fc
      .oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.integer(), nastyString, fc.constant(null))
      .map((value) => ({ text: JSON.stringify(value), mutation: 'not an object' })),
    fc
      .oneof(
        fc.constantFrom('{', '{"a":', '[1,', '{"gameId":"x",}', 'undefined', '\u0000', '{"a":1}}'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((text) => !isJson(text)),
      )
      .map((text) => ({ text, mutation: 'malformed JSON' })),
  ]
  if (properties.length > 0) {
    options.push(
      fc.constantFrom(...properties).chain(([name, property]) =>
        invalidValue(property).map((value) => ({
          text: JSON.stringify({ ...base, [name]: value }),
          mutation: `bad ${name}`,
        })),
      ),
    )
  }
  if (schema.required?.length) {
    options.push(
      fc.constantFrom(...schema.required).map((name) => {
        const { [name]: _removed, ...rest } = base
        return { text: JSON.stringify(rest), mutation: `missing ${name}` }
      }),
    )
  }
  if (schema.additionalProperties === false) {
    options.push(
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !(name in (schema.properties ?? {}))),
          fc.jsonValue(),
        )
        .map(([name, value]) => ({
          text: JSON.stringify({ ...base, [name]: value }),
          mutation: `extra ${name}`,
        })),
    )
  }
  return fc.oneof(...options)
}

/** Any value for a query, path or header parameter: valid, invalid or junk, as text. */
export function parameterText(schema: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(String(sampleValid(schema))),
    invalidValue(schema).map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))),
    nastyString,
  )
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * Builds Responses whose headers come mostly from a few recurring sets, such
 * as a hot read's: the same security, CORS, cache and rate-limit headers on
 * every response, with only a count or two changing per request.
 *
 * Bun converts a plain headers object into its native headers one name at a
 * time (~0.35 µs a header: ~5 µs for the sixteen of a pool read), while it
 * copies a `Headers` object in one go. So each distinct set of the stable
 * headers is converted once into a `Headers` template, and the volatile ones
 * (e.g. `ratelimit-remaining`) are set on top per response. Finding the
 * template compares the names and values in place (no key string is built).
 * Templates are bounded: past `maxTemplates` the least recently used goes.
 *
 * @example
 * const headers = new ResponseHeaders({ volatile: ['ratelimit-remaining'] })
 * return headers.response(body, 200, { ...set.headers, etag })
 */
interface Template {
  /** The stable headers' names and values, in the order `fields` enumerates them. */
  names: string[]
  values: string[]
  headers: Headers
}

export class ResponseHeaders {
  readonly #volatile: readonly string[]
  readonly #maxTemplates: number
  /** Most recently used first: a hot route nearly always hits the first. */
  #templates: Template[] = []

  constructor(options: { volatile: readonly string[]; maxTemplates?: number }) {
    this.#volatile = options.volatile
    this.#maxTemplates = options.maxTemplates ?? 16
  }

  /** A Response of `body` and `status` with the headers of `fields` (undefined values are left out). */
  response(body: BodyInit | null, status: number, fields: Readonly<Record<string, unknown>>): Response {
    const template = this.#template(fields)
    // The Response copies the template: setting the volatile headers leaves it untouched.
    const response = new Response(body, { status, headers: template.headers })
    for (const name of this.#volatile) {
      const value = fields[name]
      if (value !== undefined) response.headers.set(name, String(value))
    }
    return response
  }

  #template(fields: Readonly<Record<string, unknown>>): Template {
    const templates = this.#templates
    for (let index = 0; index < templates.length; index++) {
      const template = templates[index]!
      if (this.#matches(template, fields)) {
        if (index > 0) {
          templates.splice(index, 1)
          templates.unshift(template)
        }
        return template
      }
    }
    const names: string[] = []
    const values: string[] = []
    const headers = new Headers()
    for (const name in fields) {
      const value = fields[name]
      if (value === undefined || this.#volatile.includes(name)) continue
      names.push(name)
      values.push(String(value))
      headers.set(name, String(value))
    }
    const template = { names, values, headers }
    templates.unshift(template)
    if (templates.length > this.#maxTemplates) templates.pop()
    return template
  }

  /** Same stable names in the same order with the same values: compares, allocates nothing. */
  #matches(template: Template, fields: Readonly<Record<string, unknown>>): boolean {
    const { names, values } = template
    let index = 0
    for (const name in fields) {
      const value = fields[name]
      if (value === undefined || this.#volatile.includes(name)) continue
      if (names[index] !== name) return false
      if (values[index] !== (typeof value === 'string' ? value : String(value))) return false
      index++
    }
    return index === names.length
  }
}

import { Elysia } from 'elysia'
import { HttpProblem, problem, problemResponse } from './problem.ts'

export interface JsonBodyOptions {
  /** Largest accepted body in bytes (BODY_LIMIT_BYTES). */
  maxBytes: number
  /**
   * The whole body must arrive within this many ms of the first read (BODY_TIMEOUT_MS): a
   * client trickling a byte every few seconds never trips an idle timeout. Defaults to 10 000.
   */
  timeoutMs?: number
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/**
 * The only body parser of the API: JSON, at most `maxBytes`.
 *
 * The declared `Content-Length` is checked before anything is read, and the
 * bytes actually received are checked again, because a chunked body declares
 * no length. Everything else is refused with 415 rather than guessed at, so a
 * `curl -d` without a content type gets a clear answer instead of a confusing
 * validation error.
 *
 * @example
 * new Elysia().use(jsonBody({ maxBytes: config.BODY_LIMIT_BYTES }))
 */
export function jsonBody(options: JsonBodyOptions) {
  const { maxBytes } = options
  const timeoutMs = options.timeoutMs ?? 10_000
  const tooLarge = () =>
    problem('payload-too-large', { detail: `The body exceeds the limit of ${maxBytes} bytes.`, maxBytes })

  return (
    new Elysia({ name: 'jackpot/json-body' })
      // Elysia awaits a hook whose text looks asynchronous (`return f(...)`, `=> f(...)`),
      // which makes every request's handling asynchronous: this one is written not to.
      .onRequest(({ request, set }) => {
        const declared = Number(request.headers.get('content-length') ?? 0)
        if (declared <= maxBytes) return undefined
        // biome-ignore lint/style/useConst: a `const` is folded into the `return` by Bun's transpiler, which Elysia would then read as asynchronous.
        let refusal: Response | undefined
        refusal = problemResponse(
          { ...tooLarge(), instance: new URL(request.url).pathname },
          {
            ...(set.headers as Record<string, string>),
            // The rest of the body is not read; the connection cannot be reused for another request.
            connection: 'close',
          },
        )
        return refusal
      })
      .onParse({ as: 'global' }, async ({ request }, contentType) => {
        const bytes = await readAtMost(request, maxBytes, timeoutMs)
        if (bytes === 'timeout') {
          throw new HttpProblem(
            problem('request-timeout', { detail: `The body did not arrive within ${timeoutMs} ms.` }),
            // The rest of the body is not read; the connection cannot be reused.
            { connection: 'close' },
          )
        }
        if (bytes === null) throw new HttpProblem(tooLarge())
        // null, not undefined: undefined would hand the (already consumed) body to the next parser.
        if (bytes.byteLength === 0) return null
        if (!JSON_TYPE.test(contentType)) {
          throw new HttpProblem(
            problem('unsupported-media-type', {
              detail: `Send JSON with 'Content-Type: application/json' (got '${contentType || 'none'}').`,
            }),
          )
        }
        try {
          return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
        } catch (error) {
          throw new HttpProblem(
            problem('malformed-json', { detail: 'The body could not be parsed as JSON.' }),
            {},
            { cause: error },
          )
        }
      })
  )
}

/**
 * The body's bytes, or null as soon as more than `maxBytes` arrived: a
 * chunked upload is cut off at the limit instead of being buffered whole.
 * 'timeout' when the whole body has not arrived within `timeoutMs`.
 */
async function readAtMost(
  request: Request,
  maxBytes: number,
  timeoutMs: number,
): Promise<Uint8Array | null | 'timeout'> {
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  for (;;) {
    const next = await Promise.race([reader.read(), expired])
    if (next === 'timeout') {
      await reader.cancel().catch(() => undefined)
      return 'timeout'
    }
    const { done, value } = next
    if (done) {
      clearTimeout(timer)
      break
    }
    total += value.byteLength
    if (total > maxBytes) {
      clearTimeout(timer)
      await reader.cancel().catch(() => undefined)
      return null
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

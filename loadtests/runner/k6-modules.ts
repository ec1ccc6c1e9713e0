/**
 * The part of the k6 JavaScript API the scripts in loadtests/ use, built for
 * the runner's worker: `k6` (check, group, sleep), `k6/http` (synchronous, as
 * in k6: the worker blocks while the main thread does the request) and
 * `k6/metrics` (Counter, Gauge, Rate, Trend). Anything else a script imports
 * from k6 fails to resolve, by name, rather than doing something else.
 */
import type { MetricRecorder, MetricType } from './k6-metrics.ts'

/** A request as the worker hands it to the main thread. */
export interface BridgeRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: string | null
  timeoutMs: number
  followRedirects: boolean
}

/** The main thread's answer: a response, or why there is none. */
export interface BridgeResponse {
  status: number
  url: string
  headers: [string, string][]
  body: string
  durationMs: number
  /** Set when no response arrived. */
  error: string | null
  timedOut: boolean
}

/** Runs one HTTP request to completion, blocking the calling thread. */
export type SyncFetch = (request: BridgeRequest) => BridgeResponse

/** What the VU is doing now: read by the modules for tags and `__VU`/`__ITER`. */
export interface VuContext {
  group: string
  scenario: string
  /** Longest real pause `sleep()` makes, in ms: the runner is a smoke run, not a load run. */
  maxSleepMs: number
}

const DEFAULT_TIMEOUT_MS = 60_000
/** k6's error code for a request that timed out (k6 docs, "Error codes"). */
export const K6_TIMEOUT_ERROR = 1050
/** k6's error code for a refused or otherwise failed connection ("dial" errors). */
export const K6_DIAL_ERROR = 1212
const sleeper = new Int32Array(new SharedArrayBuffer(4))

/** Go's canonical header name, which k6 uses for `response.headers` keys: `x-cache-status` → `X-Cache-Status`. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())
}

/** `'10s'`, `'500ms'`, `'1m'` or milliseconds, as k6's `timeout` param takes them. */
export function durationMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value === 'number') return value
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim())
  if (!match) throw new Error(`cannot read duration '${value}'`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h']
  return Number(match[1]) * unit
}

interface Params {
  headers?: Record<string, string>
  tags?: Record<string, string>
  timeout?: string | number
  redirects?: number
}

export interface K6Modules {
  k6: Record<string, unknown>
  'k6/http': Record<string, unknown>
  'k6/metrics': Record<string, unknown>
}

/**
 * The module objects for `Bun.plugin`'s `build.module`, recording into
 * `recorder` and sending requests through `syncFetch`.
 */
export function createK6Modules(syncFetch: SyncFetch, recorder: MetricRecorder, vu: VuContext): K6Modules {
  const groupTag = () => vu.group

  const check = <T>(
    value: T,
    sets: Record<string, (value: T) => unknown>,
    tags: Record<string, string> = {},
  ) => {
    let all = true
    for (const [name, predicate] of Object.entries(sets)) {
      const passed = Boolean(predicate(value))
      recorder.check(vu.group, name, passed)
      recorder.add('checks', passed ? 1 : 0, { ...tags, check: name, group: groupTag() })
      all &&= passed
    }
    return all
  }

  const group = <T>(name: string, fn: () => T): T => {
    if (name.includes('::')) throw new Error(`group names cannot contain '::': ${name}`)
    const outer = vu.group
    vu.group = `${outer}::${name}`
    const started = performance.now()
    try {
      return fn()
    } finally {
      recorder.add('group_duration', performance.now() - started, { group: vu.group })
      vu.group = outer
    }
  }

  const sleep = (seconds: number) => {
    Atomics.wait(sleeper, 0, 0, Math.min(seconds * 1000, vu.maxSleepMs))
  }

  const request = (method: string, url: string, body: unknown, params: Params = {}) => {
    const headers: Record<string, string> = { ...params.headers }
    let text: string | null = null
    if (typeof body === 'string') text = body
    else if (body !== null && body !== undefined) {
      if (typeof body !== 'object') throw new Error('the runner sends string or object bodies only')
      // k6 form-encodes an object body.
      text = new URLSearchParams(body as Record<string, string>).toString()
      headers['content-type'] ??= 'application/x-www-form-urlencoded'
    }
    const answer = syncFetch({
      method,
      url,
      headers,
      body: text,
      timeoutMs: durationMs(params.timeout, DEFAULT_TIMEOUT_MS),
      followRedirects: (params.redirects ?? 10) > 0,
    })
    const responseHeaders: Record<string, string> = {}
    for (const [name, value] of answer.headers) {
      const key = canonicalHeader(name)
      responseHeaders[key] = responseHeaders[key] === undefined ? value : `${responseHeaders[key]}, ${value}`
    }
    const errorCode = answer.error === null ? 0 : answer.timedOut ? K6_TIMEOUT_ERROR : K6_DIAL_ERROR
    const tags = {
      method,
      url,
      name: url,
      status: String(answer.status),
      scenario: vu.scenario,
      group: groupTag(),
      ...params.tags,
    }
    // k6's default: a request failed when it got no answer or a status outside 200–399.
    const failed = answer.status < 200 || answer.status > 399
    recorder.add('http_reqs', 1, tags)
    recorder.add('http_req_duration', answer.durationMs, tags)
    recorder.add('http_req_waiting', answer.durationMs, tags)
    recorder.add('http_req_failed', failed ? 1 : 0, tags)
    return {
      status: answer.status,
      url: answer.url,
      body: answer.error === null ? answer.body : null,
      headers: responseHeaders,
      error: answer.error ?? '',
      error_code: errorCode,
      timings: { duration: answer.durationMs, waiting: answer.durationMs },
      request: { method, url, headers, body: text ?? '' },
      json(selector?: string): unknown {
        if (answer.error !== null) throw new Error(`no body to parse: ${answer.error}`)
        const parsed: unknown = JSON.parse(answer.body)
        if (!selector) return parsed
        // A dotted path; k6's full gjson syntax is not needed by the scripts.
        return selector
          .split('.')
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], parsed)
      },
    }
  }

  const http = {
    request: (method: string, url: string, body?: unknown, params?: Params) =>
      request(method.toUpperCase(), url, body, params),
    get: (url: string, params?: Params) => request('GET', url, null, params),
    head: (url: string, params?: Params) => request('HEAD', url, null, params),
    options: (url: string, body?: unknown, params?: Params) => request('OPTIONS', url, body, params),
    post: (url: string, body?: unknown, params?: Params) => request('POST', url, body, params),
    put: (url: string, body?: unknown, params?: Params) => request('PUT', url, body, params),
    patch: (url: string, body?: unknown, params?: Params) => request('PATCH', url, body, params),
    del: (url: string, body?: unknown, params?: Params) => request('DELETE', url, body, params),
    batch: () => {
      throw new Error('http.batch is not implemented by the runner (loadtests/runner)')
    },
  }

  const metricClass = (type: MetricType) =>
    class {
      readonly name: string
      constructor(name: string, _isTime?: boolean) {
        this.name = name
        recorder.declare(name, type)
      }
      add(value: number | boolean, tags: Record<string, string> = {}): void {
        recorder.add(this.name, Number(value), { scenario: vu.scenario, group: groupTag(), ...tags })
      }
    }

  return {
    k6: { check, group, sleep, default: { check, group, sleep } },
    'k6/http': { ...http, default: http },
    'k6/metrics': {
      Counter: metricClass('counter'),
      Gauge: metricClass('gauge'),
      Rate: metricClass('rate'),
      Trend: metricClass('trend'),
    },
  }
}

import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * What every log line written while serving a request carries. `requestId` is
 * always there; integrations may add low-cardinality fields (e.g. `clientId`).
 */
export interface RequestContext {
  requestId: string
  [key: string]: unknown
}

// One store per process, not per copy of this module: the Elysia subpath and the
// root entry (or two installed copies of the package) must see the same context,
// otherwise a plugin would set a request id the application's logger never reads.
const STORAGE_KEY = Symbol.for('@jackpot/observability.request-context')
type GlobalWithStorage = typeof globalThis & { [STORAGE_KEY]?: AsyncLocalStorage<RequestContext> }
const holder = globalThis as GlobalWithStorage
holder[STORAGE_KEY] ??= new AsyncLocalStorage<RequestContext>()
const storage: AsyncLocalStorage<RequestContext> = holder[STORAGE_KEY]

/**
 * Runs `fn` (with `args`, if any) with `context` as the current request context:
 * every log line written inside it — synchronously or after any `await` — carries
 * the context's fields.
 *
 * @example
 * runWithRequestContext({ requestId: 'abc' }, async () => {
 *   await work()
 *   logger.info('done') // {"requestId":"abc","msg":"done",…}
 * })
 */
export function runWithRequestContext<T, A extends unknown[]>(
  context: RequestContext,
  fn: (...args: A) => T,
  ...args: A
): T {
  return storage.run(context, fn, ...args)
}

/**
 * The request context of the code currently running, if any.
 *
 * @example
 * const id = getRequestContext()?.requestId
 */
export function getRequestContext(): RequestContext | undefined {
  return storage.getStore()
}

/**
 * Makes `context` current for the rest of the running synchronous code and every
 * asynchronous continuation started from it. Meant for framework hooks that cannot
 * wrap the handler (Elysia's `onRequest`); prefer {@link runWithRequestContext}.
 * The context also stays visible to the caller of the hook, so only call it where
 * each request starts from a fresh async context (a server's per-request callback).
 *
 * @example
 * app.onRequest(() => enterRequestContext({ requestId: crypto.randomUUID() }))
 */
export function enterRequestContext(context: RequestContext): void {
  storage.enterWith(context)
}

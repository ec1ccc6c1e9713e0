import { Elysia } from 'elysia'

// What Elysia's hooks learn about a request while it is handled, kept on the Request
// itself (the one object the wrappers and every hook share): property writes cost
// less than a WeakMap entry per request.
const ROUTE = Symbol('@jackpot/observability route')
const PATH = Symbol('@jackpot/observability path')
const ERROR = Symbol('@jackpot/observability error')
type Facts = Request & { [ROUTE]?: string; [PATH]?: string; [ERROR]?: unknown }

/** The matched route template (`/items/:id`); undefined when no route matched. */
export const routeOf = (request: Request): string | undefined => (request as Facts)[ROUTE]
/** The path Elysia computed for routing (no query string); undefined before routing. */
export const routedPathOf = (request: Request): string | undefined => (request as Facts)[PATH]
/** What the request failed with, if Elysia's error hook saw it fail. */
export const errorOf = (request: Request): unknown => (request as Facts)[ERROR]

/**
 * The hooks that record a request's route, path and error for {@link routeOf} and
 * the others: registered once per app however many of the SDK's plugins use them
 * (Elysia keeps one plugin per `name`). The error hook returns nothing, leaving the
 * response to the application's handlers; for parse errors it also records the route.
 */
export const requestFacts = () =>
  new Elysia({ name: '@jackpot/observability/request-facts' })
    .onTransform({ as: 'global' }, ({ request, route, path }) => {
      ;(request as Facts)[ROUTE] = route
      ;(request as Facts)[PATH] = path
    })
    .onError({ as: 'global' }, ({ request, route, path, error }) => {
      const facts = request as Facts
      facts[ERROR] = error
      facts[ROUTE] ??= route || undefined
      facts[PATH] ??= path
    })

type Handle = (request: Request) => unknown

/**
 * The function to give Elysia's `wrap`, which hands it the whole request handling
 * (`handle`) per request — under Bun one compiled function per route, plus the
 * general one: `observe(handle)` is built once per `handle` and kept on it, so there
 * is no closure per request and no rebuilding when consecutive requests hit
 * different routes.
 */
export function wrapEachHandle(observe: (handle: Handle) => Handle): (handle: Handle) => Handle {
  const OBSERVED = Symbol('@jackpot/observability observed handle')
  return (handle: Handle & { [OBSERVED]?: Handle }) => {
    let observed = handle[OBSERVED]
    if (observed === undefined) {
      observed = observe(handle)
      handle[OBSERVED] = observed
    }
    return observed
  }
}

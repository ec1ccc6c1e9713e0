import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, loadDashboardConfig } from '@jackpot/config'
import { type OpenedJackpot, openJackpot } from '@jackpot/domain'
import { freePort, launchChromium, silentLogger } from '@jackpot/test-kit'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { signJwt } from '../../server/src/auth/jwt.ts'
import { buildServer } from '../../server/src/build-server.ts'
import { buildUi } from '../src/build-ui.ts'
import { createDashboard, type Dashboard } from '../src/dashboard-server.ts'

const AXE = join(import.meta.dir, '..', 'node_modules', 'axe-core', 'axe.min.js')
/** The README's screenshot, taken here so it shows the real thing. */
const SCREENSHOT = join(import.meta.dir, '..', 'docs', 'dashboard.png')

/**
 * End-to-end, in real headless Chromium with every request off the loopback
 * aborted: the real jackpot server (PGlite in memory) and the real dashboard
 * server on sockets. Chromium is a hard requirement (CI installs it).
 */
describe('dashboard end to end in Chromium', () => {
  let store: OpenedJackpot
  let apiPort: number
  let api: string
  let stopApi: () => Promise<void>
  let dashboard: Dashboard
  let dashboardServer: ReturnType<typeof Bun.serve>
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let viewerToken: string
  let gameKey: string
  const consoleErrors: string[] = []
  const blocked: string[] = []
  const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_ENABLED: 'false' })

  /** Starts the jackpot server on `apiPort` (again after a stop: same port, same database). */
  const startApi = async () => {
    const built = await buildServer(config, {
      store,
      logger: silentLogger,
      observability: { globalMetrics: false },
    })
    const app = built.app.listen({ hostname: '127.0.0.1', port: apiPort })
    stopApi = async () => {
      await app.stop(true)
      await built.close()
    }
  }

  const apiPools = async () =>
    (
      (await (await fetch(`${api}/api/v1/pools`)).json()) as {
        pools: { slug: string; amountCents: number }[]
      }
    ).pools

  const post = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': gameKey,
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(201)
    return (await response.json()) as { id: string; payoutCents?: number }
  }

  /** Waits until the pool's amount on screen is `cents`; fails after `timeoutMs`. */
  const amountShows = (slug: string, cents: number, timeoutMs: number) =>
    page.waitForFunction(
      ([s, c]) =>
        document.querySelector(`[data-testid="amount-${s}"] .money`)?.getAttribute('data-cents') ===
        String(c),
      [slug, cents] as const,
      { timeout: timeoutMs, polling: 20 },
    )

  beforeAll(async () => {
    store = await openJackpot({ pgliteDataDir: 'memory://' })
    gameKey = (await store.createApiKey({ name: 'dashboard-e2e', createdBy: 'e2e' })).key
    viewerToken = signJwt(
      { sub: 'dashboard-e2e', role: 'viewer' },
      { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, ttlSeconds: 3600 },
    )
    apiPort = await freePort()
    api = `http://127.0.0.1:${apiPort}`
    await startApi()

    dashboard = createDashboard({
      config: loadDashboardConfig({ JACKPOT_API_URL: api, DASHBOARD_PORT: '0' }),
      ui: await buildUi(),
      sampleIntervalMs: 1_000,
    })
    dashboardServer = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: (request, server) => dashboard.handle(request, server),
    })
    base = `http://127.0.0.1:${dashboardServer.port}`

    browser = await launchChromium()
    // bypassCSP only so the test can inject axe-core; the app itself runs under its CSP.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url())
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue()
      blocked.push(url.href)
      return route.abort('internetdisconnected')
    })
    page = await context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(error.message))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    dashboard?.close()
    await dashboardServer?.stop(true)
    await stopApi?.()
    await store?.close()
  })

  test('refuses an invalid token with a clear message', async () => {
    await page.goto(base)
    await page.getByLabel('Viewer token').fill('not-a-real-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor({ timeout: 5_000 })
    expect(await alert.textContent()).toContain('That token was not accepted')
    // The token never lands in the URL.
    expect(page.url()).not.toContain('not-a-real-token')
  }, 30_000)

  test('signs in with a viewer token and shows the pools exactly as GET /api/v1/pools', async () => {
    // The refused token above was logged by the browser as a failed (401) request; count from here.
    consoleErrors.length = 0
    await page.getByLabel('Viewer token').fill(viewerToken)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 })
    expect(page.url()).not.toContain(viewerToken)
    // The overview shows the server's own uptime (the `uptime` entry of /health).
    await page
      .getByTestId('uptime')
      .filter({ hasText: /Uptime: \d+ (s|min)/ })
      .waitFor({ timeout: 10_000 })
    await page.getByRole('link', { name: 'Pools' }).click()
    for (const pool of await apiPools()) await amountShows(pool.slug, pool.amountCents, 5_000)
    // Money is in the pool's currency, formatted by the browser's Intl.
    const text = await page.getByTestId('amount-mega').textContent()
    const expected = await page.evaluate(
      (cents) => new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(cents / 100),
      (await apiPools()).find((pool) => pool.slug === 'mega')!.amountCents,
    )
    expect(text).toBe(expected)
  }, 30_000)

  test('shows a contribution posted through the API within 1 s, without a reload', async () => {
    const marker = await page.evaluate(() => {
      ;(window as unknown as { e2eMarker: number }).e2eMarker = Math.random()
      return (window as unknown as { e2eMarker: number }).e2eMarker
    })
    await post('/api/v1/contributions', { gameId: 'e2e-slots', wagerCents: 250_000, currency: 'EUR' })
    const mega = (await apiPools()).find((pool) => pool.slug === 'mega')!
    await amountShows('mega', mega.amountCents, 1_000)
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker)).toBe(marker)
    // Each pool's growth over 24 h follows, as GET /api/v1/stats/pool-growth has it.
    const growth = (await (
      await fetch(`${api}/api/v1/stats/pool-growth`, { headers: { authorization: `Bearer ${viewerToken}` } })
    ).json()) as { pools: { pool: string; contributedCents: number }[] }
    const megaGrowth = growth.pools.find((entry) => entry.pool === 'mega')!.contributedCents
    expect(megaGrowth).toBeGreaterThanOrEqual(625)
    await page.waitForFunction(
      (cents) =>
        document.querySelector('[data-testid="growth-mega"] .money')?.getAttribute('data-cents') ===
        String(cents),
      megaGrowth,
      { timeout: 2_000, polling: 20 },
    )
  }, 30_000)

  test('lists a win in Recent wins within 1 s', async () => {
    await page.getByRole('link', { name: 'Recent wins' }).click()
    await page.getByRole('heading', { name: 'Recent wins' }).waitFor()
    const win = await post('/api/v1/wins', { pool: 'minor', gameId: 'e2e-slots', playerId: 'lucky' })
    await page.locator(`[data-win="${win.id}"]`).waitFor({ timeout: 1_000 })
    const cents = await page.locator(`[data-win="${win.id}"] .money`).getAttribute('data-cents')
    expect(Number(cents)).toBe(win.payoutCents!)
  }, 30_000)

  test('every view passes axe-core without serious or critical violations, and has no console errors', async () => {
    const axe = await Bun.file(AXE).text()
    for (const view of ['overview', 'pools', 'wins', 'games', 'system', 'alerts']) {
      await page.goto(`${base}/#/${view}`)
      await page.getByRole('heading', { level: 2 }).waitFor()
      await page.waitForTimeout(300)
      if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe })
      const violations = await page.evaluate(async () => {
        const result = await (
          window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }
        ).axe.run()
        return result.violations.map((v) => ({ id: v.id, impact: v.impact }))
      })
      expect(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        view,
      ).toEqual([])
    }
    expect(consoleErrors).toEqual([])
    expect(blocked).toEqual([])
  }, 60_000)

  test('fits a 375 px wide screen without horizontal scrolling, and takes the README screenshot at 1280 px', async () => {
    // Some traffic, and enough samples (1 s apart here) for the charts to show it.
    for (let i = 0; i < 20; i++) {
      await post('/api/v1/contributions', {
        gameId: `e2e-game-${i % 4}`,
        wagerCents: 10_000 * (i + 1),
        currency: 'EUR',
      })
      await fetch(`${api}/api/v1/pools`).then((response) => response.arrayBuffer())
    }
    await Bun.sleep(2_200)
    await page.goto(`${base}/#/overview`)
    await page.locator('.chart canvas').first().waitFor({ timeout: 15_000 })
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })

    await page.setViewportSize({ width: 375, height: 800 })
    for (const view of ['overview', 'pools', 'wins', 'games', 'system', 'alerts']) {
      await page.goto(`${base}/#/${view}`)
      await page.getByRole('heading', { level: 2 }).waitFor()
      await page.waitForTimeout(300)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, view).toBeLessThanOrEqual(0)
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  }, 60_000)

  test('shows "Disconnected" within 5 s when the server stops, and live updates again after it restarts', async () => {
    await page.goto(`${base}/#/pools`)
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 })
    const marker = await page.evaluate(() => {
      ;(window as unknown as { e2eMarker: number }).e2eMarker = Math.random()
      return (window as unknown as { e2eMarker: number }).e2eMarker
    })

    await stopApi()
    const stoppedAt = performance.now()
    await page.getByTestId('connection').filter({ hasText: 'Disconnected' }).waitFor({ timeout: 5_000 })
    console.log(
      `"Disconnected" shown ${(performance.now() - stoppedAt).toFixed(0)} ms after the server stopped`,
    )

    await startApi()
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 })
    await post('/api/v1/contributions', { gameId: 'e2e-slots', wagerCents: 100_000, currency: 'EUR' })
    const mega = (await apiPools()).find((pool) => pool.slug === 'mega')!
    await amountShows('mega', mega.amountCents, 2_000)
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker)).toBe(marker)
  }, 60_000)

  test('forgets the token on sign-out and returns to the sign-in screen', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Viewer token').waitFor()
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0)
  }, 30_000)
})

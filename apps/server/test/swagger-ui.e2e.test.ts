import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { loadConfig } from '@jackpot/config'
import { type OpenedJackpot, openJackpot } from '@jackpot/domain'
import { launchChromium, silentLogger } from '@jackpot/test-kit'
import type { Browser } from 'playwright-core'
import { buildServer } from '../src/build-server.ts'

/**
 * End-to-end: the Swagger UI renders in a real headless Chromium with every
 * request that is not to this server aborted, i.e. with no internet at all.
 * Chromium is a hard requirement (CI installs it); a missing browser fails.
 */
describe('end-to-end Swagger UI without internet', () => {
  let store: OpenedJackpot
  let browser: Browser
  let base: string
  let stop: () => Promise<void>

  beforeAll(async () => {
    store = await openJackpot({ pgliteDataDir: 'memory://' })
    const built = await buildServer(loadConfig({ NODE_ENV: 'test' }), {
      store,
      logger: silentLogger,
      observability: { globalMetrics: false },
    })
    const app = built.app.listen({ hostname: '127.0.0.1', port: 0 })
    base = `http://127.0.0.1:${app.server?.port}`
    stop = async () => {
      await app.stop(true)
      await built.close()
    }
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await stop?.()
    await store?.close()
  })

  test('renders the title and the operations from local assets only', async () => {
    const page = await browser.newPage()
    const blocked: string[] = []
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url())
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue()
      blocked.push(url.href)
      return route.abort('internetdisconnected')
    })

    const response = await page.goto(`${base}/swagger`, { waitUntil: 'load' })
    expect(response?.status()).toBe(200)
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 20_000 })
    // biome-ignore lint/performance/useDomNodeTextContent: the point is what a user sees rendered, not the DOM text
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Jackpot API')

    await page.locator('.opblock').first().waitFor({ timeout: 20_000 })
    const summaries = await page.locator('.opblock .opblock-summary-path').allInnerTexts()
    const paths = summaries.map((text) => text.replace(/\u200b/g, '').trim())
    expect(paths).toContain('/api/v1/contributions')
    expect(paths).toContain('/api/v1/pools/{slug}')
    expect(await page.locator('.opblock-tag').count()).toBeGreaterThanOrEqual(6)
    expect(await page.locator('.btn.authorize').count()).toBe(1)

    expect(blocked).toEqual([])
    expect(pageErrors).toEqual([])
    await page.close()
  }, 60_000)
})

import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Where CI (and `apt-get install chromium`) puts the browser the end-to-end suites drive. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * A headless Chromium with nothing of its own on the network (no sync, updates or
 * background fetches), so a suite can count every request the page makes.
 * Chromium is a hard requirement of the suites that call this: a missing browser throws.
 *
 * @example
 * const browser = await launchChromium()
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required at ${CHROMIUM} (apt-get install chromium)`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { createHarness, type Harness } from '../apps/server/test/support/harness.ts'
import { API_TYPES_FILE, renderApiTypes } from './render-api-types.ts'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.close())

test('the committed API types match the document the server serves (run `bun run api:types` if not)', async () => {
  const document = (await h.send('GET', '/swagger/json')).body
  expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(await renderApiTypes(document))
})

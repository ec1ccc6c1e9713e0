import { afterAll, expect, test } from 'bun:test'
import { createHarness } from '../support/harness.ts'

const h = await createHarness()
afterAll(() => h.close())

const seedLine = async (pool: string) =>
  (await h.send('GET', '/metrics')).text
    .split('\n')
    .find((line) => line.startsWith(`jackpot_pool_seed_cents{pool="${pool}"`))

test('/metrics exports each pool seed, and a configuration change moves it (the JackpotBelowFloor floor)', async () => {
  await h.send('GET', '/api/v1/pools')
  const mega = await h.store.getPool('mega')
  expect(await seedLine('mega')).toEndWith(` ${mega.seedCents}`)

  const admin = h.token('admin')
  const changed = await h.send('PUT', '/api/v1/config/pools/mega', {
    bearer: admin,
    body: { expectedVersion: mega.version, seedCents: 5_000_000 },
  })
  expect(changed.status).toBe(200)
  expect(await seedLine('mega')).toEndWith(' 5000000')
})

import { expect, test } from 'bun:test'
import { describeWithServices, redisNeed, testServices } from '@jackpot/test-kit'
import { verifyOps } from '../verify/verify-ops.ts'

// End-to-end: a real server process, Debian's nginx as the edge, Debian's Prometheus and
// Redis (cache L2, invalidation bus and shared rate limits are part of what the dashboards
// show; a short outage of the server's link to it produces the L2 errors and breaker states).
const services = testServices()

await describeWithServices(
  'ops:verify (end-to-end: server, Prometheus, Redis)',
  [redisNeed(services)],
  () => {
    test('every dashboard panel and recording rule returns data from a live server', async () => {
      const report = await verifyOps({ redisUrl: services.redisUrl })
      const failures = report.failures.map((check) => `${check.kind}: ${check.source} — ${check.problem}`)
      expect(failures).toEqual([])
      expect(report.checks.filter((check) => check.kind === 'panel').length).toBeGreaterThan(30)
      expect(report.checks.filter((check) => check.kind === 'recording rule').length).toBeGreaterThan(30)
      // The kinds of traffic some panels exist for: rate-limited operators, edge pool reads.
      expect(report.traffic['ledger read 429']).toBeGreaterThan(0)
      expect(report.traffic['edge pool read 2xx']).toBeGreaterThan(0)
      expect(report.checks.filter((check) => check.kind === 'metric').map((check) => check.source)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^cache_l2_errors_total /),
          expect.stringMatching(/^edge_requests_total /),
        ]),
      )
    }, 180_000)
  },
)

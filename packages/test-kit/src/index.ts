/**
 * `@jackpot/test-kit`: what every test suite shares and no production module may
 * import (the package is private and test files are its only callers).
 */

export { deleteKeysUnder } from './delete-keys-under.ts'
export {
  describeWithServices,
  postgresNeed,
  redisNeed,
  runWithServices,
  type ServiceNeed,
  type ServicesVerdict,
  servicesVerdict,
} from './describe-with-services.ts'
export { freePort } from './free-port.ts'
export { CHROMIUM, launchChromium } from './launch-chromium.ts'
export { metricSeries } from './metric-series.ts'
export { privateMetricsPerTest } from './private-metrics-per-test.ts'
export { reportUnavailable } from './report-unavailable.ts'
export { type ProcessRun, runProcess } from './run-process.ts'
export { seededRandom } from './seeded-random.ts'
export { silentLogger } from './silent-logger.ts'
export { serviceAnswers, type TestServices, testServices, UNAVAILABLE_REPORT } from './test-services.ts'
export { uniquePrefix } from './unique-prefix.ts'

import { describe, test } from 'bun:test'
import { reportUnavailable } from './report-unavailable.ts'
import { serviceAnswers, type TestServices, testServices } from './test-services.ts'

/** Something a suite needs from the machine: a service, a binary. */
export interface ServiceNeed {
  /** Named in the failure or the "not run" line, e.g. `Redis at redis://127.0.0.1:6379`. */
  what: string
  available(): boolean | Promise<boolean>
}

/** The shared test PostgreSQL answers on its port. */
export function postgresNeed(services: TestServices = testServices()): ServiceNeed {
  return {
    what: `PostgreSQL at ${new URL(services.postgresUrl).host}`,
    available: () => serviceAnswers(services.postgresUrl, 5432),
  }
}

/** The shared test Redis answers on its port. */
export function redisNeed(services: TestServices = testServices()): ServiceNeed {
  return { what: `Redis at ${services.redisUrl}`, available: () => serviceAnswers(services.redisUrl, 6379) }
}

/** What to do with a suite: run it, fail it (CI=true and something missing), or report it not run. */
export type ServicesVerdict = { run: true } | { run: false; required: boolean; missing: string[] }

/** Asks every need once; the verdict {@link describeWithServices} acts on. */
export async function servicesVerdict(
  needs: readonly ServiceNeed[],
  services: Pick<TestServices, 'servicesRequired'> = testServices(),
): Promise<ServicesVerdict> {
  const answers = await Promise.all(needs.map(async (need) => ((await need.available()) ? [] : [need.what])))
  const missing = answers.flat()
  if (missing.length === 0) return { run: true }
  return { run: false, required: services.servicesRequired, missing }
}

/**
 * Whether a suite whose tests fail by themselves without the service should be
 * defined: yes when everything is here, yes under CI=true (its tests then fail,
 * never skip); otherwise the suite is reported as not run and the answer is no.
 *
 * @example
 * if (await runWithServices('packages/domain startup', [postgresNeed()])) describe('on PostgreSQL', () => { … })
 */
export async function runWithServices(suite: string, needs: readonly ServiceNeed[]): Promise<boolean> {
  const verdict = await servicesVerdict(needs)
  if (verdict.run || verdict.required) return true
  reportUnavailable(`${suite}: missing ${verdict.missing.join(', ')}`)
  return false
}

/**
 * Declares `body` when everything the suite needs is here. Otherwise it fails
 * under CI=true (a missing service never passes silently there) or reports the
 * suite as not run. The one copy of that rule for every suite in the repo.
 *
 * @example
 * await describeWithServices('pool cache', [postgresNeed(), redisNeed()], () => { test(…) })
 */
export async function describeWithServices(
  name: string,
  needs: readonly ServiceNeed[],
  body: () => void,
): Promise<void> {
  const verdict = await servicesVerdict(needs)
  if (verdict.run) {
    describe(name, body)
  } else if (verdict.required) {
    test(`${name}: its services are here (CI=true)`, () => {
      throw new Error(`missing: ${verdict.missing.join(', ')}`)
    })
  } else {
    reportUnavailable(`${name}: missing ${verdict.missing.join(', ')}`)
  }
}

/**
 * `bun run test`: runs every test file once with `bun test`, then prints which
 * suites could not run on this machine (e.g. no PostgreSQL outside CI) and the
 * closing line `N passed, N failed` from the runner's own counts.
 *
 * Extra arguments go to `bun test` (e.g. `bun run test packages/domain`).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { UNAVAILABLE_REPORT } from '@jackpot/test-kit'

if (process.argv.includes('--help')) {
  console.log(
    'usage: bun run test [bun test args…]\nRuns the whole suite and ends with "N passed, N failed".',
  )
  process.exit(0)
}

rmSync(UNAVAILABLE_REPORT, { force: true })
// PGlite's first start compiles WASM and PostgreSQL suites create databases; on a
// shared 2-core machine a test may need well past bun's 5 s default.
const child = Bun.spawn([process.execPath, 'test', '--timeout', '60000', ...process.argv.slice(2)], {
  stdout: 'inherit',
  stderr: 'pipe',
  stdin: 'ignore',
})

// bun test writes its report to stderr; echo it live and keep a copy to count.
let captured = ''
const decoder = new TextDecoder()
for await (const chunk of child.stderr) {
  const text = decoder.decode(chunk, { stream: true })
  captured += text
  process.stderr.write(text)
}
const exitCode = await child.exited

const count = (label: string) => Number(captured.match(new RegExp(`^\\s*(\\d+) ${label}$`, 'm'))?.[1] ?? 0)
const passed = count('pass')
const failed = count('fail')

if (existsSync(UNAVAILABLE_REPORT)) {
  const lines = [...new Set(readFileSync(UNAVAILABLE_REPORT, 'utf8').split('\n').filter(Boolean))]
  console.log(`\nNot run on this machine (${lines.length}):`)
  for (const line of lines) console.log(`  - ${line}`)
}

// A runner that died before reporting must not look like success.
const failedTotal = exitCode !== 0 && failed === 0 ? 1 : failed
console.log(`\n${passed} passed, ${failedTotal} failed`)
process.exit(exitCode === 0 && failedTotal === 0 ? 0 : 1)

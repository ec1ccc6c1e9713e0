import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { defaultKeyPrefix, parseClusterArgs, UsageError } from './local-cluster.ts'

// The cluster itself is started and driven by apps/server/test/cluster/cluster.e2e.test.ts;
// here: its command line, as a new user meets it.
const SCRIPT = join(import.meta.dir, 'local-cluster.ts')
const run = (...args: string[]) =>
  Bun.spawnSync([process.execPath, 'run', SCRIPT, ...args], {
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })

describe('ops/cluster/local-cluster.ts command line', () => {
  test('--help prints every option and exits 0', () => {
    const result = run('--help')
    expect(result.exitCode).toBe(0)
    const text = result.stdout.toString()
    for (const flag of ['--database-url', '--redis-url', '--replicas', '--base-port', '--edge-port', '--env'])
      expect(text).toContain(flag)
  })

  test('without --database-url it says what to pass and exits 2', () => {
    const result = run('--redis-url', 'redis://127.0.0.1:6379')
    expect(result.exitCode).toBe(2)
    expect(result.stderr.toString()).toContain('--database-url is required')
    expect(result.stderr.toString()).toContain('postgres://postgres@127.0.0.1:5432/postgres')
  })

  test('a replica that cannot start is reported with its own reason, not a stack trace', () => {
    const result = run(
      '--database-url',
      `postgres://postgres@127.0.0.1:5432/no_such_db_${crypto.randomUUID().slice(0, 8)}`,
      '--replicas',
      '1',
      '--quiet',
    )
    expect(result.exitCode).toBe(1)
    const stderr = result.stderr.toString()
    expect(stderr).toMatch(/The cluster did not start: replica on port \d+ exited with code 1:/)
    expect(stderr).toContain('Could not open the database')
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  test('parses every option into cluster options', () => {
    expect(
      parseClusterArgs([
        '--database-url',
        'postgres://u@h:5432/db',
        '--redis-url',
        'redis://h:6379',
        '--replicas',
        '3',
        '--base-port',
        '4001',
        '--edge-port',
        '8081',
        '--key-prefix',
        'mine',
        '--env',
        'RATE_LIMIT_PUBLIC=5',
        '--env',
        'LOG_LEVEL=debug',
        '--quiet',
      ]),
    ).toEqual({
      databaseUrl: 'postgres://u@h:5432/db',
      redisUrl: 'redis://h:6379',
      replicas: 3,
      basePort: 4001,
      edgePort: 8081,
      redisKeyPrefix: 'mine',
      env: { RATE_LIMIT_PUBLIC: '5', LOG_LEVEL: 'debug' },
      verbose: false,
    })
    expect(parseClusterArgs(['--help'])).toBe('help')
  })

  test('refuses unknown options, missing values and bad numbers with the reason', () => {
    const url = ['--database-url', 'postgres://u@h/db']
    const refusal = (...args: string[]) => {
      try {
        parseClusterArgs(args)
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError)
        return (error as Error).message
      }
      throw new Error(`accepted ${args.join(' ')}`)
    }
    expect(refusal(...url, '--replica', '2')).toBe('unknown option --replica (see --help)')
    expect(refusal(...url, '--replicas')).toBe('--replicas needs a value')
    expect(refusal(...url, '--replicas', 'two')).toBe('--replicas must be a whole number 1..32, got two')
    expect(refusal(...url, '--base-port', '70000')).toBe(
      '--base-port must be a whole number 1..65535, got 70000',
    )
    expect(refusal('--database-url', 'mysql://h/db')).toBe('--database-url must be a postgres:// URL')
    expect(refusal(...url, '--redis-url', 'localhost:6379')).toBe('--redis-url must be a redis:// URL')
    expect(refusal(...url, '--env', 'NOVALUE')).toBe('--env expects NAME=VALUE, got NOVALUE')
  })

  test('the default Redis key prefix follows the database, so two clusters on one Redis never mix', () => {
    expect(defaultKeyPrefix('postgres://postgres@127.0.0.1:5432/test')).toBe('cluster-test')
    expect(defaultKeyPrefix('postgres://postgres@127.0.0.1:5432/other')).toBe('cluster-other')
    expect(defaultKeyPrefix('postgres://postgres@127.0.0.1:5432')).toBe('cluster-postgres')
  })
})

/**
 * `bun run cli token --role admin --sub NAME [--ttl 1h]`: prints a bearer token
 * signed with the first key of JWT_SECRETS (or JWT_SECRET). The token goes alone to stdout so
 * `TOKEN=$(bun run cli token …)` works; everything else goes to stderr.
 */
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '@jackpot/config'
import { openJackpot, verifyLedger } from '@jackpot/domain'
import { signJwt } from './auth/jwt.ts'
import { isStaffRole, STAFF_ROLES } from './auth/roles.ts'
import { parseTtl } from './auth/ttl.ts'
import { backupCommand } from './backup/backup-command.ts'
import { CommandError } from './backup/command-error.ts'
import { restoreCommand } from './backup/restore-command.ts'

const USAGE = `usage: bun run cli token --role <${STAFF_ROLES.join('|')}> --sub <name> [--ttl <lifetime>]

Prints a bearer token (HS256, signed with the first JWT_SECRETS key, else JWT_SECRET) for the HTTP API.

  --role   viewer < operator < admin (each includes the ones before it)
  --sub    who the token is for; recorded in the audit trail
  --ttl    lifetime: 90s, 15m, 1h, 7d (at most JWT_MAX_TTL_SECONDS, default 24h). Default 1h.

Game servers use API keys instead: an admin creates them with POST /api/v1/api-keys.

       bun run cli verify-ledger

Replays the ledger of the configured database and checks every pool against it;
exits 1 naming the first divergent entry.

       bun run cli backup --out <file> [--timeout <seconds>]

A consistent backup of the configured database, taken while the server runs:
pg_dump (custom format) for DATABASE_URL; for PGLITE_DATA_DIR a data-directory dump,
made by the running server (asked with SIGUSR2; --timeout, default 120) or here when none runs.

       bun run cli restore <file> (--database-url <url> | --data-dir <dir>)

Restores a backup into an EMPTY PostgreSQL database (pg_dump files) or a new data
directory (PGlite dumps); refuses a target that holds anything. Run verify-ledger on it next.

example:
  TOKEN=$(bun run cli token --role admin --sub ada)
  curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/api/v1/config`

class UsageError extends Error {}

function run(argv: string[]): string {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return USAGE
  }
  if (command !== 'token') throw new UsageError(`unknown command '${command}'`)

  let values: { role?: string; sub?: string; ttl?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({
      args: rest,
      options: {
        role: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string', default: '1h' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  if (values.help) return USAGE
  if (!values.role) throw new UsageError('--role is required')
  if (!isStaffRole(values.role)) {
    throw new UsageError(`unknown role '${values.role}'; use one of ${STAFF_ROLES.join(', ')}`)
  }
  if (!values.sub?.trim()) throw new UsageError('--sub is required (who the token is for)')
  const config = loadConfig()
  const ttlSeconds = parseTtl(values.ttl ?? '1h', config.JWT_MAX_TTL_SECONDS)
  if (ttlSeconds === null) {
    throw new UsageError(
      `bad --ttl '${values.ttl}'; use a number with s, m, h or d (e.g. 1h), at most ${config.JWT_MAX_TTL_SECONDS}s (JWT_MAX_TTL_SECONDS)`,
    )
  }

  return signJwt(
    { sub: values.sub.trim(), role: values.role },
    { ...config.jwtKeys[0]!, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds },
  )
}

/**
 * `bun run cli verify-ledger`: replays the ledger of the configured database
 * (DATABASE_URL, or PGLITE_DATA_DIR while no server holds it) and checks every
 * pool against it. Exit 0 when they agree; 1 naming the first divergent entry.
 */
async function verifyLedgerCommand(): Promise<number> {
  const config = loadConfig()
  const store = await openJackpot({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: config.PGLITE_DATA_DIR,
    poolSize: 1,
    currency: config.JACKPOT_CURRENCY,
    // A full replay reads every page: no per-statement cap on a maintenance command.
    statementTimeoutMs: 0,
  })
  try {
    const result = await verifyLedger(store)
    if (result.ok) {
      console.log(`ledger verified: ${result.entries} entries, ${result.pools} pools agree`)
      return 0
    }
    const { entryId, pool, reason } = result.divergence
    console.error(`ledger divergence at entry ${entryId ?? '(none)'} (pool ${pool}): ${reason}`)
    return 1
  } finally {
    await store.close()
  }
}

function parseCommandArgs<T extends Record<string, { type: 'string' | 'boolean' }>>(
  args: string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

async function backup(args: string[]): Promise<string> {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, timeout: { type: 'string' } }, false)
  if (values.help) return USAGE
  if (!values.out) throw new UsageError('--out is required (the file the backup is written to)')
  const timeoutSeconds = Number(values.timeout ?? '120')
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new UsageError(`bad --timeout '${values.timeout}'; use a number of seconds`)
  }
  return backupCommand(loadConfig(), { out: values.out, timeoutMs: timeoutSeconds * 1000 })
}

async function restore(args: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs(
    args,
    { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' } },
    true,
  )
  if (values.help) return USAGE
  if (positionals.length !== 1) throw new UsageError('give exactly one backup file to restore')
  if (!values['database-url'] === !values['data-dir']) {
    throw new UsageError('give exactly one target: --database-url <url> or --data-dir <dir>')
  }
  return restoreCommand({
    file: positionals[0]!,
    databaseUrl: values['database-url'],
    dataDir: values['data-dir'],
  })
}

try {
  const [command, ...rest] = process.argv.slice(2)
  if (command === 'verify-ledger') process.exit(await verifyLedgerCommand())
  else if (command === 'backup') console.log(await backup(rest))
  else if (command === 'restore') console.log(await restore(rest))
  else console.log(run(process.argv.slice(2)))
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (error instanceof ConfigError || error instanceof CommandError) {
    console.error(error.message)
    process.exit(1)
  }
  // Anything else (a database that cannot be reached, a locked directory): one line, no stack.
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}

/**
 * `bun run cli token --role admin --sub NAME [--ttl 1h]`: prints a bearer token
 * signed with the first key of JWT_SECRETS (or JWT_SECRET). The token goes alone to stdout so
 * `TOKEN=$(bun run cli token …)` works; everything else goes to stderr.
 */
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '@jackpot/config'
import { HistoryNotEmptyError } from '@jackpot/domain'
import { signJwt } from './auth/jwt.ts'
import { isStaffRole, STAFF_ROLES } from './auth/roles.ts'
import { parseTtl } from './auth/ttl.ts'
import { backupCommand } from './backup/backup-command.ts'
import { CommandError } from './backup/command-error.ts'
import { restoreCommand } from './backup/restore-command.ts'
import { archiveCommand } from './ledger-commands/archive-command.ts'
import { openMaintenanceStore } from './ledger-commands/open-maintenance-store.ts'
import { verifyLedgerCommand } from './ledger-commands/verify-ledger-command.ts'

const USAGE = `usage: bun run cli token --role <${STAFF_ROLES.join('|')}> --sub <name> [--ttl <lifetime>]

Prints a bearer token (HS256, signed with the first JWT_SECRETS key, else JWT_SECRET) for the HTTP API.

  --role   viewer < operator < admin (each includes the ones before it)
  --sub    who the token is for; recorded in the audit trail
  --ttl    lifetime: 90s, 15m, 1h, 7d (at most JWT_MAX_TTL_SECONDS, default 24h). Default 1h.

Game servers use API keys instead: an admin creates them with POST /api/v1/api-keys.

       bun run cli verify-ledger [--full [--archive-dir <dir>]] [--database-url <url>]

Replays the ledger of the configured database from its last checkpoint (the pool
states at the end of the last verified UTC day), so a run costs the days since,
and checks every pool against it; appends a checkpoint for each closed day it
replayed; exits 1 naming the first divergent entry or checkpoint. Then checks the
rollups of those days (per pool per minute, per game per day, last contribution
and win) against the ledger. --full replays from the first entry and compares every
checkpoint; days moved out by 'archive' are read back from --archive-dir (each
file's sha256 checked against its manifest: a changed file fails, named).

       bun run cli archive --before <YYYY-MM-DD> --out <dir> [--database-url <url>]

Moves every whole UTC day before the given date out of the database: verifies the
ledger (checkpointing those days), writes each day's partitions to gzip JSONL files
in <dir> with a manifest (row counts, per-pool sums, sha256 of each file, the
checkpoint chain), reads the files back and matches the manifest, and only then
detaches and drops the partitions. Progress on stderr.

       bun run cli seed-history --contributions <N> [--days <D>] [--batch <B>] [--database-url <url>]

Fills an EMPTY database (only the pools' seed entries) with N contributions and
a win every 2 000, spread over the D days before now (default 1), through the
real write path in batches of B (default 5 000), printing progress to stderr.
Refuses a database that already has contributions or wins. For capacity tests.

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

async function verifyLedger(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { full: { type: 'boolean' }, 'archive-dir': { type: 'string' }, 'database-url': { type: 'string' } },
    false,
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (values['archive-dir'] !== undefined && !values.full)
    throw new UsageError(
      '--archive-dir is read by --full only (an incremental run starts after the archives)',
    )
  return verifyLedgerCommand(loadConfig(), {
    full: values.full === true,
    archiveDir: values['archive-dir'],
    databaseUrl: values['database-url'],
  })
}

async function archive(args: string[]): Promise<string> {
  const { values } = parseCommandArgs(
    args,
    { before: { type: 'string' }, out: { type: 'string' }, 'database-url': { type: 'string' } },
    false,
  )
  if (values.help) return USAGE
  if (!values.before)
    throw new UsageError('--before is required (YYYY-MM-DD: the days before it are archived)')
  if (!values.out) throw new UsageError('--out is required (the directory the archive files are written to)')
  return archiveCommand(loadConfig(), {
    before: values.before,
    out: values.out,
    databaseUrl: values['database-url'],
  })
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

/**
 * `bun run cli seed-history --contributions N [--days D] [--batch B] [--database-url URL]`:
 * fills an empty database with a back-dated history through the real write path.
 */
async function seedHistoryCommand(argv: string[]): Promise<number> {
  let values: {
    contributions?: string
    days?: string
    batch?: string
    'database-url'?: string
    help?: boolean
  }
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        contributions: { type: 'string' },
        days: { type: 'string', default: '1' },
        batch: { type: 'string', default: '5000' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const contributions = Number(values.contributions)
  const days = Number(values.days)
  const batchSize = Number(values.batch)
  if (!Number.isSafeInteger(contributions) || contributions < 1)
    throw new UsageError('--contributions must be a positive integer')
  if (!Number.isFinite(days) || days <= 0) throw new UsageError('--days must be a positive number')
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 50_000)
    throw new UsageError('--batch must be an integer from 1 to 50000')
  const store = await openMaintenanceStore(loadConfig(), values['database-url'])
  try {
    const started = performance.now()
    let lastReport = 0
    const seeded = await store.seedHistory({
      contributions,
      days,
      batchSize,
      onProgress: ({ contributions: done, wins, of, at }) => {
        const now = performance.now()
        if (now - lastReport < 1_000 && done < of) return
        lastReport = now
        const rate = Math.round(done / ((now - started) / 1000))
        console.error(
          `seed-history: ${done}/${of} contributions (${Math.floor((done / of) * 100)} %), ${wins} wins, up to ${at.toISOString()}, ${rate}/s`,
        )
      },
    })
    const seconds = (performance.now() - started) / 1000
    // What the hourly upkeep of a live database would have done by now: settle the closed days' keys.
    const upkeep = await store.maintainHistory()
    const retired = new Set([...seeded.retiredKeyDays, ...upkeep.retiredKeyDays])
    console.error(
      `seed-history: settled ${seeded.settledKeys + upkeep.settledKeys} idempotency keys of closed days (as each seeded day closed, and now); ${retired.size} days past the retention keep only their key prefixes`,
    )
    console.log(
      `seeded ${seeded.contributions} contributions and ${seeded.wins} wins from ${seeded.from.toISOString()} to ${seeded.until.toISOString()} in ${seeded.batches} batches, ${seconds.toFixed(1)} s (${Math.round(seeded.contributions / seconds)}/s)`,
    )
    return 0
  } catch (error) {
    if (error instanceof HistoryNotEmptyError) {
      console.error(`error: ${error.message}`)
      return 1
    }
    throw error
  } finally {
    await store.close()
  }
}

try {
  const [command, ...rest] = process.argv.slice(2)
  if (command === 'verify-ledger') process.exit(await verifyLedger(rest))
  else if (command === 'seed-history') process.exit(await seedHistoryCommand(rest))
  else if (command === 'archive') console.log(await archive(rest))
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

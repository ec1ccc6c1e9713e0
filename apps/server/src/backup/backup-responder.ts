import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JackpotStore } from '@jackpot/domain'
import type { ServerLogger } from '../logger.ts'
import { type BackupRequest, backupRequestsDir } from './backup-requests.ts'

/** A running responder; `stop()` removes its signal handler. */
export interface BackupResponder {
  stop(): void
}

/**
 * Answers `bun run cli backup` on the embedded PGlite mode: on SIGUSR2 it takes every
 * request in `<dataDir>/.backup-requests/` (see backup-requests.ts), dumps the data
 * directory (`store.dumpDataDir`, consistent while serving) to the requested file and
 * marks the request done or failed. One dump at a time; a signal during one is picked
 * up when it ends.
 *
 * @example
 * const responder = startBackupResponder({ dataDir: './data', store, logger })
 * // on close: responder.stop()
 */
export function startBackupResponder(options: {
  dataDir: string
  store: Pick<JackpotStore, 'dumpDataDir'>
  logger: ServerLogger
}): BackupResponder {
  const dir = backupRequestsDir(options.dataDir)
  mkdirSync(dir, { recursive: true })
  let running: Promise<void> | null = null
  let again = false

  const answerAll = async () => {
    do {
      again = false
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        await answer(join(dir, name), name.slice(0, -'.json'.length))
      }
    } while (again)
  }

  const answer = async (requestPath: string, id: string) => {
    let request: BackupRequest
    try {
      request = JSON.parse(readFileSync(requestPath, 'utf8')) as BackupRequest
    } catch {
      return // Half-written: the CLI writes through a rename, so this is someone else's file.
    } finally {
      rmSync(requestPath, { force: true })
    }
    const started = performance.now()
    const partial = `${request.out}.partial`
    try {
      if (!options.store.dumpDataDir) throw new Error('this store has no data directory to dump')
      const dump = await options.store.dumpDataDir()
      await Bun.write(partial, dump)
      renameSync(partial, request.out)
      writeFileSync(join(dir, `${id}.done`), `${dump.size}\n`)
      options.logger.info(
        { out: request.out, bytes: dump.size, durationMs: Math.round(performance.now() - started) },
        'wrote a backup of the embedded database',
      )
    } catch (error) {
      rmSync(partial, { force: true })
      const reason = error instanceof Error ? error.message : String(error)
      writeFileSync(join(dir, `${id}.failed`), `${reason}\n`)
      options.logger.error({ out: request.out, err: reason }, 'backup of the embedded database failed')
    }
  }

  const onSignal = () => {
    if (running) {
      again = true
      return
    }
    running = answerAll().finally(() => {
      running = null
    })
  }
  process.on('SIGUSR2', onSignal)
  return {
    stop() {
      process.off('SIGUSR2', onSignal)
    },
  }
}

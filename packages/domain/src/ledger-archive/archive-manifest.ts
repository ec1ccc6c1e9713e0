import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'

/** The format tag every manifest carries, so a reader knows what it holds. */
export const ARCHIVE_FORMAT = 'jackpot-ledger-archive/1'

/** One gzip JSONL file: one table's rows for one day. */
export interface ArchiveFile {
  table: string
  /** The file name, inside the archive directory. */
  file: string
  rows: number
  bytes: number
  sha256: string
}

/** Per pool, what a day's ledger lines add up to (decimal strings: exact beyond 2^53). */
export interface ArchivedPoolSums {
  /** `ledger_lines` rows, and compact contribution runs (`ledger_batch_pools` rows). */
  lines: string
  runs: string
  amountDeltaCents: string
  reserveDeltaCents: string
}

/** One archived UTC day: its files, its sums and the checkpoint of its end. */
export interface ArchivedDay {
  day: string
  entries: number
  lines: number
  pools: Record<string, ArchivedPoolSums>
  /** The hash of the day's checkpoint (null for an empty day before the first entry), and the one before it. */
  checkpointHash: string | null
  previousCheckpointHash: string | null
  files: ArchiveFile[]
}

/** What `cli archive` writes next to the files: `<name>.manifest.json`. */
export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT
  name: string
  firstDay: string
  lastDay: string
  createdAt: string
  /** The sha256 of the previous archive's manifest, or null for the first: manifests chain too. */
  previousManifestSha256: string | null
  days: ArchivedDay[]
}

/**
 * An archive file or manifest that is missing, or whose bytes are not the
 * ones its manifest (or the database) recorded. Names the file.
 */
export class ArchiveIntegrityError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`archive file ${file}: ${reason}`)
    this.name = 'ArchiveIntegrityError'
  }
}

/** The archive's name for a day range: `ledger-<first>--<last>`. */
export function archiveName(firstDay: string, lastDay: string): string {
  return `ledger-${firstDay}--${lastDay}`
}

export function manifestFileName(name: string): string {
  return `${name}.manifest.json`
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** A manifest as written: stable key order, so its sha256 is the same on every read. */
export function manifestText(manifest: ArchiveManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`
}

/**
 * Reads a manifest and checks its bytes against the sha256 the database kept.
 *
 * @throws ArchiveIntegrityError naming the manifest when it is missing, altered or not a manifest.
 */
export async function readManifest(dir: string, name: string, sha256: string): Promise<ArchiveManifest> {
  const file = manifestFileName(name)
  const bytes = await readFile(join(dir, file)).catch(() => {
    throw new ArchiveIntegrityError(file, `missing from ${dir}`)
  })
  const actual = sha256Hex(bytes)
  if (actual !== sha256)
    throw new ArchiveIntegrityError(file, `sha256 is ${actual}, the database recorded ${sha256}`)
  const manifest = JSON.parse(bytes.toString('utf8')) as ArchiveManifest
  if (manifest.format !== ARCHIVE_FORMAT)
    throw new ArchiveIntegrityError(file, `not a ${ARCHIVE_FORMAT} manifest`)
  return manifest
}

/**
 * Reads one archive file, checks its size, sha256 and row count against the
 * manifest, and returns its rows (parsed JSON lines).
 *
 * @throws ArchiveIntegrityError naming the file when it is missing or differs in any of them.
 */
export async function readArchiveFile(
  dir: string,
  expected: ArchiveFile,
): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(join(dir, expected.file)).catch(() => {
    throw new ArchiveIntegrityError(expected.file, `missing from ${dir}`)
  })
  const actual = sha256Hex(bytes)
  if (actual !== expected.sha256 || bytes.length !== expected.bytes) {
    throw new ArchiveIntegrityError(
      expected.file,
      `sha256 is ${actual} (${bytes.length} bytes), the manifest says ${expected.sha256} (${expected.bytes} bytes)`,
    )
  }
  const text = gunzipSync(bytes).toString('utf8')
  const rows =
    text.length === 0
      ? []
      : text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line))
  if (rows.length !== expected.rows) {
    throw new ArchiveIntegrityError(expected.file, `${rows.length} rows, the manifest says ${expected.rows}`)
  }
  return rows
}

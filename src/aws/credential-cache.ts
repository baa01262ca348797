import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync
} from 'node:fs'
import { dirname, join } from 'node:path'
import { writePrivateFile } from '../shared/private-file.js'

/**
 * Temporary credentials kept in a file between processes, for `credential_process` callers
 * that start a fresh process for every AWS call. Only node:fs and node:crypto: the path that
 * answers from the file must cost little more than starting node, so it loads no AWS SDK.
 * Front-agnostic: give it the file, and how to get new credentials when the file has none.
 */

/** What `credential_process` prints: the AWS SDKs' and CLI's Version 1 format. */
export interface ProcessCredentials {
  Version: 1
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  /** ISO 8601. */
  Expiration: string
}

/** A session's credentials in that format. */
export function processCredentials(credentials: {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}): ProcessCredentials {
  return {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString()
  }
}

/** As stored: the credentials and when to stop handing them out. */
interface CacheEntry extends ProcessCredentials {
  RefreshAfter: string
}

/**
 * Hand out cached credentials until this long before they expire. The AWS CLI refreshes
 * credentials of a credential_process 15 minutes before expiry, the SDKs 5 minutes before; a
 * short session keeps at least three quarters of its life.
 */
export const REFRESH_BEFORE_EXPIRY_MS = 15 * 60_000

export function refreshAfter(issuedAtMs: number, expirationMs: number): number {
  const margin = Math.min(REFRESH_BEFORE_EXPIRY_MS, (expirationMs - issuedAtMs) / 4)
  return expirationMs - margin
}

const MAX_ENTRY_BYTES = 64 * 1024

/**
 * The cached credentials when the file holds fresh ones, else undefined. A file that is not
 * a regular file of this user readable by no one else is ignored: another account could have
 * planted it.
 */
export function readCachedCredentials(
  file: string,
  now = Date.now()
): ProcessCredentials | undefined {
  let text: string
  try {
    const stat = lstatSync(file)
    // On Windows a mode says nothing (files report 0666); the folder's access rules decide.
    if (!stat.isFile() || (process.platform !== 'win32' && (stat.mode & 0o077) !== 0)) {
      return undefined
    }
    if (process.getuid !== undefined && stat.uid !== process.getuid()) return undefined
    // An entry is a few kilobytes; anything larger is not one this cache wrote.
    if (stat.size > MAX_ENTRY_BYTES) return undefined
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  let entry: Partial<CacheEntry>
  try {
    entry = JSON.parse(text) as Partial<CacheEntry>
  } catch {
    return undefined
  }
  const fields = [entry.AccessKeyId, entry.SecretAccessKey, entry.SessionToken]
  if (entry.Version !== 1 || !fields.every(field => typeof field === 'string' && field !== '')) {
    return undefined
  }
  const expiration = Date.parse(String(entry.Expiration))
  const after = Date.parse(String(entry.RefreshAfter))
  if (Number.isNaN(expiration) || Number.isNaN(after) || now >= after || now >= expiration) {
    return undefined
  }
  return {
    Version: 1,
    AccessKeyId: entry.AccessKeyId!,
    SecretAccessKey: entry.SecretAccessKey!,
    SessionToken: entry.SessionToken!,
    Expiration: new Date(expiration).toISOString()
  }
}

export interface CredentialCacheOptions {
  /** The cache file; its directory is created private (0700) when missing. */
  file: string
  /** New credentials, called at most once per call and only while holding the lock. */
  refresh: () => Promise<ProcessCredentials>
  /** How long to wait for another process that is refreshing the same file. */
  lockWaitMs: number
  now?: () => number
}

/**
 * The cached credentials, or new ones stored for the next caller. A lock file around the
 * refresh makes parallel callers at expiry send one STS request: the others wait for it and
 * read what it wrote. A lock whose process is gone, or older than the wait, is taken over.
 */
export async function cachedCredentials(
  options: CredentialCacheOptions
): Promise<{ credentials: ProcessCredentials; fromCache: boolean }> {
  const now = options.now ?? Date.now
  const cached = readCachedCredentials(options.file, now())
  if (cached !== undefined) return { credentials: cached, fromCache: true }
  prepareDirectory(dirname(options.file))
  const lock = `${options.file}.lock`
  const started = now()
  for (;;) {
    if (tryLock(lock)) break
    const fresh = readCachedCredentials(options.file, now())
    if (fresh !== undefined) return { credentials: fresh, fromCache: true }
    if (lockIsStale(lock, options.lockWaitMs, now())) {
      rmSync(lock, { force: true })
      continue
    }
    if (now() - started > options.lockWaitMs) {
      throw new Error(
        `another process has been refreshing ${options.file} for over ${Math.round(options.lockWaitMs / 1000)} s; if none is running, remove ${lock}`
      )
    }
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  try {
    // Whoever held the lock before may have refreshed the file just now.
    const fresh = readCachedCredentials(options.file, now())
    if (fresh !== undefined) return { credentials: fresh, fromCache: true }
    const issuedAt = now()
    const credentials = await options.refresh()
    storeCredentials(options.file, credentials, issuedAt)
    return { credentials, fromCache: false }
  } finally {
    rmSync(lock, { force: true })
  }
}

/**
 * Keeps credentials obtained elsewhere for the next caller (the action's main step fills the
 * cache of the profile it writes with the session it has just checked). Written whole, 0600.
 */
export function storeCredentials(
  file: string,
  credentials: ProcessCredentials,
  issuedAtMs: number
): void {
  writeEntry(file, {
    ...credentials,
    RefreshAfter: new Date(
      refreshAfter(issuedAtMs, Date.parse(credentials.Expiration))
    ).toISOString()
  })
}

/**
 * The files of a profile that renews itself (refresh: true): the settings the action wrote,
 * and beside them the cache, so the launcher finds the cache from the settings path alone.
 */
export const REFRESH_SETTINGS_FILE = 'settings.json'
export const refreshCacheFile = (settingsFile: string): string =>
  join(dirname(settingsFile), 'credentials.json')

/** Creates the directory private; refuses one that another account could write to. */
function prepareDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stat = statSync(dir)
  const foreign = process.getuid !== undefined && stat.uid !== process.getuid()
  if (foreign || (process.platform !== 'win32' && (stat.mode & 0o022) !== 0)) {
    throw new Error(
      `the credential cache directory ${dir} can be written by other accounts; run chmod 700 ${dir}, or choose another cache directory`
    )
  }
}

function tryLock(lock: string): boolean {
  let fd: number
  try {
    fd = openSync(lock, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, `${process.pid}\n`)
  } finally {
    closeSync(fd)
  }
  return true
}

function lockIsStale(lock: string, maxAgeMs: number, now: number): boolean {
  try {
    const age = now - statSync(lock).mtimeMs
    // Number() skips the newline after the id, and reads an empty file as 0.
    const pid = Number(readFileSync(lock, 'utf8'))
    // Written but not yet filled in: its owner is between open and write.
    if (!Number.isInteger(pid) || pid <= 0) return age > maxAgeMs
    return age > maxAgeMs || !processExists(pid)
  } catch {
    return false
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function writeEntry(file: string, entry: CacheEntry): void {
  writePrivateFile(file, JSON.stringify(entry))
}

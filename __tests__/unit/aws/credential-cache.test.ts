import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  REFRESH_BEFORE_EXPIRY_MS,
  cachedCredentials,
  readCachedCredentials,
  refreshAfter,
  type ProcessCredentials
} from '../../../src/aws/credential-cache.js'

const T0 = Date.parse('2030-01-01T00:00:00Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE

const credentials = (id: string, expiresAt = T0 + HOUR): ProcessCredentials => ({
  Version: 1,
  AccessKeyId: `ASIA${id}`,
  SecretAccessKey: `secret-${id}`,
  SessionToken: `token-${id}`,
  Expiration: new Date(expiresAt).toISOString()
})

let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoped-role-cache-test-'))
  file = join(dir, 'cache', 'entry.json')
})
afterEach(() => {
  jest.restoreAllMocks()
  rmSync(dir, { recursive: true, force: true })
})

/** A cache file as another process would have left it. */
function writeEntry(entry: object, mode = 0o600): void {
  mkdirSync(join(dir, 'cache'), { recursive: true, mode: 0o700 })
  writeFileSync(file, JSON.stringify(entry), { mode })
  chmodSync(file, mode)
}

const entry = (id: string, refreshAt = T0 + 45 * MINUTE, expiresAt = T0 + HOUR) => ({
  ...credentials(id, expiresAt),
  RefreshAfter: new Date(refreshAt).toISOString()
})

/** A refresh that counts its calls and hands out a new session each time. */
function counter(expiresIn = HOUR, now = () => T0) {
  let calls = 0
  return {
    refresh: async () => credentials(`NEW${++calls}`, now() + expiresIn),
    calls: () => calls
  }
}

describe('refreshAfter', () => {
  it('stops handing out a session 15 minutes before it expires', () => {
    expect(refreshAfter(T0, T0 + HOUR)).toBe(T0 + HOUR - REFRESH_BEFORE_EXPIRY_MS)
    expect(refreshAfter(T0, T0 + 12 * HOUR)).toBe(T0 + 12 * HOUR - 15 * MINUTE)
  })

  it('keeps three quarters of a session shorter than an hour', () => {
    expect(refreshAfter(T0, T0 + 20 * MINUTE)).toBe(T0 + 15 * MINUTE)
    expect(refreshAfter(T0, T0 + 15 * MINUTE)).toBe(T0 + 15 * MINUTE - (15 * MINUTE) / 4)
  })
})

describe('readCachedCredentials', () => {
  it('returns the credentials of a fresh file, without the refresh time', () => {
    writeEntry(entry('A'))
    expect(readCachedCredentials(file, T0)).toEqual(credentials('A'))
  })

  it('returns nothing from the refresh time on, nor after expiry', () => {
    writeEntry(entry('A'))
    expect(readCachedCredentials(file, T0 + 45 * MINUTE - 1)).toBeDefined()
    expect(readCachedCredentials(file, T0 + 45 * MINUTE)).toBeUndefined()
    // A refresh time beyond the expiry (a file written by hand) does not outlive the session.
    writeEntry(entry('A', T0 + 2 * HOUR))
    expect(readCachedCredentials(file, T0 + HOUR)).toBeUndefined()
  })

  it('ignores a file readable or writable by others', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602]) {
      writeEntry(entry('A'), mode)
      expect(readCachedCredentials(file, T0)).toBeUndefined()
    }
    writeEntry(entry('A'), 0o400)
    expect(readCachedCredentials(file, T0)).toBeDefined()
  })

  it('ignores a symbolic link, even to a good file of this user', () => {
    writeEntry(entry('A'))
    const link = join(dir, 'cache', 'link.json')
    symlinkSync(file, link)
    expect(readCachedCredentials(link, T0)).toBeUndefined()
  })

  it('ignores a file owned by another account', () => {
    writeEntry(entry('A'))
    const owner = statSync(file).uid
    jest.spyOn(process, 'getuid').mockReturnValue(owner + 1)
    expect(readCachedCredentials(file, T0)).toBeUndefined()
  })

  it('ignores a directory, a missing file and anything that is not a whole entry', () => {
    expect(readCachedCredentials(file, T0)).toBeUndefined()
    mkdirSync(file, { recursive: true, mode: 0o700 })
    expect(readCachedCredentials(file, T0)).toBeUndefined()
    rmSync(file, { recursive: true })
    const good = entry('A')
    const broken: object[] = [
      { ...good, Version: 2 },
      { ...good, AccessKeyId: '' },
      { ...good, SecretAccessKey: 42 },
      { ...good, SessionToken: undefined },
      { ...good, Expiration: 'soon' },
      { ...good, RefreshAfter: undefined }
    ]
    for (const value of broken) {
      writeEntry(value)
      expect(readCachedCredentials(file, T0)).toBeUndefined()
    }
    writeFileSync(file, '{"Version":1,', { mode: 0o600 })
    expect(readCachedCredentials(file, T0)).toBeUndefined()
    // A whole entry padded past any size this cache writes is not read at all.
    writeFileSync(file, JSON.stringify(good) + ' '.repeat(64 * 1024), { mode: 0o600 })
    expect(readCachedCredentials(file, T0)).toBeUndefined()
  })
})

describe('cachedCredentials', () => {
  it('refreshes once, stores the answer privately, and answers later calls from the file', async () => {
    const { refresh, calls } = counter()
    const first = await cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })
    expect(first).toEqual({ credentials: credentials('NEW1'), fromCache: false })
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const second = await cachedCredentials({
      file,
      refresh,
      lockWaitMs: 1000,
      now: () => T0 + 44 * MINUTE
    })
    expect(second).toEqual({ credentials: credentials('NEW1'), fromCache: true })
    expect(calls()).toBe(1)
    expect(readdirSync(join(dir, 'cache'))).toEqual(['entry.json'])
  })

  it('stores when to refresh by the margin, and refreshes from then on', async () => {
    let now = T0
    const { refresh, calls } = counter(HOUR, () => now)
    await cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => now })
    const stored = JSON.parse(readFileSync(file, 'utf8'))
    expect(stored.RefreshAfter).toBe(new Date(T0 + 45 * MINUTE).toISOString())
    now = T0 + 45 * MINUTE
    const later = await cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => now })
    expect(later).toEqual({ credentials: credentials('NEW2', now + HOUR), fromCache: false })
    expect(calls()).toBe(2)
  })

  it('replaces the file whole: a reader holding the old one never sees it change', async () => {
    writeEntry(entry('OLD', T0 - 1))
    const before = readFileSync(file, 'utf8')
    // A second name for the old file, as a reader that opened it keeps its content.
    const held = join(dir, 'held.json')
    linkSync(file, held)
    const { refresh } = counter()
    await cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })
    expect(readFileSync(held, 'utf8')).toBe(before)
    expect(statSync(file).ino).not.toBe(statSync(held).ino)
    expect(JSON.parse(readFileSync(file, 'utf8')).AccessKeyId).toBe('ASIANEW1')
    expect(readdirSync(join(dir, 'cache'))).toEqual(['entry.json'])
  })

  it('stores nothing and releases the lock when the refresh fails', async () => {
    const refresh = async (): Promise<ProcessCredentials> => {
      throw new Error('AssumeRole failed')
    }
    await expect(
      cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })
    ).rejects.toThrow('AssumeRole failed')
    expect(readdirSync(join(dir, 'cache'))).toEqual([])
  })

  it('takes over the lock of a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid
    // Real time here: the lock is young, so only its dead owner makes it stale.
    writeEntry(entry('OLD', Date.now() - 1, Date.now() + HOUR))
    writeFileSync(`${file}.lock`, `${gone}\n`)
    const { refresh, calls } = counter()
    const result = await cachedCredentials({ file, refresh, lockWaitMs: 60_000 })
    expect(result.fromCache).toBe(false)
    expect(calls()).toBe(1)
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('takes over a lock older than the wait, even of a live process', async () => {
    mkdirSync(join(dir, 'cache'), { recursive: true, mode: 0o700 })
    writeFileSync(`${file}.lock`, `${process.pid}\n`)
    const old = new Date(Date.now() - 10 * MINUTE)
    utimesSync(`${file}.lock`, old, old)
    const { refresh, calls } = counter()
    await cachedCredentials({ file, refresh, lockWaitMs: 5 * MINUTE })
    expect(calls()).toBe(1)
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  /** Waits on a lock holding `content` while its holder stores a session 100 ms later. */
  async function waitOnLockHolder(content: string) {
    mkdirSync(join(dir, 'cache'), { recursive: true, mode: 0o700 })
    writeFileSync(`${file}.lock`, content)
    const now = Date.now()
    setTimeout(() => writeEntry(entry('OTHER', now + 45 * MINUTE, now + HOUR)), 100)
    const { refresh, calls } = counter()
    const result = await cachedCredentials({ file, refresh, lockWaitMs: 20_000 })
    expect(result).toEqual({ credentials: credentials('OTHER', now + HOUR), fromCache: true })
    expect(calls()).toBe(0)
  }

  it('waits for a live lock holder and uses what it stored', async () => {
    await waitOnLockHolder(`${process.pid}\n`)
    // Not its lock: the holder removes it.
    expect(existsSync(`${file}.lock`)).toBe(true)
  })

  it('does not take a lock still being written (no process id yet) for a dead one', async () => {
    await waitOnLockHolder('')
  })

  it('gives up after the wait when the lock stays young (another waiter took it over)', async () => {
    mkdirSync(join(dir, 'cache'), { recursive: true, mode: 0o700 })
    writeFileSync(`${file}.lock`, `${process.pid}\n`)
    const young = new Date(Date.now() + MINUTE)
    utimesSync(`${file}.lock`, young, young)
    const { refresh, calls } = counter()
    await expect(cachedCredentials({ file, refresh, lockWaitMs: 200 })).rejects.toThrow(
      `another process has been refreshing ${file} for over 0 s; if none is running, remove ${file}.lock`
    )
    expect(calls()).toBe(0)
  })

  it('refuses a cache directory that other accounts can write to', async () => {
    mkdirSync(join(dir, 'cache'))
    chmodSync(join(dir, 'cache'), 0o777)
    const { refresh, calls } = counter()
    await expect(
      cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })
    ).rejects.toThrow(
      `the credential cache directory ${join(dir, 'cache')} can be written by other accounts; run chmod 700`
    )
    expect(calls()).toBe(0)
  })
})

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
  REFRESH_SETTINGS_FILE,
  cachedCredentials,
  processCredentials,
  readCachedCredentials,
  refreshAfter,
  refreshCacheFile,
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

/** Runs `action` as on Windows, where a file's mode says nothing and there is no process.getuid. */
async function asOnWindows<T>(action: () => Promise<T>): Promise<T> {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!
  const getuid = process.getuid
  Object.defineProperty(process, 'platform', { ...platform, value: 'win32' })
  process.getuid = undefined
  try {
    return await action()
  } finally {
    Object.defineProperty(process, 'platform', platform)
    process.getuid = getuid
  }
}

describe('the files', () => {
  it("hold a session in credential_process's Version 1 format", () => {
    const session = {
      accessKeyId: 'ASIAA',
      secretAccessKey: 'secret-A',
      sessionToken: 'token-A',
      expiration: new Date(T0 + HOUR)
    }
    expect(processCredentials(session)).toEqual(credentials('A'))
  })

  it('of a profile that renews itself sit side by side: the settings and the cache', () => {
    expect(REFRESH_SETTINGS_FILE).toBe('settings.json')
    expect(refreshCacheFile('/tmp/renew/settings.json')).toBe('/tmp/renew/credentials.json')
  })
})

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

  it('reads an entry of up to 64 KiB, and not one byte more', () => {
    const text = JSON.stringify(entry('A'))
    writeEntry(entry('A'))
    writeFileSync(file, text.padEnd(64 * 1024))
    expect(readCachedCredentials(file, T0)).toEqual(credentials('A'))
    writeFileSync(file, text.padEnd(64 * 1024 + 1))
    expect(readCachedCredentials(file, T0)).toBeUndefined()
  })

  it("leaves it to the folder's access rules on Windows, where a file's mode says nothing", async () => {
    writeEntry(entry('A'), 0o644)
    await asOnWindows(async () => {
      expect(readCachedCredentials(file, T0)).toEqual(credentials('A'))
    })
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

  /**
   * Waits on a lock holding `content` while its holder stores a session 100 ms later; by default
   * in real time, or with a clock of its own and the lock's time set.
   */
  async function waitOnLockHolder(
    content: string,
    {
      lockWaitMs = 20_000,
      clock
    }: { lockWaitMs?: number; clock?: { now: number; lock: number } } = {}
  ) {
    mkdirSync(join(dir, 'cache'), { recursive: true, mode: 0o700 })
    writeFileSync(`${file}.lock`, content)
    if (clock) utimesSync(`${file}.lock`, new Date(clock.lock), new Date(clock.lock))
    const now = clock?.now ?? Date.now()
    setTimeout(() => writeEntry(entry('OTHER', now + 45 * MINUTE, now + HOUR)), 100)
    const { refresh, calls } = counter()
    const result = await cachedCredentials({
      file,
      refresh,
      lockWaitMs,
      ...(clock && { now: () => clock.now })
    })
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

  it('does not take a lock whose content is no process id for a dead one', async () => {
    await waitOnLockHolder('x\n')
  })

  it('waits for a lock holder of another account, whose process it may not signal', async () => {
    jest.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' })
    })
    await waitOnLockHolder('1\n')
  })

  it.each(['', `${process.pid}\n`])(
    'neither takes over a lock (%j) exactly as old as the wait, nor gives up once it has waited exactly that long',
    async content => {
      await waitOnLockHolder(content, { lockWaitMs: 0, clock: { now: T0, lock: T0 } })
    }
  )

  it('uses what the holder stored when it gets the lock, without asking again', async () => {
    mkdirSync(join(dir, 'cache'), { recursive: true, mode: 0o700 })
    writeFileSync(`${file}.lock`, `${process.pid}\n`)
    const now = Date.now()
    // During the waiter's first pause the holder stores and lets go, between two of its looks.
    setTimeout(() => {
      writeEntry(entry('OTHER', now + 45 * MINUTE, now + HOUR))
      rmSync(`${file}.lock`)
    }, 0)
    const { refresh, calls } = counter()
    const result = await cachedCredentials({ file, refresh, lockWaitMs: 20_000 })
    expect(result).toEqual({ credentials: credentials('OTHER', now + HOUR), fromCache: true })
    expect(calls()).toBe(0)
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('holds a private lock naming this process while it refreshes', async () => {
    let lock: { text: string; mode: number } | undefined
    const refresh = async () => {
      lock = {
        text: readFileSync(`${file}.lock`, 'utf8'),
        mode: statSync(`${file}.lock`).mode & 0o777
      }
      return credentials('NEW1')
    }
    await cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })
    expect(lock).toEqual({ text: `${process.pid}\n`, mode: 0o600 })
  })

  it('answers even when its lock was taken away during the refresh (a waiter found it stale)', async () => {
    const refresh = async () => {
      rmSync(`${file}.lock`)
      return credentials('NEW1')
    }
    expect(await cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })).toEqual({
      credentials: credentials('NEW1'),
      fromCache: false
    })
    expect(readCachedCredentials(file, T0)).toEqual(credentials('NEW1'))
  })

  it('fails, instead of waiting, when it cannot create the lock', async () => {
    // The longest name a file may have: the lock's is longer.
    file = join(dir, 'cache', `${'x'.repeat(250)}.json`)
    const { refresh, calls } = counter()
    await expect(cachedCredentials({ file, refresh, lockWaitMs: 200 })).rejects.toThrow(
      expect.objectContaining({ code: 'ENAMETOOLONG' })
    )
    expect(calls()).toBe(0)
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
      new Error(
        `the credential cache directory ${join(dir, 'cache')} can be written by other accounts; run chmod 700 ${join(dir, 'cache')}, or choose another cache directory`
      )
    )
    expect(calls()).toBe(0)
  })

  it('refuses a cache directory owned by another account', async () => {
    mkdirSync(join(dir, 'cache'), { mode: 0o700 })
    jest.spyOn(process, 'getuid').mockReturnValue(statSync(join(dir, 'cache')).uid + 1)
    const { refresh, calls } = counter()
    await expect(
      cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })
    ).rejects.toThrow(
      new Error(
        `the credential cache directory ${join(dir, 'cache')} can be written by other accounts; run chmod 700 ${join(dir, 'cache')}, or choose another cache directory`
      )
    )
    expect(calls()).toBe(0)
  })

  it("leaves it to the folder's access rules on Windows, where a directory's mode says nothing", async () => {
    mkdirSync(join(dir, 'cache'))
    chmodSync(join(dir, 'cache'), 0o777)
    const { refresh } = counter()
    await asOnWindows(async () => {
      expect(await cachedCredentials({ file, refresh, lockWaitMs: 1000, now: () => T0 })).toEqual({
        credentials: credentials('NEW1'),
        fromCache: false
      })
    })
  })
})

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  cachedAnswer,
  lookUpCache,
  processOutput,
  refreshSettingsFile
} from '../../../src/cli/cached-answer.js'
import { COMMANDS, parseArgs } from '../../../src/cli/options.js'
import { resolveRequest, type Place } from '../../../src/cli/request.js'
import {
  cachedCredentials,
  refreshCacheFile,
  type ProcessCredentials
} from '../../../src/aws/credential-cache.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const COMMAND = COMMANDS.find(command => command.name === 'credential-process')!
const SESSION: ProcessCredentials = {
  Version: 1,
  AccessKeyId: 'ASIACACHED',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 60 * 60_000).toISOString()
}

let home: string
let place: Place

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'scoped-role-answer-'))
  mkdirSync(join(home, 'work', '.git'), { recursive: true })
  place = {
    env: { XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') },
    cwd: join(home, 'work'),
    home,
    platform: 'linux'
  }
})
afterEach(() => rmSync(home, { recursive: true, force: true }))

/** Stores a session the way the command line does after asking STS for it. */
async function fill(argv: readonly string[], credentials = SESSION): Promise<string> {
  const args = parseArgs(argv, COMMAND)
  const { file } = lookUpCache(args, resolveRequest(COMMAND, args, place), place)
  await cachedCredentials({ file: file!, refresh: async () => credentials, lockWaitMs: 1000 })
  return file!
}

describe('cachedAnswer', () => {
  it('answers from the file the command line stored the same request under', async () => {
    await fill(['--role', ROLE, '--region', 'eu-west-1'])
    expect(
      cachedAnswer(['credential-process', '--region', 'eu-west-1', '--role', ROLE], place)
    ).toBe(processOutput(SESSION))
    expect(processOutput(SESSION)).toBe(`${JSON.stringify(SESSION)}\n`)
  })

  it('reads presets and policy files into the key, as the command line does', async () => {
    writeFileSync(join(home, 'work', 'policy.json'), '{"Statement":[]}')
    writeFileSync(
      join(home, 'work', '.scoped-role.ini'),
      `[preview]\nrole = ${ROLE}\npolicy-file = policy.json\n`
    )
    await fill(['preview', '--managed', 'ReadOnlyAccess'])
    const argv = ['credential-process', 'preview', '--managed', 'ReadOnlyAccess']
    expect(cachedAnswer(argv, place)).toBe(processOutput(SESSION))
    // Another policy text is another session.
    writeFileSync(join(home, 'work', 'policy.json'), '{"Statement":[{}]}')
    expect(cachedAnswer(argv, place)).toBeUndefined()
  })

  it('finds the session an MFA code unlocked with a later code', async () => {
    const mfa = ['--role', ROLE, '--mfa-serial', 'arn:aws:iam::111122223333:mfa/me']
    await fill([...mfa, '--mfa-code', '123456'])
    expect(cachedAnswer(['credential-process', ...mfa, '--mfa-code', '654321'], place)).toBe(
      processOutput(SESSION)
    )
  })

  it('leaves everything else to the command line', async () => {
    await fill(['--role', ROLE])
    const others = [
      [],
      ['exec', '--role', ROLE, '--', 'true'],
      ['env', '--role', ROLE],
      ['credential-process', '--role', ROLE, '--help'],
      ['credential-process', '--role', ROLE, '--no-cache'],
      ['credential-process', '--role', ROLE, '--', 'true'],
      ['credential-process', '--role', ROLE, '--rgion', 'eu-west-1'],
      ['credential-process', 'nopreset', '--role', ROLE],
      ['credential-process', '--role', ROLE, '--duration', '900']
    ]
    for (const argv of others) expect(cachedAnswer(argv, place)).toBeUndefined()
    expect(cachedAnswer(['credential-process', '--role', ROLE], place)).toBeDefined()
  })

  it('keeps the cache under the platform cache directory', async () => {
    const file = await fill(['--role', ROLE])
    expect(file.startsWith(join(home, 'cache', 'scoped-role', 'credential-process'))).toBe(true)
    const args = parseArgs(['--role', ROLE], COMMAND)
    const request = resolveRequest(COMMAND, args, place)
    expect(lookUpCache(args, request, { ...place, env: {} }).file).toMatch(
      new RegExp(`^${home}/\\.cache/scoped-role/credential-process/[0-9a-f]{32}\\.json$`)
    )
    expect(lookUpCache(args, request, { ...place, env: {}, platform: 'darwin' }).file).toContain(
      join(home, 'Library', 'Caches', 'scoped-role')
    )
  })
})

describe('credential-process --settings-file', () => {
  it('answers from the cache beside the settings file, and takes no other option', async () => {
    const settings = join(home, 'refresh', 'settings.json')
    mkdirSync(join(home, 'refresh'), { mode: 0o700 })
    await cachedCredentials({
      file: refreshCacheFile(settings),
      refresh: async () => SESSION,
      lockWaitMs: 1000
    })
    expect(cachedAnswer(['credential-process', '--settings-file', settings], place)).toBe(
      processOutput(SESSION)
    )
    const args = (argv: string[]) => parseArgs(argv, COMMAND)
    expect(refreshSettingsFile(args(['--settings-file', settings, '--verbose']))).toBe(settings)
    expect(() => refreshSettingsFile(args(['--settings-file', settings, '--role', ROLE]))).toThrow(
      'remove --role'
    )
    expect(() => refreshSettingsFile(args(['preset', '--settings-file', settings]))).toThrow(
      "remove 'preset'"
    )
    expect(() => refreshSettingsFile(args(['--settings-file', 'settings.json']))).toThrow(
      'absolute path'
    )
  })
})

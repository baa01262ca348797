import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { COMMANDS, UsageError, parseArgs, type Command } from '../../../src/cli/options.js'
import {
  cacheDirectory,
  cacheFile,
  currentPlace,
  rawInputs,
  resolveRequest,
  type Place,
  type SessionRequest
} from '../../../src/cli/request.js'
import { INPUT_NAMES } from '../../../src/settings/input-names.js'
import { withProcessEnv } from '../../support/cli-process.js'

const command = (name: Command['name']): Command => COMMANDS.find(c => c.name === name)!
const EXEC = command('exec')
const ROLE = 'arn:aws:iam::111122223333:role/deploy'

let root: string
let place: Place

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'scoped-role-request-'))
  mkdirSync(join(root, 'repo', '.git'), { recursive: true })
  mkdirSync(join(root, 'repo', 'infra'))
  place = {
    env: { XDG_CONFIG_HOME: join(root, 'config'), XDG_CACHE_HOME: join(root, 'cache') },
    cwd: join(root, 'repo', 'infra'),
    home: join(root, 'home'),
    platform: 'linux'
  }
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const resolve = (argv: readonly string[], of: Command = EXEC) =>
  resolveRequest(of, parseArgs(argv, of), place)

function refusal(argv: readonly string[], of: Command = EXEC): UsageError {
  try {
    resolve(argv, of)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return error as UsageError
  }
  throw new Error('accepted')
}

describe('currentPlace', () => {
  it('is a copy of the environment as inherited, the working directory, home and platform', async () => {
    const now = await withProcessEnv({ HOME: '/home/someone', SCOPED_ROLE_X: '1' }, async () =>
      currentPlace()
    )
    expect(now).toEqual({
      env: expect.objectContaining({ HOME: '/home/someone', SCOPED_ROLE_X: '1' }),
      cwd: process.cwd(),
      home: '/home/someone',
      platform: process.platform
    })
    expect(now.env).not.toBe(process.env)
    expect(process.env.SCOPED_ROLE_X).toBeUndefined()
    expect(now.env.SCOPED_ROLE_X).toBe('1')
  })

  it("takes the account's home directory when HOME is empty", async () => {
    const now = await withProcessEnv({ HOME: '' }, async () => currentPlace())
    expect(now.home).toBe(homedir())
  })
})

describe('resolveRequest', () => {
  it('turns the options given into the raw inputs, and only those', () => {
    expect(
      resolve([
        '--role',
        ROLE,
        '--managed',
        'ReadOnlyAccess',
        '--managed',
        'AmazonS3ReadOnlyAccess',
        '--verify',
        '--profile',
        'source'
      ])
    ).toEqual({
      inputs: {
        'role-to-assume': ROLE,
        'managed-session-policies': 'ReadOnlyAccess\nAmazonS3ReadOnlyAccess',
        'verify-credentials': 'true'
      },
      profile: 'source',
      preset: undefined
    })
  })

  it('reads a relative policy file from the working directory, an absolute one as it is', () => {
    expect(resolve(['--policy-file', 'p.json']).inputs['inline-session-policy-file']).toBe(
      join(place.cwd, 'p.json')
    )
    expect(resolve(['--policy-file', '/etc/p.json']).inputs['inline-session-policy-file']).toBe(
      '/etc/p.json'
    )
    // Empty is the action's "not given", left for its checks to say so.
    expect(resolve(['--policy-file=']).inputs['inline-session-policy-file']).toBe('')
  })

  it('refuses a second positional argument, saying where the command goes for exec', () => {
    const error = refusal(['preview', 'terraform'])
    expect(error.message).toBe("unexpected 'terraform'; put -- before the command to run.")
    expect(error.command).toBe('exec')
    const other = refusal(['preview', 'extra', 'more'], command('env'))
    expect(other.message).toBe("unexpected 'extra'.")
    expect(other.command).toBe('env')
  })

  describe('with a preset', () => {
    beforeEach(() => {
      writeFileSync(
        join(root, 'repo', '.scoped-role.ini'),
        [
          '[preview]',
          `role = ${ROLE}`,
          'policy-file = policies/preview.json',
          'managed = ReadOnlyAccess, AmazonS3ReadOnlyAccess',
          'duration = 900',
          'profile = shared',
          ''
        ].join('\n')
      )
    })

    it('takes its values, reading its paths from its own directory', () => {
      expect(resolve(['preview'])).toEqual({
        inputs: {
          'role-to-assume': ROLE,
          'inline-session-policy-file': join(root, 'repo', 'policies', 'preview.json'),
          'managed-session-policies': 'ReadOnlyAccess\nAmazonS3ReadOnlyAccess',
          'role-duration-seconds': '900'
        },
        profile: 'shared',
        preset: 'preview'
      })
    })

    it('lets each option given override it, paths then read from the working directory', () => {
      expect(
        resolve(['preview', '--duration', '1800', '--policy-file', 'mine.json', '--managed', 'X'])
      ).toEqual({
        inputs: {
          'role-to-assume': ROLE,
          'inline-session-policy-file': join(place.cwd, 'mine.json'),
          'managed-session-policies': 'X',
          'role-duration-seconds': '1800'
        },
        profile: 'shared',
        preset: 'preview'
      })
    })

    it('reads only the file --config names, relative to the working directory', () => {
      writeFileSync(join(place.cwd, 'mine.ini'), '[preview]\nregion = eu-north-1\n')
      expect(resolve(['preview', '--config', 'mine.ini'])).toEqual({
        inputs: { 'aws-region': 'eu-north-1' },
        preset: 'preview'
      })
    })

    it('says so when the file --config names is not there', () => {
      expect(refusal(['preview', '--config', 'none.ini']).message).toBe(
        `--config: cannot read '${join(place.cwd, 'none.ini')}'.`
      )
    })

    it("ignores --config without a preset's name", () => {
      expect(resolve(['--config', 'none.ini', '--role', ROLE])).toEqual({
        inputs: { 'role-to-assume': ROLE },
        preset: undefined
      })
    })

    it('takes a missing user file as empty', () => {
      expect(resolve(['preview']).preset).toBe('preview')
    })
  })

  it.each([
    ['a directory', (path: string) => mkdirSync(path), 'is a directory, not a regular file'],
    [
      'larger than any preset file',
      (path: string) => writeFileSync(path, '#'.repeat(256 * 1024 + 1)),
      `is ${256 * 1024 + 1} bytes; at most ${256 * 1024} are read`
    ]
  ])('refuses a preset file that is %s', (_, make, reason) => {
    const path = join(root, 'repo', '.scoped-role.ini')
    make(path)
    const error = refusal(['preview'])
    expect(error.message).toBe(`cannot read the preset file ${path}: it ${reason}.`)
  })

  it('reads a preset file of the largest size', () => {
    const path = join(root, 'repo', '.scoped-role.ini')
    const head = `[preview]\nrole = ${ROLE}\n`
    writeFileSync(path, head + '#'.repeat(256 * 1024 - head.length))
    expect(resolve(['preview']).inputs['role-to-assume']).toBe(ROLE)
  })
})

describe('rawInputs', () => {
  it('gives every input, empty unless the request has it', () => {
    const raw = rawInputs({ inputs: { 'role-to-assume': ROLE, 'aws-region': '' } }, INPUT_NAMES)
    expect(Object.keys(raw)).toEqual([...INPUT_NAMES])
    expect(raw['role-to-assume']).toBe(ROLE)
    expect(Object.entries(raw).filter(([, value]) => value !== '')).toEqual([
      ['role-to-assume', ROLE]
    ])
  })
})

describe('cacheFile', () => {
  const base: SessionRequest = { inputs: { 'role-to-assume': ROLE, 'aws-region': 'eu-west-1' } }

  it('is a hash of the request under the cache directory', () => {
    expect(cacheFile(base, place)).toMatch(
      new RegExp(
        `^${join(root, 'cache', 'scoped-role', 'credential-process')}/[0-9a-f]{32}\\.json$`
      )
    )
    expect(cacheFile(base, place)).toBe(cacheFile({ inputs: { ...base.inputs } }, place))
  })

  it('does not depend on the order of the options', () => {
    const reversed: SessionRequest = {
      inputs: { 'aws-region': 'eu-west-1', 'role-to-assume': ROLE }
    }
    expect(cacheFile(reversed, place)).toBe(cacheFile(base, place))
    const three = { 'aws-region': 'x', 'role-to-assume': ROLE, 'mfa-serial-number': 'm' }
    expect(cacheFile({ inputs: three }, place)).toBe(
      cacheFile(
        { inputs: { 'mfa-serial-number': 'm', 'role-to-assume': ROLE, 'aws-region': 'x' } },
        place
      )
    )
  })

  it('changes with an option, the profile, or the policy file', () => {
    const files = new Set([
      cacheFile(base, place),
      cacheFile({ inputs: { ...base.inputs, 'role-duration-seconds': '900' } }, place),
      cacheFile({ ...base, profile: 'other' }, place)
    ])
    expect(files.size).toBe(3)
  })

  it("changes with the policy file's text, and takes a missing one as none", () => {
    const policy = join(root, 'policy.json')
    const request = { inputs: { ...base.inputs, 'inline-session-policy-file': policy } }
    const missing = cacheFile(request, place)
    writeFileSync(policy, '{"Statement":[]}')
    const first = cacheFile(request, place)
    writeFileSync(policy, '{"Statement":[{}]}')
    const second = cacheFile(request, place)
    expect(new Set([missing, first, second]).size).toBe(3)
  })

  it('does not change with the MFA code, which changes every 30 seconds', () => {
    expect(cacheFile({ inputs: { ...base.inputs, 'mfa-token-code': '123456' } }, place)).toBe(
      cacheFile(base, place)
    )
  })

  it.each([
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_ROLE_ARN',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL_STS',
    'AWS_ENDPOINT_URL',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE'
  ])('changes with %s, which picks the source or the session', name => {
    const other = { ...place, env: { ...place.env, [name]: 'x' } }
    expect(cacheFile(base, other)).not.toBe(cacheFile(base, place))
    // An empty value is a value: it is not the variable unset.
    const empty = { ...place, env: { ...place.env, [name]: '' } }
    expect(cacheFile(base, empty)).not.toBe(cacheFile(base, place))
  })

  it('does not change with other variables, or with the secret key', () => {
    const other = {
      ...place,
      env: { ...place.env, AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 't', TERM: 'x' }
    }
    expect(cacheFile(base, other)).toBe(cacheFile(base, place))
  })
})

describe('cacheDirectory', () => {
  const at = (platform: NodeJS.Platform, env: Record<string, string> = {}) =>
    cacheDirectory({ env, cwd: '/work', home: '/home/me', platform })

  it.each([
    ['linux', {}, '/home/me/.cache/scoped-role'],
    ['linux', { XDG_CACHE_HOME: '/xdg' }, '/xdg/scoped-role'],
    ['linux', { XDG_CACHE_HOME: '', LOCALAPPDATA: '/l' }, '/home/me/.cache/scoped-role'],
    ['darwin', {}, '/home/me/Library/Caches/scoped-role'],
    ['darwin', { XDG_CACHE_HOME: '/xdg' }, '/xdg/scoped-role'],
    ['win32', {}, '/home/me/AppData/Local/scoped-role/Cache'],
    ['win32', { LOCALAPPDATA: '/local', XDG_CACHE_HOME: '/xdg' }, '/local/scoped-role/Cache']
  ] as const)('on %s with %j is %s', (platform, env, expected) => {
    expect(at(platform, env)).toBe(expected)
  })
})

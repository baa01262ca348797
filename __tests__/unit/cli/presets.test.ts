import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UsageError } from '../../../src/cli/options.js'
import {
  REPOSITORY_FILE,
  findPreset,
  parsePresetFile,
  presetDirectory,
  presetSources,
  type PresetSource
} from '../../../src/cli/presets.js'

const REPO: PresetSource = { path: '/repo/.scoped-role.ini', origin: 'repository' }
const USER: PresetSource = { path: '/home/me/.config/scoped-role/config.ini', origin: 'user' }

const values = (text: string, name: string, source = USER) =>
  Object.fromEntries(parsePresetFile(text, source).get(name)!.values)

function refusal(text: string, source = REPO): string {
  try {
    parsePresetFile(text, source)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('parsePresetFile', () => {
  it('reads sections of keys spelt like the options, lists split on commas, switches as true/false', () => {
    const text = [
      '\uFEFF# shared presets',
      '[preview]',
      'role = arn:aws:iam::123456789012:role/deploy',
      'managed = ReadOnlyAccess, arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess,',
      'require-session-policy = TRUE',
      '; a comment line',
      '[other.name_2]',
      'region=eu-west-1   # trailing comment',
      'policy = {"Statement":[{"Sid":"a#b;c"}]}'
    ].join('\r\n')
    expect(values(text, 'preview')).toEqual({
      role: 'arn:aws:iam::123456789012:role/deploy',
      managed: ['ReadOnlyAccess', 'arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess'],
      'require-session-policy': 'true'
    })
    // '#' and ';' start a comment only at the start or after a space: a policy keeps its own.
    expect(values(text, 'other.name_2')).toEqual({
      region: 'eu-west-1',
      policy: '{"Statement":[{"Sid":"a#b;c"}]}'
    })
    expect(parsePresetFile(text, USER).get('preview')!.source).toBe(USER)
  })

  it('drops a byte-order mark at the start only', () => {
    expect(values('[a]\nexternal-id = x\uFEFFy\n', 'a')).toEqual({ 'external-id': 'x\uFEFFy' })
  })

  it('refuses what is not a preset file, naming the file, the line and the fix', () => {
    expect(refusal('[a]\n[a]\n')).toBe(
      '/repo/.scoped-role.ini:2: preset [a] is defined twice; merge the two.'
    )
    expect(refusal('[two words]\n')).toContain(":1: '[two words]' is not a preset header")
    expect(refusal('[a]\nrole\n')).toBe("/repo/.scoped-role.ini:2: 'role' is not key = value.")
    expect(refusal('role = x\n')).toBe(
      "/repo/.scoped-role.ini:1: 'role' comes before any [preset] header; add one."
    )
    expect(refusal('[a]\nrole = x\nrole = y\n')).toBe(
      "/repo/.scoped-role.ini:3: 'role' is set twice in [a]; keep one."
    )
    expect(refusal('[a]\nverify = yes\n')).toBe(
      "/repo/.scoped-role.ini:2: 'verify' is 'yes'; write true or false."
    )
    for (const value of ['truely', 'nottrue', 'False!', 'true false']) {
      expect(refusal(`[a]\nverify = ${value}\n`)).toBe(
        `/repo/.scoped-role.ini:2: 'verify' is '${value}'; write true or false.`
      )
    }
  })

  it('refuses unknown keys with the nearest one, and options of one run such as format', () => {
    expect(refusal('[a]\nmanged = ReadOnlyAccess\n')).toContain(
      "'manged' is not a preset key; did you mean 'managed'?"
    )
    expect(refusal('[a]\nformat = json\n')).toContain("'format' is not a preset key.")
  })

  it("lets only the user's own file say where signed requests go", () => {
    for (const key of ['endpoint', 'proxy']) {
      expect(refusal(`[a]\n${key} = http://127.0.0.1:1\n`)).toContain(
        `'${key}' may not be set in a repository's ${REPOSITORY_FILE}`
      )
      expect(values(`[a]\n${key} = http://127.0.0.1:1\n`, 'a')).toEqual({
        [key]: 'http://127.0.0.1:1'
      })
    }
  })
})

describe('presetSources', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'scoped-role-presets-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it("looks in the user's config directory, then the nearest repository file above the working directory", () => {
    const work = join(root, 'repo', 'infra', 'deep')
    mkdirSync(work, { recursive: true })
    writeFileSync(join(root, 'repo', REPOSITORY_FILE), '')
    writeFileSync(join(root, REPOSITORY_FILE), '')
    expect(presetSources({ XDG_CONFIG_HOME: '/xdg' }, work, '/home/me', 'linux')).toEqual([
      { path: '/xdg/scoped-role/config.ini', origin: 'user' },
      { path: join(root, 'repo', REPOSITORY_FILE), origin: 'repository' }
    ])
    expect(presetSources({}, work, '/home/me', 'linux')[0].path).toBe(
      '/home/me/.config/scoped-role/config.ini'
    )
    expect(presetSources({ APPDATA: 'C:\\AppData' }, work, '/home/me', 'win32')[0].path).toBe(
      join('C:\\AppData', 'scoped-role', 'config.ini')
    )
    expect(presetSources({}, work, '/home/me', 'win32')[0].path).toBe(
      join('/home/me', 'AppData', 'Roaming', 'scoped-role', 'config.ini')
    )
  })

  it('stops at the root of the file system outside any repository', () => {
    const work = join(root, 'loose', 'dir')
    mkdirSync(work, { recursive: true })
    expect(presetSources({}, work, '/home/me', 'linux')).toEqual([
      { path: '/home/me/.config/scoped-role/config.ini', origin: 'user' }
    ])
  })

  it("stops at the repository's root, and reads only the file --config names", () => {
    const work = join(root, 'repo', 'infra')
    mkdirSync(work, { recursive: true })
    mkdirSync(join(root, 'repo', '.git'))
    writeFileSync(join(root, REPOSITORY_FILE), '')
    expect(presetSources({}, work, '/home/me', 'linux')).toHaveLength(1)
    expect(presetSources({}, work, '/home/me', 'linux', '/etc/presets.ini')).toEqual([
      { path: '/etc/presets.ini', origin: 'option' }
    ])
  })
})

describe('findPreset', () => {
  const files: Record<string, string> = {
    [USER.path]: '[preview]\nrole = mine\n',
    [REPO.path]: '[preview]\nrole = theirs\n[deploy]\nrole = deploy\n'
  }
  const read = (path: string) => files[path]

  it('takes the preset from the most trusted file that has it', () => {
    expect(findPreset('preview', [USER, REPO], read).values.get('role')).toBe('mine')
    const deploy = findPreset('deploy', [USER, REPO], read)
    expect(deploy.source).toBe(REPO)
    expect(presetDirectory(deploy)).toBe('/repo')
  })

  it('names the files looked in, and the nearest name or the names there are', () => {
    expect(() => findPreset('deplyo', [USER, REPO], read)).toThrow(
      `no preset named 'deplyo' (looked in ${USER.path}, ${REPO.path}); did you mean 'deploy'?`
    )
    expect(() => findPreset('production', [USER, REPO], read)).toThrow(
      '; the presets are preview, deploy.'
    )
    expect(() => findPreset('x', [USER], () => undefined)).toThrow(
      '; add a [x] section to one of those files, or put -- before the command.'
    )
  })

  it('fails when the file --config names cannot be read, and skips missing default files', () => {
    expect(() =>
      findPreset('preview', [{ path: '/nope.ini', origin: 'option' }], () => undefined)
    ).toThrow("--config: cannot read '/nope.ini'.")
    const missingUser = { ...USER, path: '/missing.ini' }
    expect(findPreset('deploy', [missingUser, REPO], read).values.get('role')).toBe('deploy')
  })
})

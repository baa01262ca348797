import { describe, expect, it, jest } from '@jest/globals'
import * as realFs from 'node:fs'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import * as realPath from 'node:path'
import { join, win32 } from 'node:path'
import { ActionError, InputError } from '../../../src/shared/errors.js'
import {
  hasSection,
  profileFiles,
  removeProfile,
  accessKeyDigest,
  checkProfileWritable,
  readIfPresent,
  removeSection,
  sectionName,
  sectionValue,
  upsertSection,
  windowsExposure,
  writePrivate,
  writeProfile
} from '../../../src/aws/profiles.js'
import { assumeSettingsOf } from '../../support/inputs.js'

const EXISTING = `# team profiles
[default]
aws_access_key_id = AKIAOLD
region = eu-west-1

[plan]
aws_access_key_id = AKIAPLAN
`

const credentials = { accessKeyId: 'ASIANEW', secretAccessKey: 'secret', sessionToken: 'token' }

/** What `action` throws, checked for its class by name (a module loaded afresh has its own). */
function thrown(action: () => unknown, type: typeof InputError | typeof ActionError): Error {
  try {
    action()
  } catch (error) {
    expect((error as Error).name).toBe(type.name)
    return error as Error
  }
  throw new Error('nothing thrown')
}

describe('INI sections', () => {
  it('names config sections "profile NAME", except default', () => {
    expect(sectionName('config', 'plan')).toBe('profile plan')
    expect(sectionName('config', 'default')).toBe('default')
    expect(sectionName('credentials', 'plan')).toBe('plan')
  })

  it('adds a section and keeps the others as they were', () => {
    const text = upsertSection(EXISTING, 'apply', { aws_access_key_id: 'ASIA1' })
    expect(text).toBe(`${EXISTING.trimEnd()}\n\n[apply]\naws_access_key_id = ASIA1\n`)
    expect(hasSection(text, 'plan')).toBe(true)
  })

  it('replaces a section in place of the old one, and removes exactly one', () => {
    const replaced = upsertSection(EXISTING, 'plan', { aws_access_key_id: 'ASIA2' })
    expect(replaced.match(/\[plan\]/g)).toHaveLength(1)
    expect(replaced).toContain('aws_access_key_id = ASIA2')
    expect(replaced).not.toContain('AKIAPLAN')
    const removed = removeSection(EXISTING, 'plan')
    expect(removed).not.toContain('[plan]')
    expect(removed).toContain('[default]\naws_access_key_id = AKIAOLD')
  })

  // The SDKs and botocore take these as headers; missing one would swallow the next section.
  it('recognises headers followed by a comment', () => {
    expect(removeSection('[ci]\nk = v\n[other] ; note\nk2 = v2\n', 'ci')).toBe(
      '[other] ; note\nk2 = v2\n'
    )
    expect(removeSection('[a]\nk = a\n[ci] # ours\nk = v\n[b]#x\nk = b\n', 'ci')).toBe(
      '[a]\nk = a\n[b]#x\nk = b\n'
    )
    expect(hasSection('[default]\n[plan] # staging\n', 'plan')).toBe(true)
    expect(hasSection('  [profile x] ; note\r\n', 'profile x')).toBe(true)
    expect(hasSection('[plan] staging\n', 'plan')).toBe(false)
    const upserted = upsertSection('[plan] # staging\nk = old\n', 'plan', { k: 'new' })
    expect(upserted).toBe('[plan]\nk = new\n')
  })

  it('keeps the comments above the next header, which describe that section', () => {
    const text =
      '[a]\nk = a\n\n[ci]\nk = v\n# in ci\nk2 = v\n\n# prod: acct 1111\n; owner ops\n[prod]\nk = p\n'
    expect(removeSection(text, 'ci')).toBe(
      '[a]\nk = a\n\n# prod: acct 1111\n; owner ops\n[prod]\nk = p\n'
    )
    expect(removeSection('[ci]\nk = v\n\n# prod\n[prod]\n', 'ci')).toBe('# prod\n[prod]\n')
  })

  it('takes out only the lines it wrote, leaving the spacing elsewhere alone', () => {
    const text = '# a\n\n\n[a]\nk = a\n'
    const written = upsertSection(text, 'ci', { k: 'v' })
    const twice = upsertSection(written, 'cd', { k: 'w' })
    expect(removeSection(removeSection(twice, 'ci'), 'cd')).toBe(text)
    expect(removeSection('[a]\nk = a\n[ci]\nk = v\n', 'ci')).toBe('[a]\nk = a\n')
  })

  it('reads a name with spaces inside the brackets as the name alone', () => {
    expect(hasSection('[ plan ]\n', 'plan')).toBe(true)
    expect(removeSection('[a]\nk = a\n[ ci ]\nk = v\n', 'ci')).toBe('[a]\nk = a\n')
    expect(sectionValue('[ ci ]\nk = v\n', 'ci', 'k')).toBe('v')
  })

  it('takes a header only at the start of a line', () => {
    expect(hasSection('k = [plan]\n', 'plan')).toBe(false)
    expect(removeSection('[a]\nk = [ci]\n', 'ci')).toBe('[a]\nk = [ci]\n')
  })

  it('keeps what comes before the first header: blank lines and keys of no section', () => {
    const text = '\nk = 0\n\n[a]\nk = a\n'
    expect(removeSection(text, 'b')).toBe(text)
    expect(removeSection(`${text}[b]\nk = b\n`, 'b')).toBe(text)
  })

  it('removes every section of the name, an empty one too, with the comments inside them', () => {
    expect(removeSection('[a]\n[ci]\n[b]\n', 'ci')).toBe('[a]\n[b]\n')
    expect(removeSection('[a]\nk = a\n[ci]\nk = 1\n# again\n[ci]\nk = 2\n[b]\nk = b\n', 'ci')).toBe(
      '[a]\nk = a\n[b]\nk = b\n'
    )
  })

  it('keeps the blank line above the next section when no blank line comes before it', () => {
    expect(removeSection('[a]\nk = a\n[ci]\nk = v\n\n# b\n[b]\n', 'ci')).toBe(
      '[a]\nk = a\n\n# b\n[b]\n'
    )
  })

  it('holds back comments, indented ones too, but not keys written without spaces', () => {
    expect(removeSection('[ci]\nk=v\n  # b\n[b]\n', 'ci')).toBe('  # b\n[b]\n')
  })

  it('counts a CRLF blank line as blank where the sections meet', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n')
    expect(removeSection(crlf('[a]\nk = a\n\n[ci]\nk = v\n\n# b\n[b]\n'), 'ci')).toBe(
      crlf('[a]\nk = a\n\n# b\n[b]\n')
    )
  })

  it('adds no final newline to a file that had none', () => {
    expect(removeSection('[a]\nk = a', 'ci')).toBe('[a]\nk = a')
    expect(removeSection('[a]\nk = a\n[ci]\nk = v', 'ci')).toBe('[a]\nk = a')
  })

  it('leaves one blank line above a new section, whatever space the file ended with', () => {
    expect(upsertSection('[a]\nk = a\n\n\n', 'ci', { k: 'v' })).toBe('[a]\nk = a\n\n[ci]\nk = v\n')
  })

  it('reads a key of the named section only, as the SDKs read it', () => {
    const text = 'k = top\n[a]\n# k = commented\n; note\nk = a  \n[b]\nk=x=y\n'
    expect(sectionValue(text, 'a', 'k')).toBe('a')
    expect(sectionValue(text, 'b', 'k')).toBe('x=y')
    expect(sectionValue(text, 'c', 'k')).toBeUndefined()
    expect(sectionValue(text, 'a', 'other')).toBeUndefined()
  })
})

describe('profile files', () => {
  function files() {
    const dir = mkdtempSync(join(tmpdir(), 'scoped-role-profiles-'))
    return { dir, ...profileFiles({ HOME: dir }) }
  }

  it('uses ~/.aws by default, and the variables when set', () => {
    expect(profileFiles({ HOME: '/home/runner' })).toEqual({
      credentials: '/home/runner/.aws/credentials',
      config: '/home/runner/.aws/config',
      custom: false
    })
    expect(
      profileFiles({ HOME: '/h', AWS_SHARED_CREDENTIALS_FILE: '/x/c', AWS_CONFIG_FILE: '/x/k' })
        .custom
    ).toBe(true)
  })

  it('names the files for later steps when either variable is set', () => {
    expect(profileFiles({ HOME: '/h', AWS_CONFIG_FILE: '/x/k' })).toEqual({
      credentials: '/h/.aws/credentials',
      config: '/x/k',
      custom: true
    })
    expect(profileFiles({ HOME: '/h', AWS_SHARED_CREDENTIALS_FILE: '/x/c' })).toEqual({
      credentials: '/x/c',
      config: '/h/.aws/config',
      custom: true
    })
  })

  it('says in full which variable is relative or shared, and what to write', () => {
    const relative = (env: Record<string, string>) =>
      thrown(() => profileFiles({ HOME: '/h', ...env }), InputError).message
    expect(relative({ AWS_SHARED_CREDENTIALS_FILE: 'aws/credentials' })).toBe(
      "aws-profile: AWS_SHARED_CREDENTIALS_FILE is the relative path 'aws/credentials'; the profile would be written relative to the current directory (the workspace). Set AWS_SHARED_CREDENTIALS_FILE to an absolute path outside the workspace, e.g. ${{ runner.temp }}/aws/credentials."
    )
    expect(relative({ AWS_CONFIG_FILE: 'settings/aws-config' })).toBe(
      "aws-profile: AWS_CONFIG_FILE is the relative path 'settings/aws-config'; the profile would be written relative to the current directory (the workspace). Set AWS_CONFIG_FILE to an absolute path outside the workspace, e.g. ${{ runner.temp }}/aws/aws-config."
    )
    expect(relative({ AWS_SHARED_CREDENTIALS_FILE: '/x/aws', AWS_CONFIG_FILE: '/x/./aws' })).toBe(
      'aws-profile: AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE both name /x/aws; writing the config would replace the credentials. Point them at two different files, e.g. .../aws/credentials and .../aws/config.'
    )
  })

  it('refuses relative paths and one file for both, saying what to write', () => {
    expect(() =>
      profileFiles({ HOME: '/h', AWS_SHARED_CREDENTIALS_FILE: 'aws/credentials' })
    ).toThrow("AWS_SHARED_CREDENTIALS_FILE is the relative path 'aws/credentials'")
    expect(() =>
      profileFiles({
        HOME: '/h',
        AWS_SHARED_CREDENTIALS_FILE: '/x/aws',
        AWS_CONFIG_FILE: '/x/./aws'
      })
    ).toThrow('AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE both name /x/aws')
  })

  it('writes 0600 files in a 0700 directory, keeping other profiles', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'), { mode: 0o755 })
    writeFileSync(f.credentials, EXISTING)
    writeProfile({ profile: 'apply', files: f, credentials, region: 'eu-west-2', overwrite: false })
    expect(statSync(f.credentials).mode & 0o777).toBe(0o600)
    expect(statSync(f.config).mode & 0o777).toBe(0o600)
    expect(statSync(join(f.dir, '.aws')).mode & 0o777).toBe(0o700)
    const text = readFileSync(f.credentials, 'utf8')
    expect(text).toContain('[plan]')
    expect(text).toContain(
      '[apply]\naws_access_key_id = ASIANEW\naws_secret_access_key = secret\naws_session_token = token'
    )
    expect(readFileSync(f.config, 'utf8')).toBe('[profile apply]\nregion = eu-west-2\n')
  })

  it('refuses to replace a profile unless asked', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'))
    writeFileSync(f.credentials, EXISTING)
    expect(() =>
      writeProfile({ profile: 'plan', files: f, credentials, region: 'x', overwrite: false })
    ).toThrow(InputError)
    writeProfile({ profile: 'plan', files: f, credentials, region: 'x', overwrite: true })
    expect(readFileSync(f.credentials, 'utf8')).toContain('aws_access_key_id = ASIANEW')
  })

  it('writes no session token for long-term keys', () => {
    const f = files()
    const keys = { accessKeyId: 'AKIALONGTERM', secretAccessKey: 'secret' }
    writeProfile({ profile: 'k', files: f, credentials: keys, region: 'x', overwrite: false })
    expect(readFileSync(f.credentials, 'utf8')).toBe(
      '[k]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = secret\n'
    )
  })

  it('says in full which profile exists where, and how to replace it', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'))
    writeFileSync(f.credentials, EXISTING)
    expect(thrown(() => checkProfileWritable('plan', f, false), InputError).message).toBe(
      `aws-profile: a profile named 'plan' already exists in ${f.credentials} or ${f.config}. Choose another name, or set overwrite-aws-profile: true to replace it.`
    )
  })

  it('refuses to write through a symlink', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'))
    writeFileSync(join(f.dir, 'elsewhere'), '')
    symlinkSync(join(f.dir, 'elsewhere'), f.credentials)
    const error = thrown(
      () => writeProfile({ profile: 'p', files: f, credentials, region: 'x', overwrite: false }),
      ActionError
    )
    expect(error).toEqual(
      new ActionError(
        `${f.credentials} is a symbolic link; credentials are not written through links. Point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE at a regular file.`,
        'Profile file is a symlink'
      )
    )
    expect((error as ActionError).title).toBe('Profile file is a symlink')
    expect(readFileSync(join(f.dir, 'elsewhere'), 'utf8')).toBe('')
  })

  it('refuses a profile that exists under a commented header', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'))
    writeFileSync(f.credentials, '[plan] # staging\naws_access_key_id = AKIAKEEP\n')
    expect(() =>
      writeProfile({ profile: 'plan', files: f, credentials, region: 'x', overwrite: false })
    ).toThrow(InputError)
    writeFileSync(f.credentials, '')
    writeFileSync(f.config, '[profile plan] ; staging\nregion = x\n')
    expect(() =>
      writeProfile({ profile: 'plan', files: f, credentials, region: 'x', overwrite: false })
    ).toThrow(InputError)
  })

  it('refuses a ~/.aws folder that is a symlink, before and when writing', () => {
    const f = files()
    mkdirSync(join(f.dir, 'elsewhere'))
    symlinkSync(join(f.dir, 'elsewhere'), join(f.dir, '.aws'))
    expect(() => checkProfileWritable('p', f, false)).toThrow(
      `${join(f.dir, '.aws')} is a symbolic link`
    )
    expect(() =>
      writeProfile({ profile: 'p', files: f, credentials, region: 'x', overwrite: false })
    ).toThrow(ActionError)
    expect(readdirSync(join(f.dir, 'elsewhere'))).toEqual([])
  })

  it('removes exactly the profile it wrote', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'))
    writeFileSync(f.credentials, EXISTING)
    writeProfile({ profile: 'apply', files: f, credentials, region: 'x', overwrite: false })
    expect(removeProfile('apply', f, accessKeyDigest(credentials.accessKeyId))).toBe(true)
    expect(readFileSync(f.credentials, 'utf8').trimEnd()).toBe(EXISTING.trimEnd())
    expect(readFileSync(f.config, 'utf8').trim()).toBe('')
  })

  it('keeps the digest of the key id, not the key id', () => {
    expect(accessKeyDigest('ASIANEW')).toBe(
      'db285391dc9049de897baa6852c75ed9c8f954d343297f5f0dded22f61e7d28f'
    )
  })

  it('removes nothing, and creates no file, where it wrote no profile', () => {
    const f = files()
    expect(removeProfile('apply', f, accessKeyDigest('ASIANEW'))).toBe(false)
    mkdirSync(join(f.dir, '.aws'))
    // Written by hand: only the credentials file has the profile.
    writeFileSync(f.credentials, '[apply]\naws_access_key_id = ASIANEW\n')
    expect(removeProfile('apply', f, accessKeyDigest('ASIANEW'))).toBe(true)
    expect(readFileSync(f.credentials, 'utf8')).toBe('')
    expect(existsSync(f.config)).toBe(false)
  })

  it('reads a missing file as empty, and fails on one it cannot read', () => {
    const f = files()
    expect(readIfPresent(f.credentials)).toBe('')
    mkdirSync(f.credentials, { recursive: true })
    expect(() => readIfPresent(f.credentials)).toThrow(expect.objectContaining({ code: 'EISDIR' }))
  })

  it('creates missing folders 0700, whatever the umask, and leaves a folder it did not create alone', () => {
    const f = files()
    writePrivate(join(f.dir, 'a', 'b', 'credentials'), 'x')
    expect(statSync(join(f.dir, 'a', 'b')).mode & 0o777).toBe(0o700)
    expect(readFileSync(join(f.dir, 'a', 'b', 'credentials'), 'utf8')).toBe('x')
    const umask = process.umask(0o277)
    try {
      writePrivate(join(f.dir, 'new', 'credentials'), 'y')
    } finally {
      process.umask(umask)
    }
    expect(statSync(join(f.dir, 'new')).mode & 0o777).toBe(0o700)
    mkdirSync(join(f.dir, 'shared'), { mode: 0o755 })
    writePrivate(join(f.dir, 'shared', 'credentials'), 'z')
    expect(statSync(join(f.dir, 'shared')).mode & 0o777).toBe(0o755)
  })

  it('leaves a profile of the same name that holds other credentials', () => {
    const f = files()
    writeProfile({ profile: 'apply', files: f, credentials, region: 'x', overwrite: false })
    const before = readFileSync(f.credentials, 'utf8')
    expect(removeProfile('apply', f, accessKeyDigest('ASIAOTHERJOBOTHERJOB'))).toBe(false)
    expect(readFileSync(f.credentials, 'utf8')).toBe(before)
  })
})

/** profiles.js loaded afresh with some of its imports replaced. */
async function profilesWith(mocks: {
  fs?: Partial<typeof realFs>
  path?: Partial<typeof realPath>
  randomBytes?: (size: number) => Buffer
}): Promise<typeof import('../../../src/aws/profiles.js')> {
  jest.resetModules()
  jest.unstable_mockModule('node:fs', () => ({ ...realFs, default: realFs, ...mocks.fs }))
  if (mocks.path) {
    jest.unstable_mockModule('node:path', () => ({ ...realPath, default: realPath, ...mocks.path }))
  }
  if (mocks.randomBytes) {
    const crypto = await import('node:crypto')
    jest.unstable_mockModule('node:crypto', () => ({
      ...crypto,
      randomBytes: mocks.randomBytes
    }))
  }
  try {
    return await import('../../../src/aws/profiles.js')
  } finally {
    jest.resetModules()
  }
}

describe('Windows and macOS', () => {
  const WINDOWS = {
    USERPROFILE: 'C:\\Users\\runneradmin',
    HOMEDRIVE: 'C:',
    HOMEPATH: '\\Users\\runneradmin'
  }

  it('finds ~/.aws on Windows in the user profile folder, with Windows separators', () => {
    expect(profileFiles(WINDOWS, 'win32')).toEqual({
      credentials: 'C:\\Users\\runneradmin\\.aws\\credentials',
      config: 'C:\\Users\\runneradmin\\.aws\\config',
      custom: false
    })
    expect(profileFiles({ HOMEDRIVE: 'D:', HOMEPATH: '\\ci' }, 'win32').credentials).toBe(
      'D:\\ci\\.aws\\credentials'
    )
  })

  it('names the files for later steps when HOME and USERPROFILE disagree on Windows', () => {
    // The AWS CLI would read USERPROFILE's ~/.aws and the JavaScript SDK HOME's.
    expect(profileFiles({ ...WINDOWS, HOME: 'D:\\home' }, 'win32').custom).toBe(true)
    expect(profileFiles({ ...WINDOWS, HOME: 'c:/users/runneradmin' }, 'win32').custom).toBe(false)
  })

  it('warns on Windows when the credentials would leave the profile folder, whose access rules protect them', () => {
    const shared = { ...WINDOWS, AWS_SHARED_CREDENTIALS_FILE: 'D:\\shared\\credentials' }
    const files = profileFiles(shared, 'win32')
    expect(files.custom).toBe(true)
    expect(files.exposure).toContain('D:\\shared\\credentials is outside the user')
    expect(files.exposure).toContain('a file mode does not restrict readers')
    expect(windowsExposure('C:\\Users\\RunnerAdmin\\x\\c', WINDOWS.USERPROFILE)).toBeUndefined()
    // Elsewhere the 0600 mode is what protects the file: no such note.
    expect(
      profileFiles({ HOME: '/Users/runner', AWS_SHARED_CREDENTIALS_FILE: '/tmp/c' }, 'darwin')
    ).not.toHaveProperty('exposure')
  })

  it('names the credentials file in the example for a bare drive, which has no file name', async () => {
    // node:path is the Windows one there: a drive alone has no base name.
    const profiles = await profilesWith({ path: { basename: win32.basename } })
    expect(
      thrown(
        () => profiles.profileFiles({ ...WINDOWS, AWS_SHARED_CREDENTIALS_FILE: 'D:' }, 'win32'),
        InputError
      ).message
    ).toBe(
      "aws-profile: AWS_SHARED_CREDENTIALS_FILE is the relative path 'D:'; the profile would be written relative to the current directory (the workspace). Set AWS_SHARED_CREDENTIALS_FILE to an absolute path outside the workspace, e.g. ${{ runner.temp }}/aws/credentials."
    )
  })

  it('uses HOME on macOS', () => {
    expect(profileFiles({ HOME: '/Users/runner' }, 'darwin')).toEqual({
      credentials: '/Users/runner/.aws/credentials',
      config: '/Users/runner/.aws/config',
      custom: false
    })
  })

  const CRLF = EXISTING.replace(/\n/g, '\r\n')

  it('keeps Windows line endings in a CRLF file, and takes the section out again exactly', () => {
    const written = upsertSection(CRLF, 'apply', { aws_access_key_id: 'ASIA1', region: 'x' })
    expect(written).toBe(
      `${CRLF.trimEnd()}\r\n\r\n[apply]\r\naws_access_key_id = ASIA1\r\nregion = x\r\n`
    )
    expect(written.replace(/\r\n/g, '')).not.toContain('\n')
    expect(hasSection(written, 'plan')).toBe(true)
    expect(removeSection(written, 'apply')).toBe(CRLF)
    // A byte-order mark before the first header (Notepad writes one) keeps that header a header.
    const marked = `\uFEFF${CRLF.replace('# team profiles\r\n', '')}`
    expect(hasSection(marked, 'default')).toBe(true)
    expect(removeSection(upsertSection(marked, 'apply', { k: 'v' }), 'apply')).toBe(marked)
    expect(removeSection(CRLF, 'plan')).toBe(removeSection(EXISTING, 'plan').replace(/\n/g, '\r\n'))
  })

  it('writes into a CRLF credentials file and the post step restores it byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoped-role-crlf-'))
    const f = profileFiles({ HOME: dir })
    mkdirSync(join(dir, '.aws'))
    writeFileSync(f.credentials, CRLF)
    writeFileSync(f.config, '[default]\r\nregion = eu-west-1\r\n')
    writeProfile({ profile: 'plan2', files: f, credentials, region: 'eu-west-2', overwrite: false })
    expect(readFileSync(f.config, 'utf8')).toBe(
      '[default]\r\nregion = eu-west-1\r\n\r\n[profile plan2]\r\nregion = eu-west-2\r\n'
    )
    removeProfile('plan2', f, accessKeyDigest(credentials.accessKeyId))
    expect(readFileSync(f.credentials, 'utf8')).toBe(CRLF)
    expect(readFileSync(f.config, 'utf8')).toBe('[default]\r\nregion = eu-west-1\r\n')
  })
})

describe('the temporary file', () => {
  function files() {
    const dir = mkdtempSync(join(tmpdir(), 'scoped-role-profiles-'))
    mkdirSync(join(dir, '.aws'))
    return { dir, ...profileFiles({ HOME: dir }) }
  }

  it('is created exclusively, so even a name guessed right cannot be planted', async () => {
    const f = files()
    const fixed = Buffer.alloc(16, 7)
    const profiles = await profilesWith({ randomBytes: () => fixed })
    writeFileSync(join(f.dir, 'elsewhere'), '')
    // With the random part known, the attacker's link sits exactly where the secret would go.
    const planted = `${f.credentials}.${fixed.toString('hex')}.tmp`
    symlinkSync(join(f.dir, 'elsewhere'), planted)
    expect(() =>
      profiles.writeProfile({ profile: 'p', files: f, credentials, region: 'x', overwrite: false })
    ).toThrow(expect.objectContaining({ code: 'EEXIST' }))
    expect(readFileSync(join(f.dir, 'elsewhere'), 'utf8')).toBe('')
    expect(lstatSync(planted).isSymbolicLink()).toBe(true)
  })

  it('is removed when the rename fails', async () => {
    const f = files()
    writeFileSync(f.credentials, EXISTING)
    const profiles = await profilesWith({
      fs: {
        renameSync: () => {
          throw Object.assign(new Error('EXDEV: cross-device link not permitted'), {
            code: 'EXDEV'
          })
        }
      }
    })
    expect(() =>
      profiles.writeProfile({ profile: 'p', files: f, credentials, region: 'x', overwrite: false })
    ).toThrow('EXDEV')
    expect(readdirSync(join(f.dir, '.aws'))).toEqual(['credentials'])
    expect(readFileSync(f.credentials, 'utf8')).toBe(EXISTING)
  })
})

describe('aws-profile names', () => {
  const parse = (name: string) => assumeSettingsOf({ 'aws-profile': name })

  // __proto__ makes the SDK drop the whole file; constructor and friends put the keys on Object.
  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])(
    'refuses %s, which the AWS SDK for JavaScript cannot keep as a profile',
    name => {
      expect(() => parse(name)).toThrow(InputError)
      expect(() => parse(name)).toThrow(`aws-profile: '${name}'`)
    }
  )

  // The SDK reads [profile a=b] as no profile at all, so the region would be lost.
  it.each(['a=b', 'a,b'])('refuses %s, which the SDK cannot find in the config file', name => {
    expect(() => parse(name)).toThrow(InputError)
  })

  it.each(['plan', 'a.b', 'ci_2@eu+x-y', 'default', 'x'.repeat(64)])('accepts %s', name => {
    expect(parse(name).awsProfile).toBe(name)
  })
})

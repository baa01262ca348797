import { describe, expect, it, jest } from '@jest/globals'
import * as realFs from 'node:fs'
import {
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
import { join } from 'node:path'
import { ActionError, InputError } from '../../../src/shared/errors.js'
import {
  hasSection,
  profileFiles,
  removeProfile,
  accessKeyDigest,
  checkProfileWritable,
  removeSection,
  sectionName,
  upsertSection,
  windowsExposure,
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

  it('refuses to write through a symlink', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'))
    writeFileSync(join(f.dir, 'elsewhere'), '')
    symlinkSync(join(f.dir, 'elsewhere'), f.credentials)
    expect(() =>
      writeProfile({ profile: 'p', files: f, credentials, region: 'x', overwrite: false })
    ).toThrow(ActionError)
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
  randomBytes?: (size: number) => Buffer
}): Promise<typeof import('../../../src/aws/profiles.js')> {
  jest.resetModules()
  jest.unstable_mockModule('node:fs', () => ({ ...realFs, default: realFs, ...mocks.fs }))
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

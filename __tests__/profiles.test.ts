import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ActionError, InputError } from '../src/errors.js'
import {
  hasSection,
  profileFiles,
  removeProfile,
  removeSection,
  sectionName,
  upsertSection,
  writeProfile
} from '../src/profiles.js'

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

  it('removes exactly the profile it wrote', () => {
    const f = files()
    mkdirSync(join(f.dir, '.aws'))
    writeFileSync(f.credentials, EXISTING)
    writeProfile({ profile: 'apply', files: f, credentials, region: 'x', overwrite: false })
    removeProfile('apply', f)
    expect(readFileSync(f.credentials, 'utf8').trimEnd()).toBe(EXISTING.trimEnd())
    expect(readFileSync(f.config, 'utf8').trim()).toBe('')
  })
})

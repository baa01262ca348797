import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../../../__fixtures__/core.js'
import { accessKeyDigest } from '../../../src/aws/profiles.js'

jest.unstable_mockModule('@actions/core', () => core)
const { runCleanup } = await import('../../../src/action/cleanup.js')

let dir: string
let credentials: string
let config: string

/** getState answers from this map, as the runner does from STATE_* variables. */
function saved(values: Record<string, unknown>): void {
  core.getState.mockImplementation(name => {
    const value = values[name]
    return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  })
}

const infos = () => core.info.mock.calls.map(c => c[0])
const warnings = () => core.warning.mock.calls.map(c => c[0])

beforeEach(() => {
  jest.resetAllMocks()
  dir = mkdtempSync(join(tmpdir(), 'cleanup-test-'))
  credentials = join(dir, 'credentials')
  config = join(dir, 'config')
  delete process.env.AWS_SKIP_CLEANUP_STEP
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  delete process.env.AWS_SKIP_CLEANUP_STEP
})

describe('runCleanup', () => {
  it('blanks the saved variables and says so', async () => {
    saved({ 'exported-variables': ['AWS_ACCESS_KEY_ID', 'AWS_REGION'] })
    await runCleanup()
    expect(core.exportVariable.mock.calls).toEqual([
      ['AWS_ACCESS_KEY_ID', ''],
      ['AWS_REGION', '']
    ])
    expect(infos()).toEqual(['Cleared AWS_ACCESS_KEY_ID, AWS_REGION.'])
    expect(warnings()).toEqual([])
  })

  it('says nothing when an empty list was saved', async () => {
    saved({ 'exported-variables': [] })
    await runCleanup()
    expect(infos()).toEqual([])
  })

  it.each(['true', 'TRUE'])('AWS_SKIP_CLEANUP_STEP=%s leaves everything as it is', async value => {
    process.env.AWS_SKIP_CLEANUP_STEP = value
    saved({ 'exported-variables': ['AWS_REGION'] })
    await runCleanup()
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(infos()).toEqual([
      'AWS_SKIP_CLEANUP_STEP is true: the exported variables and the profile are left as they are.'
    ])
  })

  it('cleans up when AWS_SKIP_CLEANUP_STEP is anything but true', async () => {
    process.env.AWS_SKIP_CLEANUP_STEP = 'false'
    saved({ 'exported-variables': ['AWS_REGION'] })
    await runCleanup()
    expect(core.exportVariable.mock.calls).toEqual([['AWS_REGION', '']])
  })

  it('warns, and goes on, when the saved variables cannot be read', async () => {
    saved({ 'exported-variables': ['aws_region'], 'written-profile': 'not json' })
    await runCleanup()
    expect(warnings()).toEqual([
      "Could not clear the exported AWS credentials: the saved state 'exported-variables' is not a list of variable names",
      expect.stringMatching(/^Could not remove the AWS profile this step wrote: /)
    ])
  })

  it('warns, and goes on, when the recording cannot be reported', async () => {
    saved({ recording: 'not json', 'exported-variables': ['AWS_REGION'] })
    await runCleanup()
    expect(warnings()).toEqual([
      expect.stringMatching(/^Could not report the recorded AWS calls: .*JSON/)
    ])
    expect(core.exportVariable.mock.calls).toEqual([['AWS_REGION', '']])
  })

  describe('the written profile', () => {
    const profile = () => ({
      profile: 'ci',
      credentials,
      config,
      keyDigest: accessKeyDigest('AKIAOURS')
    })

    function writeFiles(key: string): void {
      writeFileSync(
        credentials,
        `[other]\naws_access_key_id = AKIAOTHER\n\n[ci]\naws_access_key_id = ${key}\n`
      )
      writeFileSync(config, '[profile ci]\nregion = eu-west-1\n')
    }

    it('is removed while it holds the key this step wrote', async () => {
      writeFiles('AKIAOURS')
      saved({ 'written-profile': profile() })
      await runCleanup()
      expect(readFileSync(credentials, 'utf8')).not.toContain('[ci]')
      expect(readFileSync(credentials, 'utf8')).toContain('[other]')
      expect(readFileSync(config, 'utf8')).not.toContain('[profile ci]')
      expect(infos()).toEqual([`Removed profile 'ci' from ${credentials} and ${config}.`])
    })

    it('is left when another key replaced it', async () => {
      writeFiles('AKIATHEIRS')
      saved({ 'written-profile': profile() })
      await runCleanup()
      expect(readFileSync(credentials, 'utf8')).toContain('[ci]')
      expect(infos()).toEqual([
        `Left profile 'ci' in ${credentials}: it no longer holds the credentials this step wrote (another job or step has replaced it).`
      ])
    })

    it('warns when it cannot be removed', async () => {
      writeFiles('AKIAOURS')
      saved({ 'written-profile': { ...profile(), config: dir } })
      await runCleanup()
      expect(warnings()).toEqual([
        expect.stringMatching(/^Could not remove the AWS profile this step wrote: /)
      ])
    })
  })

  describe('the refreshing profile', () => {
    const COMMAND = 'node cli.cjs credential-process --settings-file x'
    let folder: string

    beforeEach(() => {
      folder = join(dir, 'scoped-role-refresh-abc')
      mkdirSync(folder)
      writeFileSync(join(folder, 'settings.json'), '{}')
      writeFileSync(config, `[profile ci]\ncredential_process = ${COMMAND}\n`)
    })

    const refresh = (fields: Record<string, string> = {}) => ({
      'refresh-profile': { profile: 'ci', config, command: COMMAND, directory: folder, ...fields }
    })

    it('is removed with its folder while it runs the command this step wrote', async () => {
      saved(refresh())
      await runCleanup()
      expect(readFileSync(config, 'utf8')).not.toContain('[profile ci]')
      expect(existsSync(folder)).toBe(false)
      expect(infos()).toEqual([
        `Removed profile 'ci' from ${config}.`,
        `Removed ${folder} (the refresh settings and cache).`
      ])
      expect(warnings()).toEqual([])
    })

    it('is left when it runs another command, its folder removed all the same', async () => {
      saved(refresh({ command: 'something else' }))
      await runCleanup()
      expect(readFileSync(config, 'utf8')).toContain('[profile ci]')
      expect(existsSync(folder)).toBe(false)
      expect(infos()[0]).toBe(
        `Left profile 'ci' in ${config}: it no longer runs the command this step wrote (another job or step has replaced it).`
      )
    })

    it('keeps a folder whose name is not the action’s', async () => {
      const other = join(dir, 'x-scoped-role-refresh-')
      mkdirSync(other)
      saved(refresh({ directory: other }))
      await runCleanup()
      expect(existsSync(other)).toBe(true)
      expect(infos()).toEqual([`Removed profile 'ci' from ${config}.`])
    })

    it('keeps a folder named by a relative path', async () => {
      saved(refresh({ directory: 'scoped-role-refresh-abc' }))
      await runCleanup()
      expect(existsSync(folder)).toBe(true)
      expect(infos()).toEqual([`Removed profile 'ci' from ${config}.`])
    })

    it('warns when the saved state is not a profile', async () => {
      saved({ 'refresh-profile': { profile: 'ci' } })
      await runCleanup()
      expect(warnings()).toEqual([
        "Could not remove the refreshing profile or its files: the saved state 'refresh-profile' is not a profile"
      ])
    })
  })
})

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalGitHubOidc, type LocalGitHubOidc } from '../../../local-sts/github-oidc.js'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../../local-sts/server.js'
import { renewingProcess } from '../../../src/cli/refresh.js'
import type { RefreshFile } from '../../../src/flows/refresh.js'
import { captureStdio, recordingTerminal, withProcessEnv } from '../../support/cli-process.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const OTHER_USER = {
  accessKeyId: 'AKIAOTHERUSER0EXAMPLE',
  secretAccessKey: 'other/user/secret/key/EXAMPLEKEY000000000',
  arn: 'arn:aws:iam::111122223333:user/other'
}

let oidc: LocalGitHubOidc
let sts: LocalSts
let dir: string

beforeAll(async () => {
  oidc = await startLocalGitHubOidc()
  sts = await startLocalSts({
    users: [DEFAULT_USER, OTHER_USER],
    identityProviders: [oidc.provider('sts.amazonaws.com')]
  })
})
afterAll(async () => {
  await sts.close()
  await oidc.close()
})
beforeEach(() => {
  sts.reset()
  dir = mkdtempSync(join(tmpdir(), 'scoped-role-refresh-'))
  chmodSync(dir, 0o700)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function settingsFile(overrides: Partial<RefreshFile> = {}, mode = 0o600): string {
  const file: RefreshFile = {
    version: 1,
    roleArn: ROLE,
    roleSessionName: 'gh-1-me',
    durationSeconds: 900,
    region: 'eu-west-1',
    partition: 'aws',
    stsEndpoint: sts.url,
    useFipsEndpoint: false,
    retry: { maxAttempts: 1, budgetMs: 5000, requestTimeoutMs: 5000 },
    audience: 'sts.amazonaws.com',
    source: { kind: 'environment' },
    policy: { managedArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
    tags: [],
    transitiveTagKeys: [],
    verifyCredentials: false,
    ...overrides
  }
  const path = join(dir, 'settings.json')
  writeFileSync(path, JSON.stringify(file), { mode })
  chmodSync(path, mode)
  return path
}

/** renewingProcess in an environment of its own; what it printed, and the variables after. */
async function renew(path: string, env: Record<string, string | undefined> = {}, verbose = false) {
  const { terminal, text } = recordingTerminal(verbose)
  let after: Record<string, string | undefined> = {}
  const result = await withProcessEnv(
    {
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
      AWS_PROFILE: undefined,
      SCOPED_ROLE_RENEWING: undefined,
      ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
      ...env
    },
    () =>
      captureStdio(async () => {
        const status = await renewingProcess(path, terminal)
        after = { ...process.env }
        return status
      })
  )
  return { ...result, stderr: text(), after }
}

const assumed = () => sts.requests.filter(r => r.action.startsWith('AssumeRole'))

describe('renewingProcess', () => {
  it('assumes the role again with the policy the action checked, and prints Version 1 JSON', async () => {
    const { value, stdout, stderr, after } = await renew(settingsFile())
    expect(value).toBe(0)
    expect(stderr).toBe('')
    const issued = sts.issued.at(-1)!
    expect(stdout).toBe(
      `${JSON.stringify({
        Version: 1,
        AccessKeyId: issued.accessKeyId,
        SecretAccessKey: issued.secretAccessKey,
        SessionToken: issued.sessionToken,
        Expiration: issued.expiration.toISOString()
      })}\n`
    )
    expect(issued).toMatchObject({
      roleArn: ROLE,
      sessionName: 'gh-1-me',
      durationSeconds: 900,
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess']
    })
    expect(assumed()[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    // What it starts (the SDK's own credential_process, say) must not come back here.
    expect(after.SCOPED_ROLE_RENEWING).toBe('1')
  })

  it('answers from its cache while the session is fresh', async () => {
    const path = settingsFile()
    const first = await renew(path)
    const second = await renew(path)
    expect(second.stdout).toBe(first.stdout)
    expect(assumed()).toHaveLength(1)
  })

  it('says what it renewed when verbose', async () => {
    const { stderr } = await renew(settingsFile(), {}, true)
    const issued = sts.issued.at(-1)!
    expect(stderr).toContain(
      `scoped-role: Renewed ${issued.arn}; the credentials expire at ${issued.expiration.toISOString()}.\n`
    )
  })

  it('stops a source that leads back to itself', async () => {
    const { value, stdout, stderr } = await renew(settingsFile(), { SCOPED_ROLE_RENEWING: '1' })
    expect(value).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'scoped-role: error: The source credentials lead back to this profile (a credential_process renewing itself). Leave AWS_PROFILE unset for the scoped-role step, or name another source profile.\n'
    )
    expect(sts.requests).toHaveLength(0)
  })

  describe('the source', () => {
    const config = () => {
      const file = join(dir, 'config')
      writeFileSync(
        file,
        [
          '[profile source]',
          `aws_access_key_id = ${OTHER_USER.accessKeyId}`,
          `aws_secret_access_key = ${OTHER_USER.secretAccessKey}`,
          '[profile renewed]',
          `aws_access_key_id = AKIANOTTHISONE000000`,
          `aws_secret_access_key = not/this/one`,
          ''
        ].join('\n')
      )
      return file
    }

    it("is the profile the action's step used", async () => {
      await renew(settingsFile({ source: { kind: 'environment', profile: 'source' } }), {
        AWS_CONFIG_FILE: config(),
        AWS_PROFILE: 'renewed',
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined
      })
      expect(assumed()[0].accessKeyId).toBe(OTHER_USER.accessKeyId)
    })

    it('is the default chain, not the profile being renewed, when the step named none', async () => {
      const { value, after } = await renew(settingsFile(), {
        AWS_CONFIG_FILE: config(),
        AWS_PROFILE: 'renewed'
      })
      expect(value).toBe(0)
      expect(assumed()[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
      expect(after.AWS_PROFILE).toBeUndefined()
    })

    it("is the job's OIDC token for a step that used one", async () => {
      const { value } = await renew(settingsFile({ source: { kind: 'oidc' } }), {
        ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
      })
      expect(value).toBe(0)
      expect(assumed().map(r => r.action)).toEqual(['AssumeRoleWithWebIdentity'])
    })
  })

  it('fails in one line, as the SDKs show a credential_process error', async () => {
    sts.injectFault({ status: 403, code: 'AccessDenied', message: 'no\n  more\nlines ' })
    const { value, stderr } = await renew(settingsFile())
    expect(value).toBe(1)
    expect(stderr.split('\n')).toHaveLength(2)
    expect(stderr).toMatch(/^scoped-role: error: \S.*no more lines/)
    expect(stderr).not.toMatch(/ \n$/)
  })

  describe('the settings file', () => {
    const refused = (path: string, why: string) =>
      `scoped-role: error: Cannot read the refresh settings ${path}: ${why}. It exists from the scoped-role step with refresh: true until the end of the job; run that step again.\n`

    it('must be there', async () => {
      const path = join(dir, 'missing.json')
      const { value, stdout, stderr } = await renew(path)
      expect(value).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toBe(refused(path, "ENOENT: no such file or directory, lstat '" + path + "'"))
    })

    it.each([0o644, 0o640, 0o604, 0o610, 0o601])('must be private, not mode %o', async mode => {
      const path = settingsFile({}, mode)
      const { value, stderr } = await renew(path)
      expect(value).toBe(1)
      expect(stderr).toBe(refused(path, 'it is not a private file of this account'))
      expect(sts.requests).toHaveLength(0)
    })

    it('must be a file', async () => {
      const path = join(dir, 'settings')
      mkdirSync(path, { mode: 0o700 })
      expect((await renew(path)).stderr).toBe(
        refused(path, 'it is not a private file of this account')
      )
    })

    const root = process.getuid?.() === 0
    ;(root ? it : it.skip)("must belong to this process's account", async () => {
      const path = settingsFile()
      chownSync(path, 4321, 4321)
      expect((await renew(path)).stderr).toBe(
        refused(path, 'it is not a private file of this account')
      )
    })

    it('must be at most 64 KiB', async () => {
      const path = join(dir, 'settings.json')
      writeFileSync(path, ' '.repeat(64 * 1024 + 1), { mode: 0o600 })
      expect((await renew(path)).stderr).toBe(
        refused(path, `${path}: is ${64 * 1024 + 1} bytes; at most ${64 * 1024} are read`)
      )
    })

    it('is read up to 64 KiB, then checked field by field', async () => {
      const path = join(dir, 'settings.json')
      writeFileSync(path, ' '.repeat(64 * 1024), { mode: 0o600 })
      const { value, stderr } = await renew(path)
      expect(value).toBe(1)
      expect(stderr).not.toContain('bytes; at most')
      expect(stderr).toMatch(/^scoped-role: error: .*not JSON/)
    })
  })
})

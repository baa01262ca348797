import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as realFs from 'node:fs'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../../../__fixtures__/core.js'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import { acceptingProvider, issueSession, tokenFor, useLocalSts } from '../../support/flows.js'
import { TEST_ROLE } from '../../support/inputs.js'

// The launcher of refresh: true sits beside the bundle; a source tree has none.
jest.unstable_mockModule('node:fs', () => {
  const existsSync = (path: realFs.PathLike) =>
    String(path).endsWith('/cli.cjs') || realFs.existsSync(path)
  return { ...realFs, default: { ...realFs, existsSync }, existsSync }
})
jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../../src/action/main.js')

const sts = useLocalSts({ identityProviders: [acceptingProvider()] })

const SAVED_ENV = { ...process.env }
const KEYS = {
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
const INLINE =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
const SESSION_ARN = 'arn:aws:sts::111122223333:assumed-role/deploy/run-1'
let temp: string

/** Runs the main step with these inputs (the endpoint's, a role, a region and keys unless replaced). */
async function runWith(inputs: Record<string, string> = {}): Promise<void> {
  const all: Record<string, string> = {
    'role-to-assume': TEST_ROLE,
    'aws-region': 'us-east-1',
    'sts-endpoint': sts().url,
    'retry-max-attempts': '1',
    'role-session-name': 'run-1',
    ...KEYS,
    ...inputs
  }
  core.getInput.mockImplementation(name => all[name] ?? '')
  await run()
}

/** An earlier step's session of the role, exported as AWS_* variables. */
async function sessionInEnvironment() {
  const session = await issueSession(sts(), TEST_ROLE)
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: session.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: session.credentials.sessionToken
  })
  return session
}

/** A job that may request an OIDC token, which the endpoint accepts. */
function oidcJob(): void {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = 'https://token.example.test/request'
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'request-token'
  core.getIDToken.mockImplementation(audience => Promise.resolve(tokenFor(audience!)))
}

const infos = () => core.info.mock.calls.map(c => c[0])
const warnings = () => core.warning.mock.calls.map(c => c[0])
const errors = () => core.error.mock.calls
const exported = () => Object.fromEntries(core.exportVariable.mock.calls)
const outputs = () => Object.fromEntries(core.setOutput.mock.calls)

beforeEach(() => {
  jest.resetAllMocks()
  core.summary.reset()
  temp = mkdtempSync(join(tmpdir(), 'main-test-'))
  for (const name of Object.keys(process.env)) {
    if (/^(AWS_|ACTIONS_|GITHUB_|RUNNER_)/.test(name)) delete process.env[name]
  }
  Object.assign(process.env, {
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(temp, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(temp, 'credentials'),
    GITHUB_WORKSPACE: temp
  })
})

afterEach(() => {
  rmSync(temp, { recursive: true, force: true })
  process.env = { ...SAVED_ENV }
  process.exitCode = undefined
})

describe('run, mode: check', () => {
  it('checks the policy, makes no request and exports nothing', async () => {
    process.env.GITHUB_STEP_SUMMARY = join(temp, 'summary.md')
    await runWith({ mode: 'check', 'inline-session-policy': INLINE })
    expect(sts().requests).toEqual([])
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(infos()).toEqual([
      `Session policy: an inline policy of ${INLINE.length} characters.`,
      'Session policy check passed; mode: check makes no AWS request and exports nothing.'
    ])
    expect(core.debug.mock.calls[0][0]).toMatch(/^statement 1: Allow\n/)
    expect(core.summary.calls[0][1]).toMatch(/^### scoped-role: session policy check passed/)
    expect(process.exitCode).toBeUndefined()
  })

  it('writes no summary when job-summary is false, and masks no proxy password', async () => {
    process.env.GITHUB_STEP_SUMMARY = join(temp, 'summary.md')
    await runWith({
      mode: 'check',
      'inline-session-policy': INLINE,
      'job-summary': 'false',
      'http-proxy': 'http://user:hunter2@127.0.0.1:9'
    })
    expect(core.summary.calls).toEqual([])
    expect(core.setSecret).not.toHaveBeenCalledWith('hunter2')
  })
})

describe('run, mode: assume', () => {
  it('assumes the role, exports the session, sets the outputs and says what it did', async () => {
    await runWith({ 'inline-session-policy': INLINE })
    const [request] = sts().requests
    expect(request.action).toBe('AssumeRole')
    const session = sts().issued.at(-1)!
    expect(exported()).toEqual({
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
      AWS_CREDENTIAL_EXPIRATION: session.expiration.toISOString(),
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1'
    })
    expect(core.saveState).toHaveBeenCalledWith('exported-variables', expect.any(String))
    expect(outputs()).toMatchObject({ arn: SESSION_ARN, 'aws-account-id': '111122223333' })
    expect(outputs()['aws-secret-access-key']).toBeUndefined()
    expect(core.setSecret).toHaveBeenCalledWith(session.secretAccessKey)
    expect(infos().at(-1)).toBe(
      `Assumed ${SESSION_ARN}; the credentials expire at ${session.expiration.toISOString()}; the session policies use ${session.packedPolicySize}% of the packed-policy space.`
    )
    expect(warnings()).toEqual([])
    expect(errors()).toEqual([])
    expect(process.exitCode).toBeUndefined()
  })

  it('says so when there is no session policy, and nothing of the packed-policy space', async () => {
    await runWith()
    expect(infos()).toContain(
      "Session policy: none, so the session gets all of the role's permissions."
    )
    expect(core.debug.mock.calls.filter(c => c[0].startsWith('statement'))).toEqual([])
    expect(infos().at(-1)).toBe(
      `Assumed ${SESSION_ARN}; the credentials expire at ${sts().issued.at(-1)!.expiration.toISOString()}.`
    )
  })

  it('describes managed policies, alone and with an inline policy', async () => {
    await runWith({ 'managed-session-policies': 'ReadOnlyAccess' })
    expect(infos()).toContain(
      'Session policy: managed policies arn:aws:iam::aws:policy/ReadOnlyAccess.'
    )
    jest.resetAllMocks()
    await runWith({ 'managed-session-policies': 'ReadOnlyAccess', 'inline-session-policy': INLINE })
    expect(infos()).toContain(
      `Session policy: an inline policy of ${INLINE.length} characters and managed policies arn:aws:iam::aws:policy/ReadOnlyAccess.`
    )
  })

  it('writes the job summary of the session', async () => {
    process.env.GITHUB_STEP_SUMMARY = join(temp, 'summary.md')
    await runWith({ 'mask-aws-account-id': 'true' })
    expect(core.summary.calls).toHaveLength(2)
    const markdown = core.summary.calls[0][1] as string
    expect(markdown).toMatch(/^### scoped-role: assumed a narrowed session/)
    expect(markdown).toContain('| Region | us-east-1 |')
    expect(markdown).not.toContain('111122223333')
  })

  it('output-credentials: sets the credential outputs too', async () => {
    await runWith({ 'output-credentials': 'true' })
    const session = sts().issued.at(-1)!
    expect(outputs()).toMatchObject({
      'aws-access-key-id': session.accessKeyId,
      'aws-secret-access-key': session.secretAccessKey,
      'aws-session-token': session.sessionToken
    })
  })

  it('writes a profile, and leaves the variables when export-env is false', async () => {
    await runWith({ 'aws-profile': 'ci', 'export-env': 'false' })
    expect(exported()).toEqual({
      AWS_SHARED_CREDENTIALS_FILE: join(temp, 'credentials'),
      AWS_CONFIG_FILE: join(temp, 'config')
    })
    expect(warnings()).toEqual([])
  })

  it('refuses a profile that exists before any request', async () => {
    writeFileSync(join(temp, 'config'), '[profile ci]\nregion = eu-west-1\n')
    await runWith({ 'aws-profile': 'ci' })
    expect(sts().requests).toEqual([])
    expect(errors()[0][1]).toEqual({ title: 'Invalid input: aws-profile' })
    expect(process.exitCode).toBe(1)
  })

  it('overwrites a profile that exists when asked', async () => {
    writeFileSync(join(temp, 'config'), '[profile ci]\nregion = eu-west-1\n')
    await runWith({ 'aws-profile': 'ci', 'overwrite-aws-profile': 'true' })
    expect(errors()).toEqual([])
  })

  it('warns when the credentials would reach no later step', async () => {
    await runWith({ 'export-env': 'false' })
    expect(warnings()).toEqual([
      'export-env is false and neither aws-profile nor output-credentials is set: the new credentials will not reach any later step.'
    ])
  })

  it.each([
    ['aws-profile', { 'aws-profile': 'ci' }],
    ['output-credentials', { 'output-credentials': 'true' }]
  ])('does not warn when export-env is false and %s is set', async (_, inputs) => {
    await runWith({ 'export-env': 'false', ...inputs })
    expect(warnings()).toEqual([])
  })

  it('warns when keys in the environment would win over the profile', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEARLIER'
    await runWith({ 'aws-profile': 'ci', 'export-env': 'false' })
    expect(warnings()).toEqual([
      "AWS_ACCESS_KEY_ID is set in this job's environment; AWS SDKs and the CLI prefer it to AWS_PROFILE=ci. " +
        'Set unset-current-credentials: true, or export-env: true, so later steps use the new session.'
    ])
  })

  it.each([
    ['export-env is true', { 'export-env': 'true' }],
    [
      'unset-current-credentials is true',
      { 'export-env': 'false', 'unset-current-credentials': 'true' }
    ]
  ])('does not warn about keys in the environment when %s', async (_, inputs) => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEARLIER'
    await runWith({ 'aws-profile': 'ci', ...inputs })
    expect(warnings()).toEqual([])
  })

  it('unset-current-credentials: forgets what earlier steps left, and blanks it for the later ones', async () => {
    process.env.AWS_SESSION_TOKEN = 'old-token'
    process.env.AWS_PROFILE = 'old'
    await runWith({ 'unset-current-credentials': 'true' })
    expect(infos()).toContain('Unset AWS_SESSION_TOKEN, AWS_PROFILE inherited from earlier steps.')
    expect(process.env.AWS_SESSION_TOKEN).toBeUndefined()
    expect(exported().AWS_PROFILE).toBe('')
    expect(exported().AWS_SESSION_TOKEN).toBe(sts().issued.at(-1)!.sessionToken)
  })

  it('forgets nothing without unset-current-credentials', async () => {
    process.env.AWS_PROFILE = 'old'
    await runWith()
    expect(process.env.AWS_PROFILE).toBe('old')
    expect(exported().AWS_PROFILE).toBeUndefined()
    expect(infos().filter(l => l.startsWith('Unset'))).toEqual([])
  })

  it('asks the runner for an OIDC token for the audience', async () => {
    oidcJob()
    await runWith({ 'aws-access-key-id': '', 'aws-secret-access-key': '' })
    expect(core.getIDToken.mock.calls).toEqual([['sts.amazonaws.com']])
    expect(sts().requests.map(r => r.action)).toEqual(['AssumeRoleWithWebIdentity'])
    expect(errors()).toEqual([])
  })

  it('masks the password of the proxy, then refuses a proxy that would not be used', async () => {
    await runWith({ 'http-proxy': 'http://user:hunter2@127.0.0.1:9' })
    expect(core.setSecret).toHaveBeenCalledWith('hunter2')
    expect(errors()).toEqual([
      [expect.stringMatching(/^http-proxy: .*loopback/), { title: 'Invalid input: http-proxy' }]
    ])
    expect(sts().requests).toEqual([])
  })

  it('says what an input note of compatibility says', async () => {
    await runWith({ 'role-skip-session-tagging': 'true' })
    expect(infos()[0]).toBe(
      'role-skip-session-tagging: scoped-role sends no session tags unless an input asks for them, so there is nothing to skip.'
    )
  })

  it.each([
    [2340, 90, false],
    [2341, 91, true]
  ])(
    'a policy and tags of %i characters use %i%% of the packed-policy space: warned %s',
    async (units, percent, warned) => {
      // The local endpoint counts the policy's characters and each tag's key and value.
      const tags = `a=${'x'.repeat(255)}\nb=${'y'.repeat(units - 2000 - 257)}`
      const start =
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::'
      const end = '/*"}]}'
      const policy = `${start}${'b'.repeat(2000 - start.length - end.length)}${end}`
      await runWith({ 'inline-session-policy': policy, 'role-session-tags': tags })
      expect(errors()).toEqual([])
      expect(sts().requests[0].params.Policy).toHaveLength(2000)
      expect(infos().at(-1)).toContain(`use ${percent}% of the packed-policy space`)
      expect(warnings()).toEqual(
        warned
          ? [
              'The session policies and tags use 91% of the packed-policy space STS allows; one more tag, ARN or statement may make STS refuse them (PackedPolicyTooLarge).'
            ]
          : []
      )
    }
  )

  it('record: a recorder that cannot start is a warning, not a failure', async () => {
    process.env.RUNNER_TEMP = temp
    await runWith({ record: 'true' })
    expect(warnings()).toEqual([
      'record: the recorder did not start (it did not get ready); the later steps are not recorded.'
    ])
    expect(errors()).toEqual([])
    expect(exported().AWS_ACCESS_KEY_ID).toBe(sts().issued.at(-1)!.accessKeyId)
  })

  it('refresh: true writes a profile that renews the session, and exports no key', async () => {
    process.env.RUNNER_TEMP = temp
    oidcJob()
    process.env.AWS_DEFAULT_PROFILE = 'other'
    await runWith({ refresh: 'true', 'aws-access-key-id': '', 'aws-secret-access-key': '' })
    expect(errors()).toEqual([])
    expect(exported()).toEqual({
      AWS_DEFAULT_PROFILE: '',
      AWS_PROFILE: 'scoped-role',
      AWS_SHARED_CREDENTIALS_FILE: join(temp, 'credentials'),
      AWS_CONFIG_FILE: join(temp, 'config')
    })
    expect(readFileSync(join(temp, 'config'), 'utf8')).toContain('credential_process')
    expect(outputs().arn).toBe(SESSION_ARN)
  })

  it('action-timeout-s counts from the start of the process, not of the request', async () => {
    jest.spyOn(process, 'uptime').mockReturnValue(5)
    try {
      await runWith({ 'action-timeout-s': '2' })
    } finally {
      jest.restoreAllMocks()
    }
    expect(errors()).toEqual([
      [expect.stringContaining('action-timeout-s (2 s)'), { title: 'Step timed out' }]
    ])
    expect(core.exportVariable).not.toHaveBeenCalled()
  })

  it('refresh: true fails before any request where it cannot renew', async () => {
    await runWith({ refresh: 'true', 'aws-access-key-id': '', 'aws-secret-access-key': '' })
    expect(sts().requests).toEqual([])
    expect(errors()).toEqual([
      [expect.stringContaining('RUNNER_TEMP'), { title: 'Cannot refresh here' }]
    ])
  })

  it('use-existing-credentials: keeps a session of the role, exporting nothing', async () => {
    const session = await sessionInEnvironment()
    process.env.GITHUB_STEP_SUMMARY = join(temp, 'summary.md')
    await runWith({
      'use-existing-credentials': 'true',
      'aws-access-key-id': '',
      'aws-secret-access-key': ''
    })
    expect(sts().requests.map(r => r.action)).toEqual(['GetCallerIdentity'])
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(outputs()).toMatchObject({ arn: session.arn })
    expect(core.summary.calls[0][1]).toMatch(
      /^### scoped-role: kept the session in the environment/
    )
    expect(errors()).toEqual([])
  })

  it('use-existing-credentials: assumes when the environment holds something else', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
    })
    await runWith({
      'use-existing-credentials': 'true',
      'aws-access-key-id': '',
      'aws-secret-access-key': ''
    })
    expect(sts().requests.map(r => r.action)).toEqual(['GetCallerIdentity', 'AssumeRole'])
    expect(exported().AWS_ACCESS_KEY_ID).toBe(sts().issued.at(-1)!.accessKeyId)
  })
})

describe('run, other modes', () => {
  it('export-keys: checks the keys and exports them, with no expiry', async () => {
    await runWith({ 'role-to-assume': '' })
    expect(sts().requests.map(r => r.action)).toEqual(['GetCallerIdentity'])
    expect(exported()).toMatchObject({
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SESSION_TOKEN: ''
    })
    expect(infos().at(-1)).toBe(`Exported the keys of ${DEFAULT_USER.arn}.`)
  })

  it('scope: narrows the session in the environment', async () => {
    const session = await sessionInEnvironment()
    await runWith({
      mode: 'scope',
      'role-to-assume': '',
      'role-session-name': '',
      'aws-access-key-id': '',
      'aws-secret-access-key': '',
      'inline-session-policy': INLINE
    })
    const scoped = sts().issued.at(-1)!
    expect(errors()).toEqual([])
    expect(infos().at(-1)).toBe(
      `Scoped ${session.arn} (scoped session ${scoped.scope!.scopedSessionId}); the credentials expire at ${scoped.expiration.toISOString()}; the session policies use ${scoped.packedPolicySize}% of the packed-policy space.`
    )
    expect(outputs()['scoped-session-id']).toBe(scoped.scope!.scopedSessionId)
  })
})

describe('run, on failure', () => {
  it('marks an input error with its input, and fails the step', async () => {
    await runWith({ 'aws-region': 'moon-1' })
    expect(errors()).toEqual([
      [expect.stringMatching(/^aws-region: /), { title: 'Invalid input: aws-region' }]
    ])
    expect(process.exitCode).toBe(1)
    expect(sts().requests).toEqual([])
  })

  it('points at the line of a policy file that is not JSON', async () => {
    writeFileSync(join(temp, 'policy.json'), '{\n  "Version": "2012-10-17",\n  oops\n}\n')
    await runWith({ 'inline-session-policy-file': 'policy.json' })
    const [[, properties]] = errors()
    expect(properties).toEqual({
      title: 'Invalid input: inline-session-policy-file',
      file: 'policy.json',
      startLine: 3,
      startColumn: expect.any(Number)
    })
  })

  it('reads a policy file from RUNNER_TEMP', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    process.env.RUNNER_TEMP = runnerTemp
    try {
      writeFileSync(join(runnerTemp, 'policy.json'), INLINE)
      await runWith({ 'inline-session-policy-file': join(runnerTemp, 'policy.json') })
    } finally {
      rmSync(runnerTemp, { recursive: true, force: true })
    }
    expect(errors()).toEqual([])
    expect(sts().requests[0].params.Policy).toBe(INLINE)
  })

  it('titles a failure after the inputs with what failed', async () => {
    await runWith({ 'allowed-account-ids': '444455556666' })
    expect(errors()).toEqual([
      [expect.stringContaining('allowed-account-ids'), { title: 'Account not allowed' }]
    ])
    expect(core.exportVariable).not.toHaveBeenCalled()
  })

  it('titles any other error as the action failing', async () => {
    process.env.AWS_SHARED_CREDENTIALS_FILE = temp
    await runWith({ 'aws-profile': 'ci' })
    expect(errors()).toEqual([[expect.stringContaining('EISDIR'), { title: 'scoped-role failed' }]])
    expect(process.exitCode).toBe(1)
  })
})

describe('run, last', () => {
  it('action-timeout-s: fails the step when STS does not answer in time, exporting nothing', async () => {
    sts().setDelay(2000)
    await runWith({
      'action-timeout-s': '1',
      'request-timeout-seconds': '20',
      'retry-max-seconds': '30'
    })
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(process.exitCode).toBe(1)
    expect(errors()).toHaveLength(1)
    // The step gave up on the request, which is still open (the bundled step exits instead):
    // its late answer is let in while the test still runs, not after jest has torn it down.
    await new Promise(resolve => setTimeout(resolve, 3000))
    expect(core.exportVariable).not.toHaveBeenCalled()
  })
})

/**
 * mode: scope through the bundled action: assume once with OIDC, then narrow the exported
 * session step by step with GetScopedCredentials; the identity stays the role session.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import type { LocalGitHubOidc } from '../../local-sts/github-oidc.js'
import { DEFAULT_USER, type LocalSts } from '../../local-sts/server.js'
import {
  Job,
  maskProblems,
  mentionsBeforeMask,
  startOidcAndSts,
  type StepResult
} from './harness.js'

const ROLE = 'arn:aws:iam::111122223333:role/ci'
const READ =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}'
const READ_ONE =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::artifacts/*"}]}'

let sts: LocalSts
let oidc: LocalGitHubOidc
let job: Job
let oidcEnv: Record<string, string>

let close: () => Promise<void>

beforeAll(async () => {
  ;({ oidc, sts, oidcEnv, close } = await startOidcAndSts())
})
afterAll(async () => close())
beforeEach(() => {
  sts.reset()
  job = new Job(sts, { secrets: () => oidc.tokens })
})

async function assumeWithOidc(): Promise<StepResult> {
  const result = await job.run({
    inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' },
    env: oidcEnv
  })
  expect(result.exitCode).toBe(0)
  return result
}

/** One run of the bundled action in mode: scope, in us-east-1, with these inputs and environment. */
function scope(
  inputs: Record<string, string>,
  env: Record<string, string | undefined>,
  secrets?: string[]
): Promise<StepResult> {
  return job.run({ inputs: { mode: 'scope', 'aws-region': 'us-east-1', ...inputs }, env, secrets })
}

function expectRefusedBeforeRequest(result: StepResult, requestsBefore: number): string {
  expect(result.exitCode).toBe(1)
  expect(sts.requests).toHaveLength(requestsBefore)
  expect(result.env).toEqual({})
  expect(result.errors).toHaveLength(1)
  return result.errors[0]
}

describe('mode: scope', () => {
  it('narrows the session twice; the identity stays the role session', async () => {
    const assumed = await assumeWithOidc()
    const scoped = await scope(
      { 'inline-session-policy': READ },
      { ...oidcEnv, ...assumed.env, GITHUB_WORKFLOW: 'build', GITHUB_JOB: 'test' }
    )
    expect(scoped.exitCode).toBe(0)
    const request = sts.requests[1]
    expect(request.action).toBe('GetScopedCredentials')
    expect(request.accessKeyId).toBe(assumed.env.AWS_ACCESS_KEY_ID)
    expect(request.params.Policy).toBe(READ)
    expect(request.params.DurationSeconds).toBeUndefined()
    expect(request.params.ScopedSessionDescription).toBe(
      'scoped-role: octo-org/octo-repo / build / job test run 4242'
    )
    expect(scoped.outputs.arn).toBe(assumed.outputs.arn)
    expect(scoped.outputs['scoped-session-id']).toMatch(/^\S+$/)
    expect(scoped.env.AWS_ACCESS_KEY_ID).not.toBe(assumed.env.AWS_ACCESS_KEY_ID)
    expect(scoped.env.AWS_CREDENTIAL_EXPIRATION).toBe(assumed.env.AWS_CREDENTIAL_EXPIRATION)
    expect(scoped.summary).toContain('scoped the session in the environment')

    const narrower = await scope(
      { 'inline-session-policy': READ_ONE, 'role-duration-seconds': '900' },
      { ...scoped.env }
    )
    expect(narrower.exitCode).toBe(0)
    expect(sts.requests[2].accessKeyId).toBe(scoped.env.AWS_ACCESS_KEY_ID)
    expect(sts.requests[2].params.DurationSeconds).toBe('900')
    expect(narrower.outputs.arn).toBe(assumed.outputs.arn)

    // The SDK, with the last scoped credentials, still sees the same role session.
    const client = new STSClient({
      region: 'us-east-1',
      endpoint: sts.url,
      credentials: {
        accessKeyId: narrower.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: narrower.env.AWS_SECRET_ACCESS_KEY,
        sessionToken: narrower.env.AWS_SESSION_TOKEN
      }
    })
    expect((await client.send(new GetCallerIdentityCommand({}))).Arn).toBe(assumed.outputs.arn)
  })

  it('refuses IAM user keys before any request', async () => {
    const result = await scope(
      { 'inline-session-policy': READ },
      {
        AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
      }
    )
    const error = expectRefusedBeforeRequest(result, 0)
    expect(error).toContain('mode: scope needs temporary credentials')
    expect(error).toContain('GetSessionToken')
  })

  it('refuses a duration beyond the remaining lifetime before the request', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope(
      { 'inline-session-policy': READ, 'role-duration-seconds': '7200' },
      assumed.env
    )
    expect(expectRefusedBeforeRequest(result, 1)).toMatch(
      /role-duration-seconds: is 7200, but the credentials being scoped expire in \d+ s/
    )
  })

  it('explains STS refusing a duration it could not check itself', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope(
      { 'role-duration-seconds': '7200' },
      { ...assumed.env, AWS_CREDENTIAL_EXPIRATION: undefined }
    )
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toContain('GetScopedCredentials failed: InsufficientSessionLifetime')
    expect(result.errors[0]).toContain('Give a shorter duration')
    expect(result.env).toEqual({})
  })

  it.each([
    [
      { 'managed-session-policies': 'ReadOnlyAccess', 'inline-session-policy': READ },
      'managed-session-policies: cannot be used in mode: scope'
    ],
    [
      { 'role-to-assume': ROLE, 'inline-session-policy': READ },
      'role-to-assume: is not used in mode: scope'
    ],
    [{}, 'inline-session-policy: is required in mode: scope unless role-duration-seconds is given'],
    [
      { 'inline-session-policy': READ, 'sts-endpoint': 'https://sts.amazonaws.com' },
      'sts-endpoint: is the global STS endpoint'
    ],
    [{ 'role-duration-seconds': '200000' }, 'from 1 to 129600'],
    [
      {
        'inline-session-policy': READ,
        'aws-access-key-id': DEFAULT_USER.accessKeyId,
        'aws-secret-access-key': 'x'
      },
      'aws-access-key-id: does not apply in mode: scope'
    ],
    [
      { 'inline-session-policy': READ, 'unset-current-credentials': 'true' },
      'unset-current-credentials: does not apply'
    ]
  ])('refuses %j before any request', async (inputs, message) => {
    const result = await scope(inputs, oidcEnv)
    expect(expectRefusedBeforeRequest(result, 0)).toContain(message)
  })

  it('lets the scoped credentials go only where named: export-env false with output-credentials', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope(
      { 'inline-session-policy': READ_ONE, 'export-env': 'false', 'output-credentials': 'true' },
      assumed.env
    )
    expect(result.exitCode).toBe(0)
    expect(result.env).toEqual({})
    expect(result.outputs['aws-access-key-id']).toBe(sts.issued[sts.issued.length - 1].accessKeyId)
  })
})

describe('mode: scope checks', () => {
  it('applies allowed-account-ids to the scoped session: nothing exported for another account', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope(
      { 'inline-session-policy': READ, 'allowed-account-ids': '999999999999' },
      assumed.env
    )
    expect(result.exitCode).toBe(1)
    expect(result.env).toEqual({})
    expect(result.errors[0]).toContain('not in allowed-account-ids')
  })

  it('sends the scoped-session-description given', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope(
      { 'inline-session-policy': READ, 'scoped-session-description': 'third-party test suite' },
      assumed.env
    )
    expect(result.exitCode).toBe(0)
    expect(sts.requests[1].params.ScopedSessionDescription).toBe('third-party test suite')
  })

  it('masks the account before the scoping request with mask-aws-account-id', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope(
      { 'inline-session-policy': READ, 'mask-aws-account-id': 'true' },
      assumed.env
    )
    expect(result.exitCode).toBe(0)
    expect(sts.requests.map(r => r.action)).toEqual([
      'AssumeRoleWithWebIdentity',
      'GetCallerIdentity',
      'GetScopedCredentials'
    ])
    expect(result.stdout).toContain('::add-mask::111122223333')
    expect(mentionsBeforeMask(result.stdout, '111122223333')).toEqual([])
  })

  it('masks the credentials it scopes before the request, and the scoped ones before the outcome', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope({ 'inline-session-policy': READ }, assumed.env)
    expect(result.exitCode).toBe(0)
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      expect(
        maskProblems(result.stdout, assumed.env[name], 'GetScopedCredentials request')
      ).toEqual([])
      expect(maskProblems(result.stdout, result.env[name], 'Scoped arn:')).toEqual([])
    }
  })

  it('verifies the scoped credentials with verify-credentials', async () => {
    const assumed = await assumeWithOidc()
    const result = await scope(
      { 'inline-session-policy': READ, 'verify-credentials': 'true' },
      assumed.env
    )
    expect(result.exitCode).toBe(0)
    expect(sts.requests.map(r => r.action)).toEqual([
      'AssumeRoleWithWebIdentity',
      'GetScopedCredentials',
      'GetCallerIdentity'
    ])
    expect(result.stdout).toContain(
      'Source credentials: temporary credentials already in the environment (GetScopedCredentials)'
    )
  })
})

describe('mode: scope endpoints', () => {
  it('stays regional even when AWS_STS_REGIONAL_ENDPOINTS asks for the global endpoint', async () => {
    const result = await scope(
      { 'inline-session-policy': READ, 'retry-max-attempts': '1' },
      {
        AWS_ENDPOINT_URL_STS: undefined,
        AWS_STS_REGIONAL_ENDPOINTS: 'legacy',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE00',
        AWS_SECRET_ACCESS_KEY: 'secret-secret-secret',
        AWS_SESSION_TOKEN: 'token-token-token'
      },
      ['secret-secret-secret', 'token-token-token']
    )
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(
      'loopback guard: refused a connection to sts.us-east-1.amazonaws.com'
    )
  })
})

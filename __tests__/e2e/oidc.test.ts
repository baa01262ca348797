/**
 * Every source of first credentials through the bundled action: the job's GitHub OIDC token
 * (the real core.getIDToken against a local ID-token endpoint), a web identity token file,
 * static keys, the environment and role chaining, each narrowed by session policies.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startLocalGitHubOidc, type LocalGitHubOidc } from '../../local-sts/github-oidc.js'
import { DEFAULT_USER, type LocalSts } from '../../local-sts/server.js'
import { Job, mentionsBeforeMask, startOidcAndSts, type StepResult } from './harness.js'

const ROLE = 'arn:aws:iam::111122223333:role/preview'
const STRICT_ROLE = 'arn:aws:iam::111122223333:role/release'
const REJECTING_ROLE = 'arn:aws:iam::111122223333:role/rejecting'
const CHAINED_ROLE = 'arn:aws:iam::111122223333:role/uploader'
const POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::previews/*"}]}'

let sts: LocalSts
let oidc: LocalGitHubOidc
let job: Job
let oidcEnv: Record<string, string>
let oidcSeen = 0
/** ID-token requests made by the current test (the endpoint keeps them all). */
const oidcRequests = () => oidc.requests.slice(oidcSeen)

let close: () => Promise<void>

beforeAll(async () => {
  ;({ oidc, sts, oidcEnv, close } = await startOidcAndSts([
    {
      arn: ROLE,
      maxSessionDuration: 7200,
      webIdentity: { subjects: ['repo:octo-org/octo-repo:*'] }
    },
    {
      arn: STRICT_ROLE,
      webIdentity: { subjects: ['repo:octo-org/octo-repo:environment:production'] }
    },
    { arn: REJECTING_ROLE, webIdentity: {}, rejectClaims: true },
    { arn: CHAINED_ROLE }
  ]))
})
afterAll(async () => close())
beforeEach(() => {
  sts.reset()
  oidcSeen = oidc.requests.length
  job = new Job(sts, { secrets: () => [...oidc.tokens, oidc.requestToken] })
})

const lastIssued = () => sts.issued[sts.issued.length - 1]

function expectFailed(result: StepResult, requests: number): string {
  expect(result.exitCode).toBe(1)
  expect(result.env).toEqual({})
  expect(result.outputs).toEqual({})
  expect(sts.requests).toHaveLength(requests)
  expect(result.errors).toHaveLength(1)
  return result.errors[0]
}

describe('GitHub OIDC', () => {
  it('exchanges the job token with AssumeRoleWithWebIdentity, with the session policies, unsigned', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'eu-central-1',
        'inline-session-policy': POLICY,
        'managed-session-policies': 'ReadOnlyAccess'
      },
      env: oidcEnv
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      'Source credentials: GitHub OIDC (AssumeRoleWithWebIdentity), because no keys are given and the job may request a GitHub OIDC token (id-token: write).'
    )
    expect(oidcRequests().map(r => r.audience)).toEqual(['sts.amazonaws.com'])
    const request = sts.requests[0]
    expect(request.action).toBe('AssumeRoleWithWebIdentity')
    expect(request.signed).toBe(false)
    expect(request.params.WebIdentityToken).toBe(oidc.tokens[0])
    expect(request.params.Policy).toBe(POLICY)
    expect(request.params['PolicyArns.member.1.arn']).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess')
    expect(result.env.AWS_ACCESS_KEY_ID).toBe(lastIssued().accessKeyId)
    expect(result.outputs.arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/preview/gh-4242-1-dependabot_bot'
    )
    expect(sts.requests).toHaveLength(1)
    // The token itself is masked by core before any line could show it (checked by the leak scan).
    expect(result.stdout).toContain(`::add-mask::${oidc.tokens[0]}`)
  })

  it('asks for the audience given', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        audience: 'https://github.com/octo-org'
      },
      env: oidcEnv
    })
    // InvalidIdentityToken earns one retry with a fresh token, for the same audience.
    expect(oidcRequests().map(r => r.audience)).toEqual([
      'https://github.com/octo-org',
      'https://github.com/octo-org'
    ])
    const error = expectFailed(result, 2)
    expect(error).toContain('AssumeRoleWithWebIdentity failed: InvalidIdentityToken')
    expect(error).toContain(
      "The token's audience (aud: https://github.com/octo-org) is not a client id"
    )
  })

  it('shows the claims and the trust condition that would match when the trust policy refuses', async () => {
    const result = await job.run({
      inputs: { 'role-to-assume': STRICT_ROLE, 'aws-region': 'us-east-1' },
      env: oidcEnv
    })
    const error = expectFailed(result, 1)
    expect(error).toContain('AssumeRoleWithWebIdentity failed: AccessDenied')
    expect(error).toContain(
      'sub repo:octo-org/octo-repo:ref:refs/heads/main, aud sts.amazonaws.com, iss https://token.actions.githubusercontent.com'
    )
    expect(error).toContain(
      '"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:ref:refs/heads/main"}'
    )
  })

  it('explains IDPRejectedClaim the same way', async () => {
    const result = await job.run({
      inputs: { 'role-to-assume': REJECTING_ROLE, 'aws-region': 'us-east-1' },
      env: oidcEnv
    })
    const error = expectFailed(result, 1)
    expect(error).toContain('IDPRejectedClaim')
    expect(error).toContain('sub repo:octo-org/octo-repo:ref:refs/heads/main')
  })

  it('fetches a new token once when STS calls the first one expired', async () => {
    sts.injectFault({ status: 400, code: 'ExpiredTokenException', message: 'Token expired' })
    const result = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' },
      env: oidcEnv
    })
    expect(result.exitCode).toBe(0)
    expect(oidcRequests()).toHaveLength(2)
    expect(sts.requests.map(r => r.status)).toEqual([400, 200])
    expect(result.stdout).toContain(
      'failed: ExpiredTokenException; retrying at once with a new token.'
    )
  })

  it('keeps sending the fresh token on retries after a refresh', async () => {
    sts.injectFault({ status: 400, code: 'ExpiredTokenException', message: 'Token expired' })
    sts.injectFault({ status: 503 })
    const result = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' },
      env: oidcEnv
    })
    expect(result.exitCode).toBe(0)
    const tokens = sts.requests.map(r => r.params.WebIdentityToken)
    expect(tokens).toHaveLength(3)
    expect(tokens[1]).not.toBe(tokens[0])
    expect(tokens[2]).toBe(tokens[1])
  })

  it('warns about AssumeRole-only inputs, and does not send them', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'role-session-tags': 'Team=web',
        'source-identity': 'alice'
      },
      env: oidcEnv
    })
    expect(result.exitCode).toBe(0)
    expect(result.warnings).toEqual([
      'role-session-tags is not sent: AssumeRoleWithWebIdentity does not take it (session tags come from the token; external ids, MFA and source identities are AssumeRole only).',
      'source-identity is not sent: AssumeRoleWithWebIdentity does not take it (session tags come from the token; external ids, MFA and source identities are AssumeRole only).'
    ])
    expect(
      Object.keys(sts.requests[0].params).filter(
        k => k.startsWith('Tags') || k === 'SourceIdentity'
      )
    ).toEqual([])
  })

  it('says to add id-token: write, with the YAML, when nothing else can be the source', async () => {
    const result = await job.run({ inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' } })
    const error = expectFailed(result, 0)
    expect(error).toContain('permissions:\n  id-token: write')
  })

  it('bounds the token request by the retry budget when the token endpoint keeps failing', async () => {
    const failing = await startLocalGitHubOidc()
    failing.injectFault({ status: 503 }, 100)
    try {
      const result = await job.run({
        inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'retry-max-seconds': '2' },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: failing.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: failing.requestToken
        }
      })
      const error = expectFailed(result, 0)
      expect(error).toContain("Could not get a GitHub OIDC token for audience 'sts.amazonaws.com'")
      expect(error).toContain('no token within retry-max-seconds (2 s)')
      // Bounded by the budget, not by the 100 failures queued; generous for a busy machine.
      expect(result.durationMs).toBeLessThan(2000 + 10_000)
    } finally {
      await failing.close()
    }
  })

  it('refuses force-source: oidc without the permission, before any request', async () => {
    const result = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'force-source': 'oidc' }
    })
    expect(expectFailed(result, 0)).toContain('id-token: write')
    expect(oidcRequests()).toHaveLength(0)
  })
})

describe('web identity token file', () => {
  it('reads the token from the workspace and narrows the session', async () => {
    const token = (await fetch(`${oidc.requestUrl}&audience=sts.amazonaws.com`, {
      headers: { authorization: `Bearer ${oidc.requestToken}` }
    }).then(r => r.json())) as { value: string }
    const file = job.writeWorkspaceFile('token', `${token.value}\n`)
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'web-identity-token-file': file,
        'managed-session-policies': 'ReadOnlyAccess'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      'web identity token file (AssumeRoleWithWebIdentity), because web-identity-token-file is set'
    )
    expect(sts.requests[0].params.WebIdentityToken).toBe(token.value)
    expect(sts.requests[0].params['PolicyArns.member.1.arn']).toBe(
      'arn:aws:iam::aws:policy/ReadOnlyAccess'
    )
    expect(result.stdout).toContain(`::add-mask::${token.value}`)
  })
})

describe('keys and the environment, around OIDC', () => {
  const KEYS = {
    'aws-access-key-id': DEFAULT_USER.accessKeyId,
    'aws-secret-access-key': DEFAULT_USER.secretAccessKey
  }

  it('prefers static keys over OIDC, and sends tags only on AssumeRole', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': CHAINED_ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'inline-session-policy': POLICY,
        'role-session-tags': 'Team=payments',
        'transitive-tag-keys': 'Team',
        'tag-session-with-github-context': 'true',
        'source-identity': 'release-bot'
      },
      env: {
        ...oidcEnv,
        GITHUB_WORKFLOW: 'Release (prod)',
        GITHUB_REF: 'refs/tags/v1',
        GITHUB_SHA: 'abc'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(oidcRequests()).toHaveLength(0)
    const params = sts.requests[0].params
    expect(sts.requests[0].action).toBe('AssumeRole')
    const tags = Object.fromEntries(
      Object.keys(params)
        .filter(k => /^Tags\.member\.\d+\.Key$/.test(k))
        .map(k => [params[k], params[k.replace('Key', 'Value')]])
    )
    expect(tags).toEqual({
      Repository: 'octo-org/octo-repo',
      Workflow: 'Release _prod_',
      RunId: '4242',
      Actor: 'dependabot_bot_',
      Ref: 'refs/tags/v1',
      Commit: 'abc',
      Team: 'payments'
    })
    expect(params['TransitiveTagKeys.member.1']).toBe('Team')
    expect(params.SourceIdentity).toBe('release-bot')
    expect(params.Policy).toBe(POLICY)
  })

  it('chains roles across two runs: the second assumes with the first run’s exported credentials', async () => {
    const first = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'managed-session-policies': 'ReadOnlyAccess'
      },
      env: oidcEnv
    })
    expect(first.exitCode).toBe(0)
    const second = await job.run({
      inputs: {
        'role-to-assume': CHAINED_ROLE,
        'role-chaining': 'true',
        'inline-session-policy': POLICY
      },
      env: { ...oidcEnv, ...first.env }
    })
    expect(second.exitCode).toBe(0)
    expect(second.stdout).toContain('because role-chaining: true')
    expect(sts.requests.map(r => r.action)).toEqual(['AssumeRoleWithWebIdentity', 'AssumeRole'])
    expect(sts.requests[1].accessKeyId).toBe(first.env.AWS_ACCESS_KEY_ID)
    expect(sts.requests[1].params.Policy).toBe(POLICY)
    expect(second.outputs.arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/uploader/gh-4242-1-dependabot_bot'
    )
  })

  it('refuses a chained duration over an hour before any request', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': CHAINED_ROLE,
        'aws-region': 'us-east-1',
        'role-chaining': 'true',
        'role-duration-seconds': '7200'
      },
      env: {
        AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
      }
    })
    expect(expectFailed(result, 0)).toContain(
      'STS caps a chained role session (role-chaining: true) at 3600 seconds'
    )
  })

  it('blanks inherited credentials with unset-current-credentials, so OIDC is used and the old keys are gone', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'unset-current-credentials': 'true',
        'force-source': 'oidc'
      },
      env: {
        ...oidcEnv,
        AWS_ACCESS_KEY_ID: 'ASIAOLDOLDOLDOLD0000',
        AWS_SESSION_TOKEN: 'old-token-old',
        AWS_PROFILE: 'old-profile'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      'Unset AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN, AWS_PROFILE inherited from earlier steps.'
    )
    expect(result.env.AWS_ACCESS_KEY_ID).toBe(lastIssued().accessKeyId)
    // The one the new session does not overwrite: blanked, or later steps would read the old profile.
    expect(result.env.AWS_PROFILE).toBe('')
  })

  it('blanks them with aws-profile and export-env: false too, so later steps read the profile', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'unset-current-credentials': 'true',
        'force-source': 'oidc',
        'export-env': 'false',
        'aws-profile': 'deploy'
      },
      env: {
        ...oidcEnv,
        AWS_ACCESS_KEY_ID: 'ASIAOLDOLDOLDOLD0000',
        AWS_SECRET_ACCESS_KEY: 'old/secret/old/secret/old',
        AWS_SESSION_TOKEN: 'old-token-old'
      },
      secrets: ['old/secret/old/secret/old']
    })
    expect(result.exitCode).toBe(0)
    expect(result.env).toMatchObject({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: ''
    })
    expect(result.env.AWS_REGION).toBeUndefined()
    expect(result.warnings).toEqual([])
  })
})

describe('force-source', () => {
  it('uses the environment over OIDC when told to, and says why', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': CHAINED_ROLE,
        'aws-region': 'us-east-1',
        'force-source': 'environment'
      },
      env: {
        ...oidcEnv,
        AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
      },
      secrets: ['unused-unused-unused']
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('because force-source: environment')
    expect(sts.requests[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    expect(oidcRequests()).toHaveLength(0)
  })
})

describe('unset-current-credentials on a failed step', () => {
  it('leaves the inherited variables in place for the later steps', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': STRICT_ROLE,
        'aws-region': 'us-east-1',
        'unset-current-credentials': 'true',
        'force-source': 'oidc'
      },
      env: {
        ...oidcEnv,
        AWS_ACCESS_KEY_ID: 'ASIAOLDOLDOLDOLD0000',
        AWS_SESSION_TOKEN: 'old-token-old'
      }
    })
    expect(result.exitCode).toBe(1)
    expect(result.env).toEqual({})
  })
})

describe('checks around the session', () => {
  it('fails before any request when the role is in an account not allowed', async () => {
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'allowed-account-ids': '444455556666'
      },
      env: oidcEnv
    })
    const error = expectFailed(result, 0)
    expect(error).toContain(
      'The role is in account 111122223333, which is not in allowed-account-ids (444455556666)'
    )
    expect(result.stdout).toContain('::error title=Account not allowed::')
  })

  it('sets the credentials as outputs only with output-credentials', async () => {
    const without = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' },
      env: oidcEnv
    })
    expect(Object.keys(without.outputs).sort()).toEqual([
      'arn',
      'authenticated-arn',
      'aws-account-id',
      'aws-expiration',
      'expiration',
      'session-token-utilization',
      'user-id'
    ])
    const withCredentials = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'output-credentials': 'true' },
      env: oidcEnv
    })
    const issued = lastIssued()
    expect(withCredentials.outputs).toMatchObject({
      'aws-access-key-id': issued.accessKeyId,
      'aws-secret-access-key': issued.secretAccessKey,
      'aws-session-token': issued.sessionToken
    })
  })

  it('masks the account id (and so every ARN holding it) with mask-aws-account-id', async () => {
    const result = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'mask-aws-account-id': 'true' },
      env: oidcEnv
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('::add-mask::111122223333')
    expect(mentionsBeforeMask(result.stdout, '111122223333')).toEqual([])
  })
})

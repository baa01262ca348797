// The local GitHub ID-token endpoint and web identity federation with the local STS, driven the
// way the action drives them: tokens come from the real @actions/core getIDToken() and go to STS
// through the real @aws-sdk/client-sts, so their HTTP clients, retries and parsers are exercised.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals'
import http from 'node:http'
import {
  STSClient,
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetScopedCredentialsCommand,
  type AssumeRoleWithWebIdentityCommandInput,
  type AssumeRoleWithWebIdentityCommandOutput
} from '@aws-sdk/client-sts'
import {
  GITHUB_ISSUER,
  decodeJwt,
  startLocalGitHubOidc,
  type LocalGitHubOidc
} from '../../local-sts/github-oidc.js'
import {
  DEFAULT_USER,
  packedPolicyPercent,
  startLocalSts,
  type LocalSts
} from '../../local-sts/server.js'
import { withoutWorkflowCommands } from '../support/quiet.js'
import { REFUSED_SESSION_POLICY_PARAMETERS } from '../support/session-policy-cases.js'
import { expectCode } from '../support/sdk-errors.js'

const ACCOUNT = '111122223333'
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }]
})

type Core = typeof import('@actions/core')
let core: Core
let oidc: LocalGitHubOidc
let sts: LocalSts
let stsClock = 0 // offset in ms, so STS can run ahead of the token service
const clients: STSClient[] = []

function client(
  target: LocalSts,
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
) {
  const c = new STSClient({
    endpoint: target.url,
    region: 'us-east-1',
    maxAttempts: 1,
    ...(credentials ? { credentials: { ...credentials } } : {})
  })
  clients.push(c)
  return c
}

// null asks for no audience at all (getIDToken() without an argument). The token is masked
// before anything else is written, and that mask line stays out of the test log.
async function idToken(audience: string | null = 'sts.amazonaws.com'): Promise<string> {
  const { value, commands } = await withoutWorkflowCommands(() =>
    core.getIDToken(audience ?? undefined)
  )
  expect(commands.filter(line => line.startsWith('::add-mask::'))).toEqual([`::add-mask::${value}`])
  return value
}

async function federate(
  input: Partial<AssumeRoleWithWebIdentityCommandInput> = {},
  target: LocalSts = sts
): Promise<AssumeRoleWithWebIdentityCommandOutput> {
  const token = input.WebIdentityToken ?? (await idToken())
  return client(target).send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: role('gha'),
      RoleSessionName: 'ci',
      ...input,
      WebIdentityToken: token
    } as AssumeRoleWithWebIdentityCommandInput)
  )
}

function sessionCredentials(out: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }
}) {
  return {
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!
  }
}

function getRaw(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; type?: string }>((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', chunk => (body += chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] })
        )
      })
      .on('error', reject)
  })
}

beforeAll(async () => {
  core = await import('@actions/core')
  oidc = await startLocalGitHubOidc()
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken
  sts = await startLocalSts({
    now: () => new Date(Date.now() + stsClock),
    identityProviders: [oidc.provider('sts.amazonaws.com', 'custom-aud')],
    roles: [
      {
        arn: role('gha'),
        maxSessionDuration: 7200,
        webIdentity: {
          issuer: GITHUB_ISSUER,
          audiences: ['sts.amazonaws.com'],
          subjects: [
            'repo:octo-org/octo-repo:ref:refs/heads/*',
            'repo:octo-org/octo-repo:environment:prod'
          ]
        }
      },
      { arn: role('keys-only') },
      { arn: role('any-github'), webIdentity: {} },
      { arn: role('custom-aud'), webIdentity: { audiences: ['custom-aud'] } },
      { arn: role('pr'), webIdentity: { subjects: ['repo:octo-org/*:pull_request'] } },
      {
        arn: role('versions'),
        webIdentity: { subjects: ['repo:octo-org/octo-repo:ref:refs/tags/v?'] }
      },
      {
        arn: role('enterprise'),
        webIdentity: { issuer: 'token.actions.githubusercontent.com/octo-enterprise' }
      },
      { arn: role('rejecting'), webIdentity: {}, rejectClaims: true }
    ]
  })
})
afterAll(async () => {
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  for (const c of clients) c.destroy()
  await Promise.all([oidc.close(), sts.close()])
})
beforeEach(() => {
  oidc.setClaims({
    sub: undefined,
    iss: undefined,
    environment: undefined,
    event_name: undefined,
    ref: undefined
  })
  oidc.setTtl(300)
  stsClock = 0
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken
})

describe('GitHub ID-token endpoint, through @actions/core getIDToken', () => {
  it('hands getIDToken an RS256 JWT shaped like GitHub’s', async () => {
    expect(oidc.requestUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\S+\?api-version=2\.0$/)
    const before = Math.floor(Date.now() / 1000)
    const token = await idToken()
    expect(oidc.tokens.at(-1)).toBe(token)
    expect(oidc.requests.at(-1)).toEqual({
      audience: 'sts.amazonaws.com',
      authorized: true,
      status: 200
    })
    const { header, payload } = decodeJwt(token)!
    expect(header).toEqual({
      typ: 'JWT',
      alg: 'RS256',
      x5t: expect.stringMatching(/^[\w-]{27}$/),
      kid: oidc.kid
    })
    expect(payload).toMatchObject({
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      ref: 'refs/heads/main',
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
      run_id: expect.stringMatching(/^\d+$/),
      actor: 'octocat',
      workflow: 'CI',
      event_name: 'push',
      ref_type: 'branch',
      job_workflow_ref: 'octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main',
      iss: 'https://token.actions.githubusercontent.com'
    })
    expect(payload).not.toHaveProperty('environment')
    const { iat, nbf, exp } = payload as { iat: number; nbf: number; exp: number }
    expect(iat).toBeGreaterThanOrEqual(before)
    expect(exp - iat).toBe(300)
    expect(nbf).toBeLessThan(iat)
    expect(Object.keys(payload).slice(0, 2)).toEqual(['jti', 'sub'])

    expect(oidc.verify(token)).toEqual({ ok: true, claims: payload })
  })

  it('defaults the audience to the owner URL when none is asked for', async () => {
    const token = await idToken(null)
    expect(oidc.requests.at(-1)?.audience).toBeUndefined()
    expect(decodeJwt(token)?.payload.aud).toBe('https://github.com/octo-org')
  })

  it('derives sub the way GitHub does, and lets any claim be overridden', async () => {
    const sub = async () => decodeJwt(await idToken())!.payload

    oidc.setClaims({ environment: 'prod' })
    expect(await sub()).toMatchObject({
      sub: 'repo:octo-org/octo-repo:environment:prod',
      environment: 'prod'
    })
    oidc.setClaims({ environment: undefined, event_name: 'pull_request' })
    expect((await sub()).sub).toBe('repo:octo-org/octo-repo:pull_request')
    oidc.setClaims({ event_name: undefined, ref: 'refs/tags/v1' })
    expect(await sub()).toMatchObject({
      sub: 'repo:octo-org/octo-repo:ref:refs/tags/v1',
      ref_type: 'tag'
    })
    oidc.setClaims({ sub: 'repo:octo-org/octo-repo:custom' })
    expect((await sub()).sub).toBe('repo:octo-org/octo-repo:custom')

    const other = await startLocalGitHubOidc({
      claims: { repository: 'acme/widgets', actor: 'wile' },
      now: () => new Date('2026-11-28T12:00:00Z'),
      ttlSeconds: 60
    })
    try {
      const reply = await getRaw(`${other.requestUrl}&audience=x`, {
        authorization: `Bearer ${other.requestToken}`
      })
      expect(reply.type).toBe('application/json; charset=utf-8')
      const { value } = JSON.parse(reply.body) as { value: string }
      expect(decodeJwt(value)?.payload).toMatchObject({
        sub: 'repo:acme/widgets:ref:refs/heads/main',
        repository_owner: 'acme',
        actor: 'wile',
        aud: 'x',
        iat: Date.parse('2026-11-28T12:00:00Z') / 1000,
        exp: Date.parse('2026-11-28T12:01:00Z') / 1000
      })
    } finally {
      await other.close()
    }
  })

  it('answers 401 for a wrong or missing bearer token', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'not-the-token'
    await expect(idToken()).rejects.toThrow(/Failed to get ID Token[\s\S]*Error Code : 401/)
    expect(oidc.requests.at(-1)).toEqual({
      audience: 'sts.amazonaws.com',
      authorized: false,
      status: 401
    })
    const missing = await getRaw(`${oidc.requestUrl}&audience=sts.amazonaws.com`)
    expect(missing.status).toBe(401)
    expect(JSON.parse(missing.body)).toEqual({ message: expect.stringContaining('Bearer') })
  })

  it('injects faults: getIDToken retries a 503, fails on a 500 and on a dropped connection', async () => {
    const start = oidc.requests.length
    oidc.injectFault({ status: 503 })
    await idToken()
    expect(oidc.requests.slice(start).map(r => r.status)).toEqual([503, 200])

    oidc.injectFault({ status: 500 })
    await expect(idToken()).rejects.toThrow(/Error Code : 500/)
    oidc.injectFault({ drop: true })
    await expect(idToken()).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(oidc.requests.at(-1)?.status).toBe(0)
    await idToken()
  })

  it('verifies signature, expiry and shape', async () => {
    const token = await idToken()
    const [h, p, s] = token.split('.')
    const forged = Buffer.from(
      JSON.stringify({ ...decodeJwt(token)!.payload, sub: 'repo:evil/repo:ref:refs/heads/main' })
    ).toString('base64url')
    expect(oidc.verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, reason: 'signature' })
    expect(oidc.verify(`${h}.${p}.${s.slice(0, -4)}AAAA`)).toEqual({
      ok: false,
      reason: 'signature'
    })
    expect(oidc.verify('not.a.jwt')).toEqual({ ok: false, reason: 'malformed' })
    expect(oidc.verify(`${h}.${p}`)).toEqual({ ok: false, reason: 'malformed' })

    const other = await startLocalGitHubOidc()
    try {
      const foreign = await getRaw(other.requestUrl, {
        authorization: `Bearer ${other.requestToken}`
      })
      expect(oidc.verify((JSON.parse(foreign.body) as { value: string }).value)).toEqual({
        ok: false,
        reason: 'signature'
      })
    } finally {
      await other.close()
    }

    oidc.setTtl(-1)
    expect(oidc.verify(await idToken())).toEqual({ ok: false, reason: 'expired' })
  })
})

describe('AssumeRoleWithWebIdentity', () => {
  it('federates a getIDToken token, unsigned, with Policy and PolicyArns recorded', async () => {
    const policyArns = [
      { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      { arn: `arn:aws:iam::${ACCOUNT}:policy/team/Boundary` }
    ]
    const token = await idToken()
    // Credentials on the client do not matter: the SDK sends this call without a signature.
    const out = await client(sts, DEFAULT_USER).send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: role('gha'),
        RoleSessionName: 'gha-run',
        WebIdentityToken: token,
        Policy: POLICY,
        PolicyArns: policyArns,
        DurationSeconds: 7200
      })
    )
    const percent = packedPolicyPercent(POLICY.length, 2, 0, true)
    expect(out).toMatchObject({
      SubjectFromWebIdentityToken: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      Provider: 'token.actions.githubusercontent.com',
      Audience: 'sts.amazonaws.com',
      AssumedRoleUser: {
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/gha/gha-run`,
        AssumedRoleId: expect.stringMatching(/^AROA[A-Z0-9]{17}:gha-run$/)
      },
      PackedPolicySize: percent,
      SessionTokenUtilization: percent,
      SessionTokenSize: out.Credentials?.SessionToken?.length
    })
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now()
    expect(lifetime).toBeGreaterThan(7_195_000)
    expect(lifetime).toBeLessThanOrEqual(7_200_000)

    const request = sts.requests.at(-1)!
    expect(request).toMatchObject({
      action: 'AssumeRoleWithWebIdentity',
      signed: false,
      verified: false,
      status: 200
    })
    expect(request.headers.authorization).toBeUndefined()
    expect(request.params).toMatchObject({
      RoleArn: role('gha'),
      RoleSessionName: 'gha-run',
      WebIdentityToken: token,
      Policy: POLICY,
      'PolicyArns.member.1.arn': policyArns[0].arn,
      'PolicyArns.member.2.arn': policyArns[1].arn,
      DurationSeconds: '7200'
    })
    expect(sts.issued.at(-1)).toMatchObject({
      accessKeyId: out.Credentials?.AccessKeyId,
      roleArn: role('gha'),
      sourceArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      policy: POLICY,
      policyArns: policyArns.map(p => p.arn),
      durationSeconds: 7200,
      webIdentity: {
        subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
        audience: 'sts.amazonaws.com',
        provider: 'token.actions.githubusercontent.com'
      }
    })

    const identity = await client(sts, sessionCredentials(out)).send(
      new GetCallerIdentityCommand({})
    )
    expect(identity).toMatchObject({
      Arn: out.AssumedRoleUser?.Arn,
      UserId: out.AssumedRoleUser?.AssumedRoleId,
      Account: ACCOUNT
    })
  })

  it('caps AssumeRole chained from web identity credentials at one hour', async () => {
    const web = sessionCredentials(await federate())
    const chain = (DurationSeconds: number) =>
      client(sts, web).send(
        new AssumeRoleCommand({
          RoleArn: role('keys-only'),
          RoleSessionName: 'next',
          DurationSeconds
        })
      )
    const error = await expectCode(chain(3601), 'ValidationError', 400)
    expect(error.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
    )
    const out = await chain(3600)
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/keys-only/next`)
    expect(sts.issued.at(-1)?.sourceArn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/gha/ci`)
  })

  it('gives sessions that GetScopedCredentials narrows, keeping the web identity', async () => {
    const out = await federate()
    const scoped = await client(sts, sessionCredentials(out)).send(
      new GetScopedCredentialsCommand({ Policy: POLICY, DurationSeconds: 300 })
    )
    expect(scoped.SessionInfo?.Arn).toBe(out.AssumedRoleUser?.Arn)
    expect(scoped.ScopedPoliciesCount).toBe(1)
    expect(sts.issued.at(-1)).toMatchObject({
      sourceArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      webIdentity: { subject: out.SubjectFromWebIdentityToken, audience: 'sts.amazonaws.com' },
      scope: { count: 1, policies: [POLICY] }
    })
    const identity = await client(sts, sessionCredentials(scoped)).send(
      new GetCallerIdentityCommand({})
    )
    expect(identity.Arn).toBe(out.AssumedRoleUser?.Arn)
  })

  describe('validation, as for AssumeRole', () => {
    const cases: [string, Partial<AssumeRoleWithWebIdentityCommandInput>, string][] = [
      ['a 3-character token', { WebIdentityToken: 'abc' }, 'ValidationError'],
      ['a 20001-character token', { WebIdentityToken: 'a'.repeat(20001) }, 'ValidationError'],
      ['DurationSeconds 899', { DurationSeconds: 899 }, 'ValidationError'],
      ['DurationSeconds 43201', { DurationSeconds: 43201 }, 'ValidationError'],
      ['a session name with a space', { RoleSessionName: 'a b' }, 'ValidationError'],
      ['a 2049-character policy', { Policy: ' '.repeat(2049) }, 'ValidationError'],
      ['a policy with CJK', { Policy: '{"Statement":"日本"}' }, 'ValidationError'],
      ...REFUSED_SESSION_POLICY_PARAMETERS,
      ['a 3-character ProviderId', { ProviderId: 'abc' }, 'ValidationError']
    ]
    it.each(cases)('rejects %s', async (_name, input, code) => {
      await expectCode(federate(input), code, 400)
      expect(sts.requests.at(-1)).toMatchObject({
        action: 'AssumeRoleWithWebIdentity',
        status: 400,
        errorCode: code
      })
    })

    it('keeps the token out of validation messages', async () => {
      const error = await expectCode(
        federate({ WebIdentityToken: 'x'.repeat(20001) }),
        'ValidationError'
      )
      expect(error.message).toBe(
        "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000"
      )
    })

    it('applies the role MaxSessionDuration and the packed-size limit', async () => {
      const error = await expectCode(
        federate({ RoleArn: role('any-github'), DurationSeconds: 3601 }),
        'ValidationError'
      )
      expect(error.message).toBe(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
      )
      const policy = JSON.stringify({
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(1976) }]
      })
      const arns = Array.from({ length: 10 }, (_, i) => ({
        arn: `arn:aws:iam::aws:policy/P${i}xxxxxx`
      }))
      const tooLarge = await expectCode(
        federate({ Policy: policy, PolicyArns: arns }),
        'PackedPolicyTooLarge',
        400
      )
      expect(tooLarge.message).toContain(`${packedPolicyPercent(policy.length, 10, 0, true)}%`)
    })

    it('accepts a ProviderId and records it', async () => {
      await federate({ RoleArn: role('any-github'), ProviderId: 'www.amazon.com' })
      expect(sts.requests.at(-1)?.params.ProviderId).toBe('www.amazon.com')
    })
  })

  describe('token checks', () => {
    it('rejects what is not a JWT, and a bad signature, as InvalidIdentityToken', async () => {
      await expectCode(federate({ WebIdentityToken: 'not-a-jwt' }), 'InvalidIdentityToken', 400)
      const [h, p, s] = (await idToken()).split('.')
      const tampered = Buffer.from(
        JSON.stringify({
          ...decodeJwt(`${h}.${p}.${s}`)!.payload,
          sub: 'repo:evil/x:ref:refs/heads/main'
        })
      ).toString('base64url')
      const error = await expectCode(
        federate({ WebIdentityToken: `${h}.${tampered}.${s}` }),
        'InvalidIdentityToken',
        400
      )
      expect(error.message).toContain('signature')
    })

    it('rejects a token from an issuer with no provider in the account', async () => {
      oidc.setClaims({ iss: 'https://token.actions.githubusercontent.com/octo-enterprise' })
      const error = await expectCode(federate(), 'InvalidIdentityToken', 400)
      expect(error.message).toBe(
        'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com/octo-enterprise'
      )
      const bare = await startLocalSts()
      try {
        oidc.setClaims({ iss: undefined })
        const none = await expectCode(federate({}, bare), 'InvalidIdentityToken')
        expect(none.message).toBe(
          `No OpenIDConnect provider found in your account for ${GITHUB_ISSUER}`
        )
        // Without configured roles, every role trusts every registered provider.
        bare.addIdentityProvider(oidc.provider())
        const out = await federate({ RoleArn: role('whatever') }, bare)
        expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/whatever/ci`)
      } finally {
        await bare.close()
      }
    })

    it('rejects an audience the provider was not registered with', async () => {
      const error = await expectCode(
        federate({ WebIdentityToken: await idToken(null) }),
        'InvalidIdentityToken',
        400
      )
      expect(error.message).toBe('Incorrect token audience')
    })

    it('answers ExpiredTokenException for an expired token, by either clock', async () => {
      oidc.setTtl(-5)
      const error = await expectCode(federate(), 'ExpiredTokenException', 400)
      expect(error.message).toMatch(
        /^Token expired: current date\/time \d{10} must be before the expiration date\/time ?\d{10}$/
      )

      oidc.setTtl(300)
      const token = await idToken()
      stsClock = 301_000
      await expectCode(federate({ WebIdentityToken: token }), 'ExpiredTokenException', 400)
      stsClock = 0
      await federate({ WebIdentityToken: token })
    })
  })

  describe('role trust', () => {
    const denied = 'Not authorized to perform sts:AssumeRoleWithWebIdentity'

    it('denies roles without web identity trust, and missing roles', async () => {
      for (const arn of [role('keys-only'), role('missing')]) {
        const error = await expectCode(federate({ RoleArn: arn }), 'AccessDenied', 403)
        expect(error.message).toBe(denied)
      }
    })

    it('matches subjects with * and ? wildcards', async () => {
      oidc.setClaims({ ref: 'refs/heads/feature/login' })
      await federate()
      oidc.setClaims({ ref: undefined, environment: 'prod' })
      await federate()
      oidc.setClaims({ environment: 'staging' })
      expect((await expectCode(federate(), 'AccessDenied', 403)).message).toBe(denied)

      oidc.setClaims({ environment: undefined, ref: 'refs/tags/v1' })
      await federate({ RoleArn: role('versions') })
      oidc.setClaims({ ref: 'refs/tags/v10' })
      await expectCode(federate({ RoleArn: role('versions') }), 'AccessDenied')

      oidc.setClaims({ ref: undefined, event_name: 'pull_request' })
      const pr = await federate({ RoleArn: role('pr') })
      expect(pr.SubjectFromWebIdentityToken).toBe('repo:octo-org/octo-repo:pull_request')
      await expectCode(federate(), 'AccessDenied')
    })

    it('checks the audience and issuer the role trusts', async () => {
      await expectCode(federate({ RoleArn: role('custom-aud') }), 'AccessDenied', 403)
      const out = await federate({
        RoleArn: role('custom-aud'),
        WebIdentityToken: await idToken('custom-aud')
      })
      expect(out.Audience).toBe('custom-aud')
      // The token passes the provider's checks but comes from another issuer than trusted.
      await expectCode(federate({ RoleArn: role('enterprise') }), 'AccessDenied', 403)
    })

    it('answers IDPRejectedClaim where the role says so', async () => {
      const error = await expectCode(
        federate({ RoleArn: role('rejecting') }),
        'IDPRejectedClaim',
        403
      )
      expect(error.message).toBe(
        'Claims in the web identity token were rejected by the identity provider'
      )
    })
  })
})

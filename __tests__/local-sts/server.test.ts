// The local STS endpoint, exercised through the real AWS SDK so that what passes here is what the
// action will see: the SDK's own signing, serialisation, XML parsing and error mapping.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import http from 'node:http'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  STSClient,
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetScopedCredentialsCommand,
  type AssumeRoleCommandInput,
  type GetScopedCredentialsCommandInput,
  type STSClientConfig
} from '@aws-sdk/client-sts'
import {
  DEFAULT_USER,
  packedPolicyPercent,
  startLocalSts,
  type LocalSts,
  type LocalStsUser
} from '../../local-sts/server.js'
import { REFUSED_SESSION_POLICY_PARAMETERS } from '../support/session-policy-cases.js'
import { expectCode, failure } from '../support/sdk-errors.js'

const ACCOUNT = '111122223333'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }]
})

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

const clients: STSClient[] = []
function client(
  sts: LocalSts,
  credentials: Credentials = DEFAULT_USER,
  extra: STSClientConfig = {}
) {
  const c = new STSClient({
    endpoint: sts.url,
    region: 'us-east-1',
    // A copy: the SDK writes a marker onto the object it is given.
    credentials: { ...credentials },
    maxAttempts: 1,
    ...extra
  })
  clients.push(c)
  return c
}

const assume = (sts: LocalSts, input: Partial<AssumeRoleCommandInput>, credentials?: Credentials) =>
  client(sts, credentials).send(
    new AssumeRoleCommand({
      RoleArn: ROLE,
      RoleSessionName: 'ci',
      ...input
    } as AssumeRoleCommandInput)
  )

function sessionCredentials(out: Awaited<ReturnType<typeof assume>>): Credentials {
  return {
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!
  }
}

type RawResponse = { status: number; body: string; headers: http.IncomingHttpHeaders }
function raw(sts: LocalSts, body: string, headers: Record<string, string> = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = http.request(
      `${sts.url}/`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }
      },
      res => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', chunk => (text += chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers })
        )
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

let sts: LocalSts
beforeAll(async () => {
  sts = await startLocalSts()
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await sts.close()
})

describe('AssumeRole and GetCallerIdentity', () => {
  it('issues credentials that work against the server', async () => {
    const out = await assume(sts, {
      Policy: POLICY,
      DurationSeconds: 900,
      SourceIdentity: 'octocat'
    })
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40)
    expect(out.Credentials?.SessionToken).toMatch(/^[A-Za-z0-9+/]{300,}={0,2}$/)
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci`)
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:ci$/)
    expect(out.SourceIdentity).toBe('octocat')

    const issued = sts.issued.at(-1)!
    expect(issued.accessKeyId).toBe(out.Credentials?.AccessKeyId)
    expect(issued.expiration).toEqual(out.Credentials?.Expiration)
    expect(issued.roleArn).toBe(ROLE)
    expect(issued.sourceArn).toBe(DEFAULT_USER.arn)
    expect(issued.durationSeconds).toBe(900)
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now()
    expect(lifetime).toBeGreaterThan(895_000)
    expect(lifetime).toBeLessThanOrEqual(900_000)

    const identity = await client(sts, sessionCredentials(out)).send(
      new GetCallerIdentityCommand({})
    )
    expect(identity).toMatchObject({
      Arn: out.AssumedRoleUser?.Arn,
      UserId: out.AssumedRoleUser?.AssumedRoleId,
      Account: ACCOUNT
    })
    expect(sts.requests.at(-1)).toMatchObject({
      action: 'GetCallerIdentity',
      accessKeyId: out.Credentials?.AccessKeyId,
      signed: true,
      verified: true,
      status: 200
    })
    expect(sts.requests.at(-1)?.headers['x-amz-security-token']).toBe(out.Credentials?.SessionToken)
  })

  it('keeps the role id stable per role and puts the path-less role name in the session ARN', async () => {
    const a = await assume(sts, { RoleSessionName: 'one' })
    const b = await assume(sts, { RoleSessionName: 'two' })
    expect(a.AssumedRoleUser?.AssumedRoleId?.split(':')[0]).toBe(
      b.AssumedRoleUser?.AssumedRoleId?.split(':')[0]
    )
    const withPath = await assume(sts, { RoleArn: `arn:aws-cn:iam::${ACCOUNT}:role/ci/deployer` })
    expect(withPath.AssumedRoleUser?.Arn).toBe(
      `arn:aws-cn:sts::${ACCOUNT}:assumed-role/deployer/ci`
    )
  })

  it('answers GetCallerIdentity for a long-term user', async () => {
    const identity = await client(sts).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).toBe(DEFAULT_USER.arn)
    expect(identity.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/)
    expect(identity.Account).toBe(ACCOUNT)
  })

  it('accepts users added later', async () => {
    const user: LocalStsUser = {
      accessKeyId: 'AKIALOCALSTS0SECOND0',
      secretAccessKey: 'second/secret/key/EXAMPLEKEY000000000000',
      arn: 'arn:aws:iam::444455556666:user/ops/second'
    }
    await expectCode(
      client(sts, user).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId'
    )
    sts.addUser(user)
    const identity = await client(sts, user).send(new GetCallerIdentityCommand({}))
    expect(identity).toMatchObject({ Arn: user.arn, Account: '444455556666' })
  })

  it('records the exact parameters sent', async () => {
    sts.reset()
    await assume(sts, {
      Policy: POLICY,
      PolicyArns: [
        { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        { arn: `arn:aws:iam::${ACCOUNT}:policy/team/Boundary` }
      ],
      SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/ci`,
      TokenCode: '123456',
      Tags: [{ Key: 'repo', Value: 'octo/app' }],
      TransitiveTagKeys: ['repo']
    })
    expect(sts.requests).toHaveLength(1)
    const [request] = sts.requests
    expect(request.params).toMatchObject({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: ROLE,
      Policy: POLICY,
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'PolicyArns.member.2.arn': `arn:aws:iam::${ACCOUNT}:policy/team/Boundary`,
      SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/ci`,
      TokenCode: '123456',
      'Tags.member.1.Key': 'repo',
      'Tags.member.1.Value': 'octo/app',
      'TransitiveTagKeys.member.1': 'repo'
    })
    expect(request).toMatchObject({
      accessKeyId: DEFAULT_USER.accessKeyId,
      signed: true,
      status: 200
    })
    expect(sts.issued.at(-1)).toMatchObject({
      policy: POLICY,
      policyArns: [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        `arn:aws:iam::${ACCOUNT}:policy/team/Boundary`
      ],
      tags: [{ key: 'repo', value: 'octo/app' }],
      transitiveTagKeys: ['repo']
    })
  })

  it('reports utilization by the documented formula', async () => {
    const none = await assume(sts, {})
    expect(none.SessionTokenUtilization).toBe(0)
    expect(none.PackedPolicySize).toBe(0)

    const out = await assume(sts, {
      Policy: POLICY,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [{ Key: 'team', Value: 'platform' }]
    })
    const expected = Math.ceil(
      ((POLICY.length + 90 + 'team'.length + 'platform'.length) * 100) / 2600
    )
    expect(packedPolicyPercent(POLICY.length, 1, 12, true)).toBe(expected)
    expect(out.SessionTokenUtilization).toBe(expected)
    expect(out.PackedPolicySize).toBe(expected)
    expect(out.SessionTokenSize).toBe(out.Credentials?.SessionToken?.length)

    const padded = await assume(sts, { MinimumSessionTokenSize: 2000 })
    expect(padded.Credentials?.SessionToken).toHaveLength(2000)
    expect(padded.SessionTokenSize).toBe(2000)
  })

  it('rejects a packed policy over 100%', async () => {
    const policy = JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(1976) }]
    })
    expect(policy.length).toBeLessThanOrEqual(2048)
    const arns = Array.from({ length: 10 }, (_, i) => ({
      arn: `arn:aws:iam::aws:policy/P${i}xxxxxx`
    }))
    const error = await expectCode(
      assume(sts, { Policy: policy, PolicyArns: arns }),
      'PackedPolicyTooLarge',
      400
    )
    const percent = packedPolicyPercent(policy.length, 10, 0, true)
    expect(error.message).toBe(
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy for this session.`
    )
  })
})

describe('AssumeRole validation', () => {
  const long = (n: number) => 'a'.repeat(n)
  const cases: [string, Partial<AssumeRoleCommandInput>, string][] = [
    ['missing RoleArn', { RoleArn: undefined }, 'ValidationError'],
    ['a user ARN as RoleArn', { RoleArn: DEFAULT_USER.arn }, 'ValidationError'],
    ['a short account id', { RoleArn: 'arn:aws:iam::1234:role/deploy' }, 'ValidationError'],
    ['missing RoleSessionName', { RoleSessionName: undefined }, 'ValidationError'],
    ['a 1-char session name', { RoleSessionName: 'a' }, 'ValidationError'],
    ['a 65-char session name', { RoleSessionName: long(65) }, 'ValidationError'],
    ['dependabot[bot]', { RoleSessionName: 'dependabot[bot]' }, 'ValidationError'],
    ['DurationSeconds 899', { DurationSeconds: 899 }, 'ValidationError'],
    ['DurationSeconds 43201', { DurationSeconds: 43201 }, 'ValidationError'],
    ['DurationSeconds over MaxSessionDuration', { DurationSeconds: 7200 }, 'ValidationError'],
    ['an empty policy', { Policy: '' }, 'ValidationError'],
    ['a 2049-char policy', { Policy: ' '.repeat(2049) }, 'ValidationError'],
    [
      'a policy with a character above U+00FF',
      { Policy: POLICY.replace('s3:GetObject', 's3:Get✓') },
      'ValidationError'
    ],
    ['a policy that is not JSON', { Policy: '{"Statement": [' }, 'MalformedPolicyDocument'],
    [
      'a policy without Statement',
      { Policy: '{"Version":"2012-10-17"}' },
      'MalformedPolicyDocument'
    ],
    ...REFUSED_SESSION_POLICY_PARAMETERS,
    ['a 1-char ExternalId', { ExternalId: 'x' }, 'ValidationError'],
    ['an ExternalId with a space', { ExternalId: 'ab cd' }, 'ValidationError'],
    ['a 1225-char ExternalId', { ExternalId: long(1225) }, 'ValidationError'],
    [
      'an 8-char SerialNumber',
      { SerialNumber: 'GAHT1234', TokenCode: '123456' },
      'ValidationError'
    ],
    [
      'a SerialNumber with a space',
      { SerialNumber: 'GAHT 12345', TokenCode: '123456' },
      'ValidationError'
    ],
    ['a 5-digit TokenCode', { SerialNumber: 'GAHT12345', TokenCode: '12345' }, 'ValidationError'],
    [
      'a non-numeric TokenCode',
      { SerialNumber: 'GAHT12345', TokenCode: '12a456' },
      'ValidationError'
    ],
    ['SerialNumber without TokenCode', { SerialNumber: 'GAHT12345' }, 'ValidationError'],
    ['TokenCode without SerialNumber', { TokenCode: '123456' }, 'ValidationError'],
    [
      '51 tags',
      { Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) },
      'ValidationError'
    ],
    ['an empty tag key', { Tags: [{ Key: '', Value: 'v' }] }, 'ValidationError'],
    ['a 129-char tag key', { Tags: [{ Key: long(129), Value: 'v' }] }, 'ValidationError'],
    ['a 257-char tag value', { Tags: [{ Key: 'k', Value: long(257) }] }, 'ValidationError'],
    [
      'duplicate tag keys, case-insensitively',
      {
        Tags: [
          { Key: 'Team', Value: 'a' },
          { Key: 'team', Value: 'b' }
        ]
      },
      'ValidationError'
    ],
    [
      'a transitive key that is not a tag',
      { Tags: [{ Key: 'team', Value: 'a' }], TransitiveTagKeys: ['repo'] },
      'ValidationError'
    ],
    ['a 1-char SourceIdentity', { SourceIdentity: 'x' }, 'ValidationError'],
    ['a SourceIdentity starting with aws:', { SourceIdentity: 'aws:me' }, 'ValidationError'],
    ['a SourceIdentity with a slash', { SourceIdentity: 'me/you' }, 'ValidationError']
  ]
  it.each(cases)('rejects %s', async (_name, input, code) => {
    await expectCode(assume(sts, input), code, 400)
    expect(sts.requests.at(-1)).toMatchObject({
      action: 'AssumeRole',
      status: 400,
      errorCode: code
    })
  })

  it('accepts the boundaries', async () => {
    await assume(sts, {
      RoleSessionName: 'a=b,c.d@e-f+g_' + long(50),
      DurationSeconds: 3600,
      Policy: JSON.stringify({
        Statement: { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Sid: 'Ünïcödé' }
      }),
      PolicyArns: Array.from({ length: 10 }, (_, i) => ({
        arn: `arn:aws-us-gov:iam::aws:policy/service-role/P${i}`
      })),
      ExternalId: 'ab:/=,.@-_+',
      SerialNumber: 'arn:aws:iam::111122223333:mfa/ci',
      TokenCode: '000000',
      Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' })),
      SourceIdentity: 'me'
    })
  })

  it('reports every constraint violation in one STS-style message', async () => {
    const error = await expectCode(
      assume(sts, { RoleSessionName: 'a b', DurationSeconds: 100 }),
      'ValidationError'
    )
    expect(error.message).toBe(
      "2 validation errors detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [\\w+=,.@-]*; ' +
        "Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
    )
  })

  it('escapes XML in messages', async () => {
    const error = await expectCode(assume(sts, { RoleSessionName: '<a&"b\'>' }), 'ValidationError')
    expect(error.message).toContain(`Value '<a&"b'>' at 'roleSessionName'`)
  })

  it('limits role chaining to one hour', async () => {
    const first = await assume(sts, { DurationSeconds: 3600 })
    const chained = sessionCredentials(first)
    const error = await expectCode(
      assume(sts, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/next`, DurationSeconds: 3601 }, chained),
      'ValidationError',
      400
    )
    expect(error.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
    )
    const second = await assume(sts, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/next` }, chained)
    expect(second.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/next/ci`)
    expect(sts.issued.at(-1)?.sourceArn).toBe(first.AssumedRoleUser?.Arn)
  })
})

describe('configured roles, trust and MFA', () => {
  let strict: LocalSts
  let clock = Date.parse('2026-11-28T12:00:00.500Z')
  const other: LocalStsUser = {
    accessKeyId: 'AKIALOCALSTS0OTHER00',
    secretAccessKey: 'other/secret/key/EXAMPLEKEY0000000000000',
    arn: 'arn:aws:iam::999988887777:user/other'
  }
  const ops: LocalStsUser = {
    accessKeyId: 'AKIALOCALSTS0OPS0000',
    secretAccessKey: 'ops/secret/key/EXAMPLEKEY000000000000000',
    arn: `arn:aws:iam::${ACCOUNT}:user/ops`
  }
  beforeAll(async () => {
    strict = await startLocalSts({
      users: [DEFAULT_USER, other, ops],
      mfaCode: '424242',
      now: () => new Date(clock),
      roles: [
        { arn: ROLE, maxSessionDuration: 43200 },
        { arn: `arn:aws:iam::${ACCOUNT}:role/only-ci`, trustedPrincipals: [DEFAULT_USER.arn] },
        {
          arn: `arn:aws:iam::${ACCOUNT}:role/account`,
          trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:root`]
        },
        { arn: `arn:aws:iam::${ACCOUNT}:role/chained`, trustedPrincipals: [ROLE] },
        { arn: `arn:aws:iam::${ACCOUNT}:role/partner`, externalId: 'partner-4242' },
        { arn: `arn:aws:iam::${ACCOUNT}:role/mfa`, requireMfa: true }
      ]
    })
  })
  afterAll(async () => {
    await strict.close()
  })

  it('honours the role MaxSessionDuration and the injected clock', async () => {
    const out = await assume(strict, { DurationSeconds: 43200 })
    expect(out.Credentials?.Expiration).toEqual(new Date('2026-11-29T00:00:00Z'))
    const short = `arn:aws:iam::${ACCOUNT}:role/only-ci`
    const error = await expectCode(
      assume(strict, { RoleArn: short, DurationSeconds: 3601 }),
      'ValidationError'
    )
    expect(error.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
    )
  })

  it('denies roles that are not configured', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/missing`
    const error = await expectCode(assume(strict, { RoleArn: missing }), 'AccessDenied', 403)
    expect(error.message).toBe(
      `User: ${DEFAULT_USER.arn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`
    )
  })

  it('applies trustedPrincipals by ARN, account root and role of a session', async () => {
    const onlyCi = `arn:aws:iam::${ACCOUNT}:role/only-ci`
    await assume(strict, { RoleArn: onlyCi })
    await expectCode(assume(strict, { RoleArn: onlyCi }, ops), 'AccessDenied', 403)

    const account = `arn:aws:iam::${ACCOUNT}:role/account`
    await assume(strict, { RoleArn: account }, ops)
    const error = await expectCode(assume(strict, { RoleArn: account }, other), 'AccessDenied')
    expect(error.message).toContain(`User: ${other.arn} is not authorized`)

    const chainedRole = `arn:aws:iam::${ACCOUNT}:role/chained`
    await expectCode(assume(strict, { RoleArn: chainedRole }), 'AccessDenied')
    const session = sessionCredentials(await assume(strict, {}))
    const out = await assume(strict, { RoleArn: chainedRole }, session)
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/chained/ci`)
  })

  it('requires the role ExternalId', async () => {
    const partner = `arn:aws:iam::${ACCOUNT}:role/partner`
    await expectCode(assume(strict, { RoleArn: partner }), 'AccessDenied', 403)
    await expectCode(
      assume(strict, { RoleArn: partner, ExternalId: 'partner-0000' }),
      'AccessDenied'
    )
    await assume(strict, { RoleArn: partner, ExternalId: 'partner-4242' })
  })

  it('requires MFA where configured and checks the code', async () => {
    const mfa = `arn:aws:iam::${ACCOUNT}:role/mfa`
    await expectCode(assume(strict, { RoleArn: mfa }), 'AccessDenied', 403)
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/ci`
    const error = await expectCode(
      assume(strict, { RoleArn: mfa, SerialNumber: serial, TokenCode: '111111' }),
      'AccessDenied'
    )
    expect(error.message).toBe(
      'MultiFactorAuthentication failed with invalid MFA one time pass code.'
    )
    await assume(strict, { RoleArn: mfa, SerialNumber: serial, TokenCode: '424242' })
  })

  it('answers ExpiredToken once issued credentials expire', async () => {
    const session = sessionCredentials(await assume(strict, { DurationSeconds: 900 }))
    await client(strict, session).send(new GetCallerIdentityCommand({}))
    clock += 900_000
    await expectCode(
      client(strict, session).send(new GetCallerIdentityCommand({})),
      'ExpiredToken',
      400
    )
  })
})

describe('GetScopedCredentials', () => {
  let local: LocalSts
  let clock = Date.parse('2026-11-28T12:00:00.250Z')
  // One role session for the tests that only need some caller; it outlives every clock step here.
  let shared: Credentials
  beforeAll(async () => {
    local = await startLocalSts({ now: () => new Date(clock) })
    shared = sessionCredentials(await assume(local, { DurationSeconds: 3600 }))
  })
  afterAll(async () => {
    await local.close()
  })

  const NARROW = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/a/*' }]
  })
  const NARROWER = JSON.stringify({
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/a/b' }]
  })

  type WireRequest = { headers: Record<string, string>; body: string }
  function scope(
    credentials: Credentials,
    input: GetScopedCredentialsCommandInput,
    change?: (request: WireRequest) => void
  ) {
    const c = client(local, credentials)
    if (change) {
      // Ahead of the SDK's own build steps (host header, content length) and of signing, so
      // what it changes is what gets signed and sent.
      c.middlewareStack.add(
        next => async args => {
          change(args.request as WireRequest)
          return next(args)
        },
        { step: 'build', priority: 'high' }
      )
    }
    return c.send(new GetScopedCredentialsCommand(input))
  }
  const identity = (credentials: Credentials) =>
    client(local, credentials).send(new GetCallerIdentityCommand({}))
  const roleSession = async (input: Partial<AssumeRoleCommandInput> = {}) => {
    const out = await assume(local, { DurationSeconds: 3600, ...input })
    return { out, credentials: sessionCredentials(out) }
  }
  const scopedCredentials = (out: Awaited<ReturnType<typeof scope>>): Credentials => ({
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!
  })

  it('narrows a role session twice, keeping its identity', async () => {
    const { out: role, credentials } = await roleSession({
      Policy: POLICY,
      SourceIdentity: 'octocat'
    })
    const roleArn = role.AssumedRoleUser!.Arn!
    const roleId = role.AssumedRoleUser!.AssumedRoleId!

    const first = await scope(credentials, {
      Policy: NARROW,
      ScopedSessionDescription: 'step 1: read a/'
    })
    expect(first).toMatchObject({
      SessionInfo: { ScopedSessionId: expect.stringMatching(/^SS[A-Z0-9]{20}$/), Arn: roleArn },
      ScopedPoliciesCount: 1,
      SourceIdentity: 'octocat',
      SessionTokenUtilization: packedPolicyPercent(POLICY.length + NARROW.length, 0, 0, true),
      SessionTokenSize: first.Credentials?.SessionToken?.length
    })
    expect(first.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(first.Credentials?.AccessKeyId).not.toBe(credentials.accessKeyId)
    // Without DurationSeconds the scoped session ends with its parent.
    expect(first.Credentials?.Expiration).toEqual(role.Credentials?.Expiration)
    expect(await identity(scopedCredentials(first))).toMatchObject({
      Arn: roleArn,
      UserId: roleId,
      Account: ACCOUNT
    })
    expect(local.requests.at(-2)).toMatchObject({
      action: 'GetScopedCredentials',
      params: { Policy: NARROW, ScopedSessionDescription: 'step 1: read a/' },
      accessKeyId: credentials.accessKeyId,
      verified: true,
      status: 200
    })

    const second = await scope(scopedCredentials(first), { Policy: NARROWER, DurationSeconds: 600 })
    expect(second).toMatchObject({
      SessionInfo: { Arn: roleArn },
      ScopedPoliciesCount: 2,
      SessionTokenUtilization: packedPolicyPercent(
        POLICY.length + NARROW.length + NARROWER.length,
        0,
        0,
        true
      )
    })
    expect(second.SessionInfo?.ScopedSessionId).not.toBe(first.SessionInfo?.ScopedSessionId)
    expect(second.Credentials?.Expiration).toEqual(
      new Date(Math.floor(clock / 1000) * 1000 + 600_000)
    )
    expect(await identity(scopedCredentials(second))).toMatchObject({
      Arn: roleArn,
      UserId: roleId
    })

    expect(local.issued.at(-1)).toMatchObject({
      accessKeyId: second.Credentials?.AccessKeyId,
      arn: roleArn,
      assumedRoleId: roleId,
      policy: POLICY,
      sourceIdentity: 'octocat',
      durationSeconds: 600,
      scope: {
        scopedSessionId: second.SessionInfo?.ScopedSessionId,
        count: 2,
        policies: [NARROW, NARROWER],
        parentAccessKeyId: first.Credentials?.AccessKeyId
      }
    })

    // Still a role session: it can chain on, under the one-hour chaining cap.
    const chained = await assume(
      local,
      { RoleArn: `arn:aws:iam::${ACCOUNT}:role/next` },
      scopedCredentials(second)
    )
    expect(local.issued.at(-1)?.sourceArn).toBe(roleArn)
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/next/ci`)
  })

  it('counts a duration-only scope as a layer and omits SourceIdentity when there is none', async () => {
    const out = await scope(shared, { DurationSeconds: 60 })
    expect(out.ScopedPoliciesCount).toBe(1)
    expect(out.SourceIdentity).toBeUndefined()
    expect(out.SessionTokenUtilization).toBe(0)
    const padded = await scope(scopedCredentials(out), {
      DurationSeconds: 30,
      MinimumSessionTokenSize: 3000
    })
    expect(padded.ScopedPoliciesCount).toBe(2)
    expect(padded.Credentials?.SessionToken).toHaveLength(3000)
    expect(padded.SessionTokenSize).toBe(3000)
  })

  it('refuses to outlive the calling session', async () => {
    const { out, credentials } = await roleSession({ DurationSeconds: 900 })
    clock += 300_000
    const error = await expectCode(
      scope(credentials, { Policy: NARROW, DurationSeconds: 601 }),
      'InsufficientSessionLifetime',
      400
    )
    expect(error.message).toContain('(601)')
    expect(error.message).toContain('(600 seconds)')
    const exact = await scope(credentials, { Policy: NARROW, DurationSeconds: 600 })
    expect(exact.Credentials?.Expiration).toEqual(out.Credentials?.Expiration)
    // A scope of a scope is bounded by what is left of the scope.
    await expectCode(
      scope(scopedCredentials(exact), { DurationSeconds: 601 }),
      'InsufficientSessionLifetime'
    )
    clock += 600_000
    await expectCode(identity(scopedCredentials(exact)), 'ExpiredToken', 400)
  })

  it('needs temporary credentials, not long-term user keys', async () => {
    const error = await expectCode(scope(DEFAULT_USER, { Policy: NARROW }), 'AccessDenied', 403)
    expect(error.message).toContain(`User: ${DEFAULT_USER.arn} is not authorized`)
    expect(error.message).toContain('temporary security credentials')
  })

  const cases: [string, GetScopedCredentialsCommandInput, string][] = [
    ['neither Policy nor DurationSeconds', {}, 'ValidationError'],
    ['only a description', { ScopedSessionDescription: 'x' }, 'ValidationError'],
    ['DurationSeconds 0', { DurationSeconds: 0 }, 'ValidationError'],
    ['DurationSeconds 129601', { DurationSeconds: 129601 }, 'ValidationError'],
    ['a 2049-character policy', { Policy: ' '.repeat(2049) }, 'ValidationError'],
    ['a policy with an emoji', { Policy: '{"Statement":"🔒"}' }, 'ValidationError'],
    ['a policy that is not JSON', { Policy: 'Allow everything' }, 'MalformedPolicyDocument'],
    [
      'a 257-character description',
      { DurationSeconds: 60, ScopedSessionDescription: 'd'.repeat(257) },
      'ValidationError'
    ],
    [
      'MinimumSessionTokenSize 4097',
      { DurationSeconds: 60, MinimumSessionTokenSize: 4097 },
      'ValidationError'
    ]
  ]
  it.each(cases)('rejects %s', async (_name, input, code) => {
    await expectCode(scope(shared, input), code, 400)
    expect(local.requests.at(-1)).toMatchObject({
      action: 'GetScopedCredentials',
      status: 400,
      errorCode: code
    })
  })

  it('rejects PolicyArns, which the SDK cannot even send', async () => {
    const arn = encodeURIComponent('arn:aws:iam::aws:policy/ReadOnlyAccess')
    const error = await expectCode(
      scope(shared, { Policy: NARROW }, request => {
        request.body += `&PolicyArns.member.1.arn=${arn}`
        if (request.headers['content-length'] !== undefined) {
          request.headers['content-length'] = String(Buffer.byteLength(request.body))
        }
      }),
      'ValidationError',
      400
    )
    expect(error.message).toContain('PolicyArns')
    expect(local.requests.at(-1)?.params['PolicyArns.member.1.arn']).toBe(
      'arn:aws:iam::aws:policy/ReadOnlyAccess'
    )
  })

  it('rejects a packed size that the layers together exceed', async () => {
    const big = (n: number) =>
      JSON.stringify({
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(n) }]
      })
    const { credentials } = await roleSession({ Policy: big(1500) })
    const once = await scope(credentials, { Policy: big(500) })
    expect(once.SessionTokenUtilization).toBe(
      packedPolicyPercent(big(1500).length + big(500).length, 0, 0, true)
    )
    await expectCode(
      scope(scopedCredentials(once), { Policy: big(500) }),
      'PackedPolicyTooLarge',
      400
    )
  })

  it('is not served by the global endpoint', async () => {
    const error = await expectCode(
      scope(shared, { Policy: NARROW }, request => {
        request.headers.host = 'sts.amazonaws.com'
      }),
      'InvalidAction',
      400
    )
    expect(error.message).toContain('global endpoint')
    expect(local.requests.at(-1)?.headers.host).toBe('sts.amazonaws.com')
    // A regional name is fine, and the signature covers whatever Host was sent.
    await scope(shared, { Policy: NARROW }, request => {
      request.headers.host = 'sts.us-east-1.amazonaws.com'
    })
    expect(local.requests.at(-1)).toMatchObject({ verified: true, status: 200 })
  })
})

describe('authentication', () => {
  it('rejects a wrong secret', async () => {
    const wrong = { ...DEFAULT_USER, secretAccessKey: 'not/the/secret' }
    await expectCode(
      client(sts, wrong).send(new GetCallerIdentityCommand({})),
      'SignatureDoesNotMatch',
      403
    )
    expect(sts.requests.at(-1)).toMatchObject({ signed: true, verified: false, status: 403 })
  })

  it('rejects an unknown access key', async () => {
    const error = await expectCode(
      client(sts, { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(
        new GetCallerIdentityCommand({})
      ),
      'InvalidClientTokenId',
      403
    )
    expect(error.message).toBe('The security token included in the request is invalid.')
  })

  it('requires the session token with issued keys, and only with them', async () => {
    const session = sessionCredentials(await assume(sts, {}))
    const call = (credentials: Credentials) =>
      client(sts, credentials).send(new GetCallerIdentityCommand({}))
    await expectCode(call({ ...session, sessionToken: undefined }), 'InvalidClientTokenId', 403)
    await expectCode(
      call({ ...session, sessionToken: session.sessionToken + 'x' }),
      'InvalidClientTokenId'
    )
    await expectCode(call({ ...DEFAULT_USER, sessionToken: 'token' }), 'InvalidClientTokenId')
  })

  it('rejects unsigned calls, wrong scopes and unknown actions', async () => {
    const unsigned = await raw(sts, 'Action=GetCallerIdentity&Version=2011-06-15')
    expect(unsigned.status).toBe(403)
    expect(unsigned.headers['content-type']).toBe('text/xml')
    expect(unsigned.body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>[^<]+<\/Message><\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/
    )
    expect(sts.requests.at(-1)).toMatchObject({ signed: false, status: 403 })

    const s3Scope = await raw(sts, 'Action=GetCallerIdentity&Version=2011-06-15', {
      'x-amz-date': '20261128T120000Z',
      authorization: `AWS4-HMAC-SHA256 Credential=${DEFAULT_USER.accessKeyId}/20261128/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`
    })
    expect(s3Scope.status).toBe(403)
    expect(s3Scope.body).toContain('<Code>SignatureDoesNotMatch</Code>')
    expect(s3Scope.body).toContain(
      'Credential should be scoped to correct service: &apos;sts&apos;.'
    )

    const unknown = await raw(sts, 'Action=GetSessionToken&Version=2011-06-15')
    expect(unknown.status).toBe(400)
    expect(unknown.body).toContain('<Code>InvalidAction</Code>')
    const oldVersion = await raw(sts, 'Action=AssumeRole&Version=2010-01-01')
    expect(oldVersion.body).toContain('<Code>InvalidAction</Code>')
    const noVersion = await raw(sts, 'Action=AssumeRole')
    expect(noVersion.status).toBe(400)
  })
})

describe('faults', () => {
  const identity = (extra: STSClientConfig = {}) =>
    client(sts, DEFAULT_USER, extra).send(new GetCallerIdentityCommand({}))

  it('answers injected statuses with default and given codes, in order', async () => {
    sts.reset()
    sts.injectFault({ status: 500 })
    sts.injectFault({ status: 400 })
    sts.injectFault(
      { status: 403, code: 'RegionDisabledException', message: 'STS is not activated' },
      2
    )
    const error = await expectCode(identity(), 'InternalFailure', 500)
    expect(error.$fault).toBe('server')
    await expectCode(identity(), 'Throttling', 400)
    const disabled = await expectCode(identity(), 'RegionDisabledException', 403)
    expect(disabled.message).toBe('STS is not activated')
    await expectCode(identity(), 'RegionDisabledException', 403)
    await identity()
    expect(sts.requests.map(r => [r.status, r.errorCode])).toEqual([
      [500, 'InternalFailure'],
      [400, 'Throttling'],
      [403, 'RegionDisabledException'],
      [403, 'RegionDisabledException'],
      [200, undefined]
    ])
  })

  it('renders 5xx errors as Receiver faults', async () => {
    sts.injectFault({ status: 503, code: 'ServiceUnavailable', message: 'a < b & c' })
    const response = await raw(sts, 'Action=GetCallerIdentity&Version=2011-06-15')
    expect(response.status).toBe(503)
    expect(response.body).toContain(
      '<Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>a &lt; b &amp; c</Message></Error>'
    )
  })

  it('delays a single response, or every response', async () => {
    // Long delays, so an answer that was not delayed is told apart on a busy machine too.
    const DELAY = 1500
    const timed = async () => {
      const started = Date.now()
      await identity()
      return Date.now() - started
    }
    sts.injectFault({ delayMs: DELAY })
    expect(await timed()).toBeGreaterThanOrEqual(DELAY - 10)
    expect(await timed()).toBeLessThan(DELAY - 10)

    sts.setDelay(DELAY)
    expect(await timed()).toBeGreaterThanOrEqual(DELAY - 10)
    sts.reset()
    expect(await timed()).toBeLessThan(DELAY - 10)
  })

  it('drops the connection', async () => {
    sts.reset()
    sts.injectFault({ drop: true })
    const error = await failure(
      identity({ requestHandler: { requestTimeout: 500, throwOnRequestTimeout: true } })
    )
    expect(error.message).toMatch(/socket hang up|ECONNRESET/)
    expect(error.$metadata?.httpStatusCode).toBeUndefined()
    expect(sts.requests).toHaveLength(1)
    expect(sts.requests[0]).toMatchObject({ action: 'GetCallerIdentity', status: 0 })
    await identity()
  })

  it('answers malformed XML', async () => {
    sts.injectFault({ malformed: true })
    const error = await failure(identity())
    expect(error.message).toMatch(/XML|parse|Deserialization/i)
    await identity()
  })

  it('hangs until the client gives up', async () => {
    sts.injectFault({ hang: true })
    const started = Date.now()
    // Without throwOnRequestTimeout the SDK's handler only logs a warning and keeps waiting.
    const error = await failure(
      identity({ requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } })
    )
    expect(error.name).toBe('TimeoutError')
    // The hang itself lasts until the test timeout; generous for a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000)
    await identity()
  })

  it('closes promptly with a hanging request open', async () => {
    const local = await startLocalSts()
    local.injectFault({ hang: true })
    const pending = raw(local, 'Action=GetCallerIdentity&Version=2011-06-15').catch((e: Error) => e)
    while (local.requests.length === 0) await new Promise(resolve => setTimeout(resolve, 5))
    local.setDelay(10_000) // a pending timer must not hold close() either
    const started = Date.now()
    await local.close()
    // Well under the 10 s delay the pending timer would have held it for.
    expect(Date.now() - started).toBeLessThan(5000)
    // Not toBeInstanceOf(Error): node:http errors come from another realm than jest's globals.
    expect(String(await pending)).toMatch(/socket hang up|ECONNRESET/)
    expect(local.closed).toBe(true)
  })
})

describe('command line', () => {
  it('prints its URL and default credentials, and stops on SIGTERM', async () => {
    const script = fileURLToPath(new URL('../../local-sts/server.js', import.meta.url))
    const env = { ...process.env, NODE_OPTIONS: '' }
    const child = spawn(process.execPath, [script, '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.setEncoding('utf8')
        child.stdout.on('data', (chunk: string) => {
          out += chunk
          if (out.includes('\n')) resolve(out.split('\n')[0])
        })
        child.on('exit', () => reject(new Error(`exited before printing: ${out}`)))
      })
      const printed = JSON.parse(line) as {
        url: string
        accessKeyId: string
        secretAccessKey: string
      }
      expect(printed).toMatchObject({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        accessKeyId: DEFAULT_USER.accessKeyId,
        secretAccessKey: DEFAULT_USER.secretAccessKey
      })
      const c = new STSClient({
        endpoint: printed.url,
        region: 'us-east-1',
        credentials: { accessKeyId: printed.accessKeyId, secretAccessKey: printed.secretAccessKey },
        maxAttempts: 1
      })
      clients.push(c)
      expect((await c.send(new GetCallerIdentityCommand({}))).Arn).toBe(DEFAULT_USER.arn)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})

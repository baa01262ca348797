import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { STSClient } from '@aws-sdk/client-sts'
import { Agent } from 'node:https'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../../local-sts/server.js'
import {
  assumeRole,
  assumeRoleWithWebIdentity,
  createStsClient,
  getCallerIdentity,
  getScopedCredentials,
  type AssumeRoleRequest,
  type Sts
} from '../../../src/aws/sts.js'
import { StsError } from '../../../src/aws/sts-errors.js'
import { ActionError } from '../../../src/shared/errors.js'

const wording = { runAgain: 'Re-run the job' }
const ROLE = 'arn:aws:iam::111122223333:role/deploy'
/** Retries without waiting to speak of. */
const RETRY = {
  maxAttempts: 3,
  budgetMs: 60_000,
  requestTimeoutMs: 10_000,
  baseDelayMs: 1,
  maxDelayMs: 1
}
const ONCE = { ...RETRY, maxAttempts: 1 }

const REQUEST: AssumeRoleRequest = {
  roleArn: ROLE,
  roleSessionName: 'ci',
  durationSeconds: 900,
  policyArns: []
}

const CREDENTIALS = {
  AccessKeyId: 'ASIAEXAMPLE00001',
  SecretAccessKey: 'secret/Key+0',
  SessionToken: 'session!token~',
  Expiration: new Date('2030-01-01T00:00:00Z')
}
const SESSION_USER = {
  Arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci',
  AssumedRoleId: 'AROAEXAMPLE00001:ci'
}
const ASSUMED = { Credentials: CREDENTIALS, AssumedRoleUser: SESSION_USER }
const SESSION = {
  credentials: {
    accessKeyId: CREDENTIALS.AccessKeyId,
    secretAccessKey: CREDENTIALS.SecretAccessKey,
    sessionToken: CREDENTIALS.SessionToken,
    expiration: CREDENTIALS.Expiration
  },
  arn: SESSION_USER.Arn,
  userId: SESSION_USER.AssumedRoleId,
  account: '111122223333',
  utilization: undefined
}

interface Sent {
  name: string
  input: Record<string, unknown>
  signal: AbortSignal
}

/**
 * An STS client that answers from a list, one entry per request (an Error is thrown, a function
 * is called with the signal), and records what was sent.
 */
function fakeSts(
  answers: unknown[],
  extra: Partial<Sts> = {}
): Sts & { sent: Sent[]; masked: string[]; logged: string[] } {
  const sent: Sent[] = []
  const masked: string[] = []
  const logged: string[] = []
  const client = {
    send: async (
      command: { constructor: { name: string }; input: Record<string, unknown> },
      options: { abortSignal: AbortSignal }
    ) => {
      sent.push({
        name: command.constructor.name,
        input: command.input,
        signal: options.abortSignal
      })
      const answer = answers.shift()
      if (answer instanceof Error) throw answer
      if (typeof answer === 'function') return answer(options.abortSignal)
      return answer
    }
  } as unknown as STSClient
  return {
    client,
    retry: RETRY,
    wording,
    mask: secret => masked.push(secret),
    log: line => logged.push(line),
    sent,
    masked,
    logged,
    ...extra
  }
}

const stsError = (code: string, message = `${code} happened`, status = 400) =>
  Object.assign(new Error(message), {
    name: code,
    Code: code,
    $metadata: { httpStatusCode: status }
  })

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail')
}

/** A refused value as a message quotes it: at most 120 characters. */
const quoted = (value: string) => (value.length > 120 ? `${value.slice(0, 120)}…` : value)

const notFromSts = (action: string, what: string) =>
  `${action} failed: InvalidAnswer: the ${action} answer${what}; it may not come from STS (check sts-endpoint and any proxy).`

describe('createStsClient', () => {
  const options = {
    region: 'eu-west-1',
    retry: { ...RETRY, requestTimeoutMs: 8000 },
    userAgent: 'scoped-role-test/1',
    wording
  }

  it('builds a regional client that makes one attempt per call, with our timeouts', async () => {
    const agent = new Agent()
    const log = () => undefined
    const mask = () => undefined
    const sts = createStsClient({
      ...options,
      useFipsEndpoint: true,
      agents: { httpsAgent: agent },
      log,
      mask,
      endpointUrl: 'https://sts.example'
    })
    const config = sts.client.config
    expect(await config.region()).toBe('eu-west-1')
    expect(await config.useFipsEndpoint()).toBe(true)
    expect((config as unknown as { useGlobalEndpoint: unknown }).useGlobalEndpoint).toBe(false)
    expect(await config.maxAttempts()).toBe(1)
    expect(config.customUserAgent).toEqual([['scoped-role-test/1']])
    const handler = (await (
      config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }
    ).configProvider) as Record<string, unknown>
    expect({
      connectionTimeout: handler.connectionTimeout,
      requestTimeout: handler.requestTimeout,
      throwOnRequestTimeout: handler.throwOnRequestTimeout,
      httpsAgent: handler.httpsAgent
    }).toEqual({
      connectionTimeout: 5000,
      requestTimeout: 8000,
      throwOnRequestTimeout: true,
      httpsAgent: agent
    })
    expect(sts).toEqual({
      client: sts.client,
      retry: options.retry,
      log,
      mask,
      endpointUrl: 'https://sts.example',
      wording
    })
    sts.client.destroy()
  })

  it('connects within the request timeout when that is shorter than 5 s, and leaves FIPS off', async () => {
    const sts = createStsClient({ ...options, retry: { ...RETRY, requestTimeoutMs: 3000 } })
    const handler = (await (
      sts.client.config.requestHandler as unknown as {
        configProvider: Promise<Record<string, unknown>>
      }
    ).configProvider) as Record<string, unknown>
    expect(handler.connectionTimeout).toBe(3000)
    expect(await sts.client.config.useFipsEndpoint()).toBe(false)
    sts.client.destroy()
  })
})

describe('against the local STS endpoint', () => {
  let local: LocalSts
  const clients: Sts[] = []
  const client = (extra: Partial<Parameters<typeof createStsClient>[0]> = {}) => {
    const sts = createStsClient({
      region: 'us-east-1',
      endpoint: local.url,
      credentials: DEFAULT_USER,
      userAgent: 'scoped-role-test/1',
      retry: ONCE,
      wording,
      ...extra
    })
    clients.push(sts)
    return sts
  }

  /** The credentials of the last session the endpoint minted, as the calls return them. */
  const lastIssued = () => {
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = local.issued.at(-1)!
    return { accessKeyId, secretAccessKey, sessionToken, expiration }
  }

  beforeAll(async () => {
    local = await startLocalSts()
  })
  afterAll(async () => {
    for (const sts of clients) sts.client.destroy()
    await local.close()
  })

  it('assumes a role with every parameter, signed with the source credentials', async () => {
    const masked: string[] = []
    const session = await assumeRole(client({ mask: secret => masked.push(secret) }), {
      ...REQUEST,
      policy:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      externalId: 'ext-1',
      mfa: { serialNumber: 'arn:aws:iam::111122223333:mfa/ci', tokenCode: '123456' },
      tags: [{ key: 'Repository', value: 'octo/app' }],
      transitiveTagKeys: ['Repository'],
      sourceIdentity: 'octocat'
    })
    const request = local.requests.at(-1)!
    expect(request.verified).toBe(true)
    expect(request.accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    expect(String(request.headers['user-agent'])).toContain('scoped-role-test/1')
    expect(request.params).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'ci',
      DurationSeconds: '900',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ExternalId: 'ext-1',
      SerialNumber: 'arn:aws:iam::111122223333:mfa/ci',
      TokenCode: '123456',
      'Tags.member.1.Key': 'Repository',
      'Tags.member.1.Value': 'octo/app',
      'TransitiveTagKeys.member.1': 'Repository',
      SourceIdentity: 'octocat'
    })
    const issued = local.issued.at(-1)!
    expect(session).toEqual({
      credentials: lastIssued(),
      arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci',
      userId: expect.stringMatching(/^AROA[A-Z0-9]+:ci$/),
      account: '111122223333',
      utilization: issued.packedPolicySize
    })
    expect(masked).toEqual([issued.accessKeyId, issued.secretAccessKey, issued.sessionToken])
  })

  it('sends no empty lists', async () => {
    await assumeRole(client(), { ...REQUEST, tags: [], transitiveTagKeys: [] })
    expect(Object.keys(local.requests.at(-1)!.params).sort()).toEqual([
      'Action',
      'DurationSeconds',
      'RoleArn',
      'RoleSessionName',
      'Version'
    ])
  })

  it('reads the caller identity', async () => {
    expect(await getCallerIdentity(client())).toEqual({
      arn: DEFAULT_USER.arn,
      userId: expect.stringMatching(/^AIDA/),
      account: '111122223333'
    })
  })

  it('scopes the credentials of a session, keeping its identity', async () => {
    // A session longer than the scoped one: a second may pass between the two calls.
    const session = await assumeRole(client(), { ...REQUEST, durationSeconds: 3600 })
    const scoped = await getScopedCredentials(client({ credentials: session.credentials }), {
      policy:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      durationSeconds: 600,
      description: 'build'
    })
    expect(local.requests.at(-1)!.params).toMatchObject({
      Action: 'GetScopedCredentials',
      DurationSeconds: '600',
      ScopedSessionDescription: 'build'
    })
    const issued = local.issued.at(-1)!
    expect(scoped).toEqual({
      credentials: lastIssued(),
      arn: session.arn,
      userId: '',
      account: '111122223333',
      utilization: expect.any(Number),
      scopedSessionId: issued.scope?.scopedSessionId
    })
  })
})

describe('assumeRole', () => {
  it('sends the request as STS reads it, and leaves out what is not set', async () => {
    const sts = fakeSts([ASSUMED])
    expect(await assumeRole(sts, REQUEST)).toEqual(SESSION)
    expect(sts.sent).toHaveLength(1)
    expect(sts.sent[0].name).toBe('AssumeRoleCommand')
    expect(sts.sent[0].input).toStrictEqual({
      RoleArn: ROLE,
      RoleSessionName: 'ci',
      DurationSeconds: 900,
      Policy: undefined,
      PolicyArns: undefined,
      ExternalId: undefined,
      SerialNumber: undefined,
      TokenCode: undefined,
      Tags: undefined,
      TransitiveTagKeys: undefined,
      SourceIdentity: undefined
    })
  })

  it('maps policy ARNs, tags and transitive keys to their STS shapes', async () => {
    const sts = fakeSts([ASSUMED])
    await assumeRole(sts, {
      ...REQUEST,
      policy: '{}',
      policyArns: ['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B'],
      tags: [
        { key: 'k1', value: 'v1' },
        { key: 'k2', value: 'v2' }
      ],
      transitiveTagKeys: ['k1']
    })
    expect(sts.sent[0].input).toMatchObject({
      Policy: '{}',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/A' }, { arn: 'arn:aws:iam::aws:policy/B' }],
      Tags: [
        { Key: 'k1', Value: 'v1' },
        { Key: 'k2', Value: 'v2' }
      ],
      TransitiveTagKeys: ['k1']
    })
  })

  it('reports the packed size when STS gives no token utilization', async () => {
    const session = await assumeRole(fakeSts([{ ...ASSUMED, PackedPolicySize: 40 }]), REQUEST)
    expect(session.utilization).toBe(40)
  })

  it('prefers the token utilization to the packed size', async () => {
    const session = await assumeRole(
      fakeSts([{ ...ASSUMED, PackedPolicySize: 40, SessionTokenUtilization: 55 }]),
      REQUEST
    )
    expect(session.utilization).toBe(55)
  })

  it.each([0, 0.5, 1000])('accepts a utilization of %d', async value => {
    const session = await assumeRole(
      fakeSts([{ ...ASSUMED, SessionTokenUtilization: value }]),
      REQUEST
    )
    expect(session.utilization).toBe(value)
  })

  it.each([-1, 1000.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a utilization of %d',
    async value => {
      const error = await refusal(
        assumeRole(fakeSts([{ ...ASSUMED, SessionTokenUtilization: value }]), REQUEST)
      )
      expect(error.message).toBe(
        notFromSts('AssumeRole', "'s SessionTokenUtilization is not a percentage")
      )
    }
  )

  it('retries a passing failure and logs it', async () => {
    const sts = fakeSts([stsError('Throttling', 'Rate exceeded'), ASSUMED])
    expect(await assumeRole(sts, REQUEST)).toEqual(SESSION)
    expect(sts.sent).toHaveLength(2)
    expect(sts.logged).toEqual([
      expect.stringMatching(
        /^Attempt 1 of 3 failed: Throttling \(HTTP 400\); retrying in 0\.0\d s\.$/
      )
    ])
  })

  it('does not retry an expired token outside web identity', async () => {
    const sts = fakeSts([stsError('ExpiredTokenException', 'expired'), ASSUMED])
    const error = await refusal(assumeRole(sts, REQUEST))
    expect(error.message).toBe(
      'AssumeRole failed: ExpiredTokenException: expired. The source credentials have expired.'
    )
    expect(sts.sent).toHaveLength(1)
  })

  it('explains a refusal with what was asked', async () => {
    const error = await refusal(
      assumeRole(
        fakeSts([
          stsError('PackedPolicyTooLarge', 'Packed policy consumes 130% of allotted space')
        ]),
        { ...REQUEST, policy: 'x'.repeat(10), tags: [{ key: 'a', value: 'b' }] },
        'arn:aws:iam::111122223333:user/ci'
      )
    )
    expect(error).toBeInstanceOf(StsError)
    expect((error as StsError).context).toEqual({
      action: 'AssumeRole',
      wording,
      roleArn: ROLE,
      sourceArn: 'arn:aws:iam::111122223333:user/ci',
      request: { ...REQUEST, policy: 'x'.repeat(10), tags: [{ key: 'a', value: 'b' }] },
      endpointUrl: undefined
    })
    expect(error.message).toContain(
      'What takes space: the inline policy (10 characters), 0 managed policy ARNs, 1 session tags (2 characters).'
    )
  })

  it('names the endpoint in the context of a refusal', async () => {
    const error = await refusal(
      assumeRole(
        fakeSts([stsError('AccessDenied')], { endpointUrl: 'https://sts.example' }),
        REQUEST
      )
    )
    expect((error as StsError).context.endpointUrl).toBe('https://sts.example')
  })
})

describe('the answer is checked before it is used', () => {
  const withCredentials = (credentials: Record<string, unknown> | undefined) =>
    assumeRole(fakeSts([{ ...ASSUMED, Credentials: credentials }]), REQUEST)
  const withUser = (user: Record<string, unknown> | undefined) =>
    assumeRole(fakeSts([{ ...ASSUMED, AssumedRoleUser: user }]), REQUEST)

  it.each([
    ['no credentials', undefined],
    ['no access key id', { ...CREDENTIALS, AccessKeyId: '' }],
    ['no secret key', { ...CREDENTIALS, SecretAccessKey: undefined }],
    ['no session token', { ...CREDENTIALS, SessionToken: '' }],
    ['no expiration', { ...CREDENTIALS, Expiration: undefined }]
  ])('refuses an answer with %s', async (_, credentials) => {
    expect((await refusal(withCredentials(credentials))).message).toBe(
      notFromSts('AssumeRole', ' has no credentials')
    )
  })

  it.each([
    ['no user', undefined],
    ['no ARN', { AssumedRoleId: SESSION_USER.AssumedRoleId }],
    ['no role id', { Arn: SESSION_USER.Arn }]
  ])('refuses an answer with %s', async (_, user) => {
    expect((await refusal(withUser(user))).message).toBe(
      notFromSts('AssumeRole', ' has no credentials')
    )
  })

  it.each([
    ['a 15-character access key id', { AccessKeyId: 'ASIAEXAMPLE0001' }],
    ['a 129-character access key id', { AccessKeyId: 'A'.repeat(129) }],
    ['a lower-case access key id', { AccessKeyId: 'asiaexample00001' }],
    ['an access key id with text after it', { AccessKeyId: 'ASIAEXAMPLE00001 x' }],
    ['an access key id with text before it', { AccessKeyId: 'x ASIAEXAMPLE00001' }],
    ['a secret with a space', { SecretAccessKey: 'secret key' }],
    ['a secret with a line break at its end', { SecretAccessKey: 'secret\n' }],
    ['a secret with a line break at its start', { SecretAccessKey: '\nsecret' }],
    ['a secret of 16385 characters', { SecretAccessKey: 's'.repeat(16385) }],
    ['a secret with a letter beyond ASCII', { SecretAccessKey: 'sécret' }],
    ['a session token with a DEL character', { SessionToken: 'token\u007f' }],
    ['an expiration that is not a date', { Expiration: new Date('not a date') }]
  ])('refuses %s', async (_, change) => {
    expect((await refusal(withCredentials({ ...CREDENTIALS, ...change }))).message).toBe(
      notFromSts('AssumeRole', ' holds credentials not of the form AWS issues')
    )
  })

  it.each([
    ['the longest access key id', { AccessKeyId: 'A'.repeat(128) }],
    ['the widest secret characters', { SecretAccessKey: '!~' }],
    ['the longest secret', { SessionToken: 't'.repeat(16384) }]
  ])('accepts %s', async (_, change) => {
    const session = await withCredentials({ ...CREDENTIALS, ...change })
    expect(session.arn).toBe(SESSION_USER.Arn)
  })

  it('masks the secrets before it refuses the answer, and never what no secret looks like', async () => {
    const sts = fakeSts([
      {
        ...ASSUMED,
        Credentials: { ...CREDENTIALS, AccessKeyId: 'asia-not-a-key', SessionToken: 'has space' }
      }
    ])
    await refusal(assumeRole(sts, REQUEST))
    expect(sts.masked).toEqual(['asia-not-a-key', CREDENTIALS.SecretAccessKey])
  })

  it('masks the secrets before it refuses the rest of the answer', async () => {
    const sts = fakeSts([{ ...ASSUMED, AssumedRoleUser: { ...SESSION_USER, Arn: 'nope' } }])
    await refusal(assumeRole(sts, REQUEST))
    expect(sts.masked).toEqual([
      CREDENTIALS.AccessKeyId,
      CREDENTIALS.SecretAccessKey,
      CREDENTIALS.SessionToken
    ])
  })

  const R64 = 'r'.repeat(64)
  it.each([
    'arn:aws:sts::111122223333:assumed-role/deploy/ci',
    'arn:aws-us-gov:sts::111122223333:assumed-role/deploy/ci',
    `arn:aws:sts::111122223333:assumed-role/${R64}/${R64}`,
    'arn:aws:sts::111122223333:assumed-role/a+=,.@_-/b+=,.@_-'
  ])('accepts the session ARN %s', async arn => {
    expect((await withUser({ ...SESSION_USER, Arn: arn })).arn).toBe(arn)
  })

  it.each([
    'arn:aws:iam::111122223333:assumed-role/deploy/ci',
    'arn:aws-1:sts::111122223333:assumed-role/deploy/ci',
    'arn:awsx:sts::111122223333:assumed-role/deploy/ci',
    'arn:aws:sts::11112222333:assumed-role/deploy/ci',
    'arn:aws:sts::1111222233334:assumed-role/deploy/ci',
    'arn:aws:sts::11112222333x:assumed-role/deploy/ci',
    'arn:aws:sts::111122223333:federated-user/deploy/ci',
    'arn:aws:sts::111122223333:assumed-role/deploy',
    'arn:aws:sts::111122223333:assumed-role//ci',
    'arn:aws:sts::111122223333:assumed-role/deploy/c',
    `arn:aws:sts::111122223333:assumed-role/${R64}r/ci`,
    `arn:aws:sts::111122223333:assumed-role/deploy/${R64}r`,
    'arn:aws:sts::111122223333:assumed-role/de ploy/ci',
    'arn:aws:sts::111122223333:assumed-role/deploy/c i',
    'arn:aws:sts::111122223333:assumed-role/deploy/ci/more',
    'xarn:aws:sts::111122223333:assumed-role/deploy/ci',
    'arn:aws:sts::111122223333:assumed-role/deploy/ci\n'
  ])('refuses the session ARN %j', async arn => {
    const error = await refusal(withUser({ ...SESSION_USER, Arn: arn }))
    expect(error.message).toContain("failed: InvalidAnswer: the AssumeRole answer's Arn '")
  })

  it('quotes a refused value escaped and bounded', async () => {
    const arn = `arn:aws:sts::111122223333:assumed-role/deploy/ci\n::add-mask::${'x'.repeat(120)}`
    const error = await refusal(withUser({ ...SESSION_USER, Arn: arn }))
    expect(error.message).toBe(
      notFromSts(
        'AssumeRole',
        `'s Arn '${quoted(`arn:aws:sts::111122223333:assumed-role/deploy/ci\\u000a::add-mask::${'x'.repeat(120)}`)}' is not of the form STS uses`
      )
    )
  })

  it.each([
    'AROAEXAMPLE00001:ci',
    `${'A'.repeat(128)}:${'s'.repeat(64)}`,
    'AROAEXAMPLE00001:a+=,.@_-'
  ])('accepts the role id %s', async id => {
    expect((await withUser({ ...SESSION_USER, AssumedRoleId: id })).userId).toBe(id)
  })

  it.each([
    'AROAEXAMPLE0001:ci',
    `${'A'.repeat(129)}:ci`,
    'aroaexample00001:ci',
    'AROAEXAMPLE00001:c',
    `AROAEXAMPLE00001:${'s'.repeat(65)}`,
    'AROAEXAMPLE00001ci',
    'AROAEXAMPLE00001:c i',
    'xAROAEXAMPLE00001:ci',
    ' AROAEXAMPLE00001:ci'
  ])('refuses the role id %j', async id => {
    expect((await refusal(withUser({ ...SESSION_USER, AssumedRoleId: id }))).message).toBe(
      notFromSts('AssumeRole', `'s AssumedRoleId '${quoted(id)}' is not of the form STS uses`)
    )
  })
})

describe('assumeRoleWithWebIdentity', () => {
  const jwt = (sub: string) =>
    `h.${Buffer.from(JSON.stringify({ sub, aud: 'sts.amazonaws.com', iss: 'https://idp.example' })).toString('base64url')}.s`

  it('sends the token it is given, and reports who the token named', async () => {
    const sts = fakeSts([
      {
        ...ASSUMED,
        SubjectFromWebIdentityToken: 'repo:octo/app:ref:refs/heads/main',
        Audience: 'sts.amazonaws.com',
        Provider: `idp.example\n${'p'.repeat(300)}`
      }
    ])
    const fresh: boolean[] = []
    const session = await assumeRoleWithWebIdentity(
      sts,
      { ...REQUEST, policyArns: ['arn:aws:iam::aws:policy/A'] },
      async f => {
        fresh.push(f)
        return 'the-token'
      }
    )
    expect(fresh).toEqual([false])
    expect(sts.sent[0].name).toBe('AssumeRoleWithWebIdentityCommand')
    expect(sts.sent[0].input).toStrictEqual({
      RoleArn: ROLE,
      RoleSessionName: 'ci',
      DurationSeconds: 900,
      Policy: undefined,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/A' }],
      WebIdentityToken: 'the-token'
    })
    expect(session).toEqual({
      ...SESSION,
      webIdentity: {
        subject: 'repo:octo/app:ref:refs/heads/main',
        audience: 'sts.amazonaws.com',
        provider: `idp.example\\u000a${'p'.repeat(200 - 17)}…`
      }
    })
  })

  it('leaves out what the answer does not say about the token', async () => {
    const session = await assumeRoleWithWebIdentity(fakeSts([ASSUMED]), REQUEST, async () => 't')
    expect(session.webIdentity).toStrictEqual({
      subject: undefined,
      audience: undefined,
      provider: undefined
    })
  })

  it('tries once more with a fresh token when STS refuses the token as expired', async () => {
    const sts = fakeSts([stsError('ExpiredTokenException', 'expired'), ASSUMED])
    const tokens = ['old', 'new']
    const fresh: boolean[] = []
    await assumeRoleWithWebIdentity(sts, REQUEST, async f => {
      fresh.push(f)
      return tokens.shift()!
    })
    expect(fresh).toEqual([false, true])
    expect(sts.sent.map(s => s.input.WebIdentityToken)).toEqual(['old', 'new'])
  })

  it('explains a refusal with the claims of the last token sent', async () => {
    const tokens = [jwt('repo:octo/app:old'), jwt('repo:octo/app:new')]
    const error = await refusal(
      assumeRoleWithWebIdentity(
        fakeSts([stsError('InvalidIdentityToken', 'bad'), stsError('IDPRejectedClaim', 'no', 403)]),
        REQUEST,
        async () => tokens.shift()!
      )
    )
    expect(error.message).toContain(
      'does not accept this token: sub repo:octo/app:new, aud sts.amazonaws.com'
    )
  })

  it('passes on the error of a token that could not be had, as it is', async () => {
    const cause = new ActionError('No OIDC token', 'OIDC failed')
    const error = await refusal(
      assumeRoleWithWebIdentity(fakeSts([]), REQUEST, async () => {
        throw cause
      })
    )
    expect(error).toBe(cause)
  })

  it('gives up on a token that does not come within the request timeout', async () => {
    const sts = fakeSts([], { retry: { ...ONCE, requestTimeoutMs: 50 } })
    const error = await refusal(
      assumeRoleWithWebIdentity(sts, REQUEST, () => new Promise<string>(() => undefined))
    )
    expect(sts.sent).toHaveLength(0)
    expect(error).toBeInstanceOf(StsError)
    expect(error.cause).toMatchObject({ name: 'TimeoutError', message: 'no answer within 50 ms' })
  })
})

describe('each attempt is bounded', () => {
  it('aborts a request that gets no answer within the request timeout', async () => {
    const hang = (signal: AbortSignal) =>
      new Promise((_, reject) =>
        signal.addEventListener('abort', () =>
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }))
        )
      )
    const sts = fakeSts([hang], { retry: { ...ONCE, requestTimeoutMs: 50 } })
    const error = await refusal(getCallerIdentity(sts))
    expect(sts.sent[0].signal.aborted).toBe(true)
    expect(error.cause).toMatchObject({ name: 'TimeoutError', message: 'no answer within 50 ms' })
  })

  it('passes on a failure that is not the timeout', async () => {
    const sts = fakeSts([stsError('AccessDenied', 'no', 403)], {
      retry: { ...ONCE, requestTimeoutMs: 50 }
    })
    const error = await refusal(getCallerIdentity(sts))
    expect(error.message).toBe(
      'GetCallerIdentity failed: AccessDenied: no. The credentials may not call sts:GetCallerIdentity.'
    )
  })

  it('stops the clock of an attempt that answered', async () => {
    const sts = fakeSts(
      [{ Arn: DEFAULT_USER.arn, UserId: 'AIDAEXAMPLE', Account: '111122223333' }],
      { retry: { ...ONCE, requestTimeoutMs: 20 } }
    )
    await getCallerIdentity(sts)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(sts.sent[0].signal.aborted).toBe(false)
  })
})

describe('getCallerIdentity', () => {
  const identity = { Arn: DEFAULT_USER.arn, UserId: 'AIDAEXAMPLE', Account: '111122223333' }
  const withIdentity = (change: Record<string, unknown>) =>
    getCallerIdentity(fakeSts([{ ...identity, ...change }]))

  it('reads the identity of the answer', async () => {
    const sts = fakeSts([identity])
    expect(await getCallerIdentity(sts)).toEqual({
      arn: DEFAULT_USER.arn,
      userId: 'AIDAEXAMPLE',
      account: '111122223333'
    })
    expect(sts.sent[0]).toMatchObject({ name: 'GetCallerIdentityCommand', input: {} })
  })

  it.each([
    { Arn: 'arn:aws-cn:sts::111122223333:assumed-role/deploy/ci' },
    { Arn: `arn:aws:iam::111122223333:user/${'u'.repeat(507)}` },
    { Arn: 'arn:aws:iam::111122223333:user/a+=,.@_-/b' },
    { UserId: 'AROAEXAMPLE:ci+=,.@_-' },
    { UserId: 'u'.repeat(256) }
  ])('accepts %j', async change => {
    expect(await withIdentity(change)).toEqual({
      arn: change.Arn ?? identity.Arn,
      userId: change.UserId ?? identity.UserId,
      account: identity.Account
    })
  })

  it.each([
    ['Arn', undefined, ''],
    ['Arn', 'arn:aws:s3::111122223333:user/ci', undefined],
    ['Arn', 'arn:aws-1:iam::111122223333:user/ci', undefined],
    ['Arn', 'arn:aws:iam::11112222333:user/ci', undefined],
    ['Arn', 'arn:aws:iam::111122223333:', undefined],
    ['Arn', `arn:aws:iam::111122223333:user/${'u'.repeat(508)}`, undefined],
    ['Arn', 'arn:aws:iam::111122223333:user/c i', undefined],
    ['Arn', 'xarn:aws:iam::111122223333:user/ci', undefined],
    ['Arn', 'arn:aws:iam::111122223333:user/ci\n', undefined],
    ['UserId', undefined, ''],
    ['UserId', 'u'.repeat(257), undefined],
    ['UserId', 'AIDA EXAMPLE', undefined],
    ['Account', undefined, ''],
    ['Account', '11112222333', undefined],
    ['Account', '1111222233334', undefined],
    ['Account', '11112222333x', undefined]
  ])('refuses the %s %j', async (field, value, shown) => {
    const error = await refusal(withIdentity({ [field]: value }))
    expect(error.message).toBe(
      notFromSts(
        'GetCallerIdentity',
        `'s ${field} '${quoted((shown ?? value ?? '').replace('\n', '\\u000a'))}' is not of the form STS uses`
      )
    )
  })
})

describe('getScopedCredentials', () => {
  const SCOPED_ARN = 'arn:aws:sts::111122223333:assumed-role/deploy/ci'
  const scoped = (change: Record<string, unknown> = {}, info: Record<string, unknown> = {}) => ({
    Credentials: CREDENTIALS,
    SessionInfo: { Arn: SCOPED_ARN, ScopedSessionId: 'scoped-1', ...info },
    ...change
  })
  const scope = (answer: unknown) =>
    getScopedCredentials(fakeSts([answer]), { policy: '{}', description: 'build' })

  it('sends the policy, the duration and the description', async () => {
    const sts = fakeSts([scoped({ SessionTokenUtilization: 12 })])
    const session = await getScopedCredentials(sts, {
      policy: '{}',
      durationSeconds: 900,
      description: 'build'
    })
    expect(sts.sent[0].name).toBe('GetScopedCredentialsCommand')
    expect(sts.sent[0].input).toStrictEqual({
      Policy: '{}',
      DurationSeconds: 900,
      ScopedSessionDescription: 'build'
    })
    expect(session).toStrictEqual({
      credentials: SESSION.credentials,
      arn: SCOPED_ARN,
      userId: '',
      account: '111122223333',
      utilization: 12,
      scopedSessionId: 'scoped-1'
    })
    expect(sts.masked).toEqual([
      CREDENTIALS.AccessKeyId,
      CREDENTIALS.SecretAccessKey,
      CREDENTIALS.SessionToken
    ])
  })

  it('has no scoped session id when the answer gives none', async () => {
    expect(
      (await scope(scoped({}, { ScopedSessionId: undefined }))).scopedSessionId
    ).toBeUndefined()
  })

  it.each([
    ['no credentials', scoped({ Credentials: undefined })],
    ['no session info', scoped({ SessionInfo: undefined })],
    ['no ARN', scoped({}, { Arn: '' })]
  ])('refuses an answer with %s', async (_, answer) => {
    expect((await refusal(scope(answer))).message).toBe(
      notFromSts('GetScopedCredentials', ' has no credentials')
    )
  })

  it('refuses a utilization that is not a percentage', async () => {
    expect((await refusal(scope(scoped({ SessionTokenUtilization: -1 })))).message).toBe(
      notFromSts('GetScopedCredentials', "'s SessionTokenUtilization is not a percentage")
    )
  })

  it.each([
    'arn:aws:sts::111122223333:federated-user/bob',
    'arn:aws:sts::111122223333:assumed-role/deploy',
    `arn:aws-cn:sts::111122223333:assumed-role/${'r'.repeat(64)}/${'s'.repeat(64)}`
  ])('accepts the ARN %s', async arn => {
    expect((await scope(scoped({}, { Arn: arn }))).arn).toBe(arn)
  })

  it.each([
    'arn:aws:sts::111122223333:user/bob',
    'arn:aws:iam::111122223333:assumed-role/deploy/ci',
    'arn:aws-1:sts::111122223333:assumed-role/deploy/ci',
    'arn:aws:sts::11112222333:assumed-role/deploy/ci',
    'arn:aws:sts::111122223333:assumed-role/deploy/c',
    `arn:aws:sts::111122223333:assumed-role/${'r'.repeat(65)}`,
    `arn:aws:sts::111122223333:assumed-role/deploy/${'s'.repeat(65)}`,
    'arn:aws:sts::111122223333:assumed-role/de ploy',
    'arn:aws:sts::111122223333:assumed-role/deploy/c i',
    'xarn:aws:sts::111122223333:assumed-role/deploy/ci',
    'arn:aws:sts::111122223333:assumed-role/deploy/ci/x'
  ])('refuses the ARN %j', async arn => {
    expect((await refusal(scope(scoped({}, { Arn: arn })))).message).toBe(
      notFromSts('GetScopedCredentials', `'s Arn '${arn}' is not of the form STS uses`)
    )
  })

  it.each(['s', 'id:+=,.@_-', 'i'.repeat(128)])('accepts the scoped session id %j', async id => {
    expect((await scope(scoped({}, { ScopedSessionId: id }))).scopedSessionId).toBe(id)
  })

  it.each(['', 'i'.repeat(129), 'id 1', 'id/1'])('refuses the scoped session id %j', async id => {
    expect((await refusal(scope(scoped({}, { ScopedSessionId: id })))).message).toBe(
      notFromSts(
        'GetScopedCredentials',
        `'s ScopedSessionId '${quoted(id)}' is not of the form STS uses`
      )
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import {
  assumeAgain,
  parseRefreshFile,
  refreshFileFor,
  type RefreshFile
} from '../../../src/flows/refresh.js'
import type { SessionPolicy } from '../../../src/policy/session-policy.js'
import { ActionError } from '../../../src/shared/errors.js'
import { assumeSettingsOf } from '../../support/inputs.js'
import { TERMINAL_WORDING } from '../../../src/cli/wording.js'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import { acceptingProvider, recordingDeps, tokenFor, useLocalSts } from '../../support/flows.js'

const POLICY: SessionPolicy = {
  inline:
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
  managedArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  warnings: [],
  notChecked: [],
  explanation: [],
  forbidActions: []
}
const SESSION = {
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/s',
  userId: 'AROA:s',
  account: '111122223333',
  credentials: {
    accessKeyId: 'ASIA',
    secretAccessKey: 'x',
    sessionToken: 'y',
    expiration: new Date()
  }
}
const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }

function fileFor(overrides = {}, env: Record<string, string> = OIDC): RefreshFile {
  const settings = assumeSettingsOf({ refresh: 'true', ...overrides }, { env })
  const source = env.ACTIONS_ID_TOKEN_REQUEST_URL
    ? ({ kind: 'oidc', reason: '', label: '' } as const)
    : ({ kind: 'environment', reason: '', label: '' } as const)
  return refreshFileFor(settings, POLICY, source, SESSION, env)
}

/** The settings a renewal rebuilds from a file, with none of the optional fields present. */
function renewalSettings(file: RefreshFile): Record<string, unknown> {
  return {
    mode: 'assume',
    role: { arn: file.roleArn },
    region: 'us-east-1',
    partition: 'aws',
    policy: { managed: [], forbidActions: '', requireSessionPolicy: false, partition: 'aws' },
    jobSummary: false,
    useFipsEndpoint: false,
    retry: file.retry,
    maskAccountId: false,
    verifyCredentials: false,
    cleanupCredentials: false,
    outputCredentials: false,
    record: false,
    exportEnv: false,
    overwriteAwsProfile: false,
    roleSessionName: file.roleSessionName,
    source: { kind: 'environment', because: 'force-source' },
    audience: 'sts.amazonaws.com',
    unsetCurrentCredentials: false,
    tags: [],
    transitiveTagKeys: [],
    droppableTagKeys: [],
    viaRoles: [],
    sessionPolicyOnEveryHop: false,
    useExistingCredentials: false,
    specialCharactersWorkaround: false,
    refresh: false,
    assumeRoleOnlyInputs: []
  }
}

describe('the refresh settings file', () => {
  it('round-trips what the main step used, with the policy as sent and no secret', () => {
    const file = fileFor({ 'role-session-tags': 'team=web' })
    expect(parseRefreshFile(JSON.stringify(file))).toEqual(file)
    expect(file.policy).toEqual({ inline: POLICY.inline, managedArns: POLICY.managedArns })
    expect(file.source).toEqual({ kind: 'oidc' })
    expect(JSON.stringify(file)).not.toMatch(/ASIA|secret|"t"/)
  })

  it('keeps the source profile of the default chain, and completes a bare role name', () => {
    const file = fileFor({ 'role-to-assume': 'deploy' }, { AWS_PROFILE: 'runner' })
    expect(file.source).toEqual({ kind: 'environment', profile: 'runner' })
    expect(file.roleArn).toBe('arn:aws:iam::111122223333:role/deploy')
  })

  it.each([
    ['not JSON', 'nope'],
    ['another role', { roleArn: 'arn:aws:iam::1:user/x' }],
    ['a policy with a line break', { policy: { inline: 'a\nb', managedArns: [] } }],
    ['an unknown source', { source: { kind: 'keys' } }],
    ['an extra field', { secretAccessKey: 'x' }],
    [
      'eleven managed policies',
      { policy: { managedArns: Array(11).fill('arn:aws:iam::aws:policy/A') } }
    ]
  ])('refuses %s', (_, change) => {
    const text = typeof change === 'string' ? change : JSON.stringify({ ...fileFor(), ...change })
    expect(() => parseRefreshFile(text)).toThrow(ActionError)
  })

  it('asks for no token when the process lacks the OIDC variables, and says why', async () => {
    const deps = {
      env: {},
      wording: TERMINAL_WORDING,
      mask: () => {},
      info: () => {},
      warn: () => {},
      debug: () => {},
      requestIdToken: () => Promise.reject(new Error('not called')),
      readFile: () => ''
    }
    await expect(assumeAgain(fileFor(), deps)).rejects.toThrow('id-token: write')
  })
})

describe('refreshFileFor', () => {
  it('writes every setting the flow needs, and only those given', () => {
    // Strict: a field not given is absent, not present and undefined.
    expect(fileFor()).toStrictEqual({
      version: 1,
      roleArn: 'arn:aws:iam::111122223333:role/deploy',
      roleSessionName: expect.any(String),
      durationSeconds: 3600,
      region: 'us-east-1',
      partition: 'aws',
      useFipsEndpoint: false,
      retry: expect.any(Object),
      audience: 'sts.amazonaws.com',
      source: { kind: 'oidc' },
      policy: { inline: POLICY.inline, managedArns: POLICY.managedArns },
      tags: [],
      transitiveTagKeys: [],
      verifyCredentials: false
    })
  })

  it('keeps the endpoint, proxy, source identity and allowed accounts when given', () => {
    const file = fileFor({
      'sts-endpoint': 'https://sts.example.test',
      'http-proxy': 'http://proxy.example.test:3128',
      'source-identity': 'octocat',
      'allowed-account-ids': '111122223333'
    })
    expect(file).toMatchObject({
      stsEndpoint: 'https://sts.example.test',
      httpProxy: 'http://proxy.example.test:3128/',
      sourceIdentity: 'octocat',
      allowedAccountIds: ['111122223333']
    })
  })

  it('keeps a policy without an inline part as it is', () => {
    const settings = assumeSettingsOf({ refresh: 'true' }, { env: OIDC })
    const file = refreshFileFor(
      settings,
      { ...POLICY, inline: undefined },
      { kind: 'oidc', reason: '', label: '' },
      SESSION,
      OIDC
    )
    expect(file.policy).toStrictEqual({ managedArns: POLICY.managedArns })
  })

  it.each([
    [
      { kind: 'web-identity-file', path: '/var/run/token', reason: '', label: '' },
      { kind: 'web-identity-file', path: '/var/run/token' },
      {}
    ],
    [{ kind: 'environment', reason: '', label: '' }, { kind: 'environment' }, {}],
    [
      { kind: 'environment', reason: '', label: '' },
      { kind: 'environment', profile: 'runner' },
      { AWS_PROFILE: 'runner' }
    ]
  ] as const)('keeps the source %j as %j', (source, written, env) => {
    const settings = assumeSettingsOf({ refresh: 'true' }, { env: OIDC })
    expect(refreshFileFor(settings, POLICY, source, SESSION, env).source).toEqual(written)
  })

  it('cannot renew with static keys', () => {
    const settings = assumeSettingsOf({ refresh: 'true' }, { env: OIDC })
    const keys = { accessKeyId: 'AKIA', secretAccessKey: 's' }
    expect(() =>
      refreshFileFor(settings, POLICY, { kind: 'keys', keys, reason: '', label: '' }, SESSION, {})
    ).toThrow('static keys cannot renew a session')
  })
})

describe('parseRefreshFile, field by field', () => {
  const base = () => fileFor()
  const parse = (change: Record<string, unknown>) =>
    parseRefreshFile(JSON.stringify({ ...base(), ...change }))
  const refusal = (reason: string) =>
    `The refresh settings file is not one this action wrote: ${reason}. Run the scoped-role step with refresh: true again.`
  const retryWith = (change: Record<string, unknown>) => ({ retry: { ...base().retry, ...change } })
  const policyWith = (change: Record<string, unknown>) => ({
    policy: { ...base().policy, ...change }
  })
  const x = (n: number) => 'x'.repeat(n)
  const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess'

  it('says why a text that is not JSON is refused, with the title', () => {
    let error: unknown
    try {
      parseRefreshFile('{')
    } catch (caught) {
      error = caught
    }
    expect((error as ActionError).message).toBe(refusal('it is not JSON'))
    expect((error as ActionError).title).toBe('Refresh settings not valid')
  })

  it('names an extra field, cut short', () => {
    expect(() => parse({ secretAccessKey: 'x' })).toThrow(
      refusal('it has a field "secretAccessKey"')
    )
    expect(() => parse({ [x(60)]: 1 })).toThrow(refusal(`it has a field "${x(39)}`))
  })

  it.each([
    ['version', { version: 2 }],
    ['roleArn', { roleArn: 7 }],
    ['roleArn', { roleArn: 'arn:aws:iam::111122223333:user/deploy' }],
    ['roleSessionName', { roleSessionName: 'a' }],
    ['roleSessionName', { roleSessionName: x(65) }],
    ['roleSessionName', { roleSessionName: 'a b' }],
    ['roleSessionName', { roleSessionName: 7 }],
    ['durationSeconds', { durationSeconds: 899 }],
    ['durationSeconds', { durationSeconds: 43201 }],
    ['durationSeconds', { durationSeconds: 900.5 }],
    ['durationSeconds', { durationSeconds: '900' }],
    ['region', { region: 'moon' }],
    ['region', { region: 7 }],
    ['partition', { partition: 'xaws' }],
    ['partition', { partition: `aws${x(21)}` }],
    ['partition', { partition: 'aws cn' }],
    ['stsEndpoint', { stsEndpoint: 'ftp://sts.example.test' }],
    ['stsEndpoint', { stsEndpoint: 'https://sts example' }],
    ['stsEndpoint', { stsEndpoint: 'xhttps://sts' }],
    ['stsEndpoint', { stsEndpoint: 'https://' }],
    ['useFipsEndpoint', { useFipsEndpoint: 'false' }],
    ['httpProxy', { httpProxy: 'socks://proxy' }],
    ['httpProxy', { httpProxy: 'http://proxy x' }],
    ['httpProxy', { httpProxy: 'xhttp://proxy' }],
    ['retry', { retry: null }],
    ['retry', { retry: 3 }],
    ['retry', retryWith({ maxAttempts: 0 })],
    ['retry', retryWith({ maxAttempts: 21 })],
    ['retry', retryWith({ budgetMs: 999 })],
    ['retry', retryWith({ budgetMs: 600_001 })],
    ['retry', retryWith({ requestTimeoutMs: 999 })],
    ['retry', retryWith({ requestTimeoutMs: 300_001 })],
    ['audience', { audience: '' }],
    ['audience', { audience: 'a b' }],
    ['audience', { audience: x(513) }],
    ['source', { source: null }],
    ['source', { source: 'oidc' }],
    ['source', { source: { kind: 'keys' } }],
    ['source', { source: { kind: 'web-identity-file', path: '' } }],
    ['source', { source: { kind: 'web-identity-file', path: x(4097) } }],
    ['source', { source: { kind: 'web-identity-file', path: 'a\nb' } }],
    ['source', { source: { kind: 'web-identity-file' } }],
    ['source', { source: { kind: 'environment', profile: 'a b' } }],
    ['source', { source: { kind: 'environment', profile: x(65) } }],
    ['source', { source: { kind: 'environment', profile: '' } }],
    ['policy', { policy: null }],
    ['policy', { policy: 'x' }],
    ['policy', policyWith({ inline: '' })],
    ['policy', policyWith({ inline: x(2049) })],
    ['policy', policyWith({ managedArns: arn })],
    ['policy', policyWith({ managedArns: Array(11).fill(arn) })],
    ['policy', policyWith({ managedArns: ['arn:aws:iam::123:policy/x'] })],
    ['policy', policyWith({ managedArns: [`x${arn}`] })],
    ['policy', policyWith({ managedArns: [`${arn} x`] })],
    ['policy', policyWith({ managedArns: ['arn:aws:iam::aws:role/x'] })],
    ['tags', { tags: {} }],
    ['tags', { tags: Array(51).fill({ key: 'k', value: 'v' }) }],
    ['tags', { tags: [null] }],
    ['tags', { tags: [{ key: '', value: 'v' }] }],
    ['tags', { tags: [{ key: x(129), value: 'v' }] }],
    ['tags', { tags: [{ key: 'k', value: x(257) }] }],
    ['tags', { tags: [{ key: 'k' }] }],
    ['transitiveTagKeys', { transitiveTagKeys: 'k' }],
    ['transitiveTagKeys', { transitiveTagKeys: [''] }],
    ['transitiveTagKeys', { transitiveTagKeys: [x(129)] }],
    ['sourceIdentity', { sourceIdentity: 'a' }],
    ['sourceIdentity', { sourceIdentity: x(65) }],
    ['sourceIdentity', { sourceIdentity: 7 }],
    ['allowedAccountIds', { allowedAccountIds: '111122223333' }],
    ['allowedAccountIds', { allowedAccountIds: ['11112222333'] }],
    ['allowedAccountIds', { allowedAccountIds: ['1111222233334'] }],
    ['verifyCredentials', { verifyCredentials: 'false' }]
  ])('refuses a file whose %s is %j', (field, change) => {
    expect(() => parse(change)).toThrow(refusal(`its field ${field} is missing or not valid`))
  })

  it.each([
    { roleSessionName: 'ab' },
    { roleSessionName: `${x(60)}+=,.@-`.slice(0, 64) },
    { durationSeconds: 900 },
    { durationSeconds: 43200 },
    { partition: 'aws-cn' },
    { partition: `aws${x(20)}` },
    { stsEndpoint: 'http://127.0.0.1:4566' },
    { useFipsEndpoint: true },
    { httpProxy: 'https://proxy.example.test' },
    { httpProxy: 'http://proxy.example.test:3128' },
    retryWith({ maxAttempts: 1, budgetMs: 1000, requestTimeoutMs: 1000 }),
    retryWith({ maxAttempts: 20, budgetMs: 600_000, requestTimeoutMs: 300_000 }),
    { audience: x(512) },
    { source: { kind: 'web-identity-file', path: x(4096) } },
    { source: { kind: 'environment' } },
    { source: { kind: 'environment', profile: x(64) } },
    policyWith({ inline: undefined }),
    policyWith({ inline: x(2048) }),
    policyWith({ managedArns: [] }),
    policyWith({ managedArns: Array(10).fill('arn:aws-cn:iam::111122223333:policy/team/x') }),
    { tags: Array(50).fill({ key: x(128), value: x(256) }) },
    { tags: [{ key: 'k', value: '' }] },
    { transitiveTagKeys: [x(128)] },
    { sourceIdentity: 'ab' },
    { sourceIdentity: x(64) },
    { allowedAccountIds: [] },
    { allowedAccountIds: ['111122223333', '444455556666'] }
  ])('accepts %j', change => {
    const file = { ...base(), ...change }
    expect(parseRefreshFile(JSON.stringify(file))).toEqual(JSON.parse(JSON.stringify(file)))
  })
})

describe('assumeAgain', () => {
  const sts = useLocalSts({ identityProviders: [acceptingProvider()] })
  const stsFile = (overrides: Record<string, string> = {}, env: Record<string, string> = OIDC) =>
    fileFor({ 'sts-endpoint': sts().url, 'retry-max-attempts': '1', ...overrides }, env)

  it('assumes the role again as the file says, with the settings of the flow', async () => {
    const seen: unknown[] = []
    const deps = recordingDeps({ proxyAgents: settings => (seen.push(settings), undefined) })
    const file = stsFile(
      {
        'role-session-tags': 'team=web',
        'transitive-tag-keys': 'team',
        'source-identity': 'octocat',
        'role-duration-seconds': '1800'
      },
      { AWS_PROFILE: 'runner' }
    )
    const session = await assumeAgain(file, deps)
    expect(session.arn).toBe(
      `arn:aws:sts::111122223333:assumed-role/deploy/${file.roleSessionName}`
    )
    const [request] = sts().requests
    expect(request.action).toBe('AssumeRole')
    expect(request.accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    expect(request.params).toMatchObject({
      RoleArn: file.roleArn,
      RoleSessionName: file.roleSessionName,
      DurationSeconds: '1800',
      Policy: POLICY.inline,
      'PolicyArns.member.1.arn': POLICY.managedArns[0],
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'web',
      'TransitiveTagKeys.member.1': 'team',
      SourceIdentity: 'octocat'
    })
    expect(seen[0]).toStrictEqual({
      ...renewalSettings(file),
      stsEndpoint: sts().url,
      durationSeconds: 1800,
      tags: [{ key: 'team', value: 'web' }],
      transitiveTagKeys: ['team'],
      sourceIdentity: 'octocat'
    })
  })

  it('leaves out of the settings the endpoint, proxy, allowed accounts and source identity the file lacks', async () => {
    const seen: unknown[] = []
    // No endpoint means AWS itself: the client is never built, so nothing leaves the host.
    const stop = new Error('no client in this test')
    const deps = recordingDeps({
      proxyAgents: settings => {
        seen.push(settings)
        throw stop
      }
    })
    const file = fileFor({}, {})
    await expect(assumeAgain(file, deps)).rejects.toBe(stop)
    expect(seen).toStrictEqual([{ ...renewalSettings(file), durationSeconds: 3600 }])
  })

  it('carries the proxy and the allowed accounts over, and sends no inline policy it lacks', async () => {
    const seen: Array<Record<string, unknown>> = []
    const deps = recordingDeps({ proxyAgents: s => (seen.push({ ...s }), undefined) })
    const file = {
      ...stsFile({}, {}),
      httpProxy: 'http://127.0.0.1:9',
      allowedAccountIds: ['111122223333'],
      policy: { managedArns: [] }
    }
    await assumeAgain(file, deps).catch(() => undefined)
    expect(seen[0]).toMatchObject({
      httpProxy: 'http://127.0.0.1:9',
      allowedAccountIds: ['111122223333']
    })
  })

  it('sends no inline policy when the file has none', async () => {
    const file = { ...stsFile({}, {}), policy: { managedArns: [] } }
    await assumeAgain(file, recordingDeps())
    expect(sts().requests[0].params.Policy).toBeUndefined()
  })

  it('refuses an account no longer allowed, before any request', async () => {
    const file = { ...stsFile({}, {}), allowedAccountIds: ['444455556666'] }
    await expect(assumeAgain(file, recordingDeps())).rejects.toThrow(
      'not in allowed-account-ids (444455556666)'
    )
    expect(sts().requests).toEqual([])
  })

  it('verifies the new session when the file asks to', async () => {
    const file = { ...stsFile({}, {}), verifyCredentials: true }
    await assumeAgain(file, recordingDeps())
    expect(sts().requests.map(r => r.action)).toEqual(['AssumeRole', 'GetCallerIdentity'])
  })

  it('asks GitHub for a new OIDC token for the audience of the file', async () => {
    const audiences: string[] = []
    const deps = recordingDeps({
      env: OIDC,
      requestIdToken: audience => (audiences.push(audience), Promise.resolve(tokenFor(audience)))
    })
    await assumeAgain(stsFile(), deps)
    expect(audiences).toEqual(['sts.amazonaws.com'])
    expect(sts().requests.map(r => r.action)).toEqual(['AssumeRoleWithWebIdentity'])
  })

  it('reads the token file again', async () => {
    const read: string[] = []
    const deps = recordingDeps({
      env: OIDC,
      readFile: path => (read.push(path), tokenFor('sts.amazonaws.com'))
    })
    const file = {
      ...stsFile(),
      source: { kind: 'web-identity-file' as const, path: '/run/token' }
    }
    await assumeAgain(file, deps)
    expect(read).toEqual(['/run/token'])
    // The file names the source, as force-source would.
    expect(deps.lines('info')[0]).toBe(
      'Source credentials: web identity token file (AssumeRoleWithWebIdentity), because force-source: web-identity-file.'
    )
    expect(sts().requests.map(r => r.action)).toEqual(['AssumeRoleWithWebIdentity'])
  })

  it.each([
    ['neither OIDC variable', {}],
    ['only the URL', { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token' }],
    ['only the token', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }]
  ])('cannot renew an OIDC session in a process with %s', async (_, env) => {
    const error = await assumeAgain(stsFile(), recordingDeps({ env })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toBe(
      'Cannot renew the session: this process has no ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN, so it cannot ask GitHub for a new OIDC token. Use the profile from a step of the job that wrote it (the job needs permissions: id-token: write), and keep those variables in the environment of the tools that run (sudo, docker run and env -i drop them).'
    )
    expect((error as ActionError).title).toBe('Cannot renew the session')
    expect(sts().requests).toEqual([])
  })
})

/**
 * For the unit tests of src/flows/: a local STS endpoint, flow dependencies that record every
 * line and every masked value in one ordered list, and settings pointed at that endpoint.
 */
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { assumeRole, type AssumedSession } from '../../src/aws/sts.js'
import { connect, type FlowDependencies } from '../../src/flows/dependencies.js'
import type { AssumeSettings } from '../../src/settings/settings.js'
import type { SessionPolicy } from '../../src/policy/session-policy.js'
import type { RawInputs } from '../../src/settings/input-rules.js'
import { RUNNER_WORDING } from '../../src/action/wording.js'
import { settingsOf } from './inputs.js'

/** What a flow said or masked, in order: `mask:VALUE`, `info:LINE`, `warn:LINE`, `debug:LINE`. */
export interface RecordingDeps extends FlowDependencies {
  events: string[]
  /** The values passed to mask, in order. */
  masked(): string[]
  /** The lines of one kind, in order. */
  lines(kind: 'info' | 'warn' | 'debug'): string[]
}

export const NO_POLICY: SessionPolicy = {
  managedArns: [],
  warnings: [],
  notChecked: [],
  explanation: [],
  forbidActions: []
}

export const INLINE_POLICY: SessionPolicy = {
  ...NO_POLICY,
  inline:
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
  managedArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess']
}

/** Dependencies whose credential chain holds the local endpoint's default user, unless given. */
export function recordingDeps(overrides: Partial<FlowDependencies> = {}): RecordingDeps {
  const events: string[] = []
  const record = (kind: string) => (text: string) => {
    events.push(`${kind}:${text}`)
  }
  const only = (kind: string) =>
    events.filter(e => e.startsWith(`${kind}:`)).map(e => e.slice(kind.length + 1))
  return {
    env: {},
    wording: RUNNER_WORDING,
    mask: record('mask'),
    info: record('info'),
    warn: record('warn'),
    debug: record('debug'),
    requestIdToken: () => Promise.reject(new Error('no OIDC token in this test')),
    readFile: () => {
      throw new Error('no token file in this test')
    },
    credentialChain: () =>
      Promise.resolve({
        accessKeyId: DEFAULT_USER.accessKeyId,
        secretAccessKey: DEFAULT_USER.secretAccessKey
      }),
    ...overrides,
    events,
    masked: () => only('mask'),
    lines: only
  }
}

/** A local STS endpoint for the file's tests, reset before each test. */
export function useLocalSts(options: Parameters<typeof startLocalSts>[0] = {}): () => LocalSts {
  let sts: LocalSts | undefined
  beforeAll(async () => {
    sts = await startLocalSts(options)
  })
  beforeEach(() => sts?.reset())
  afterAll(() => sts?.close())
  return () => sts!
}

/** Inputs pointed at the endpoint, one attempt per request (a refusal is final at once). */
export function stsInputs(sts: LocalSts, overrides: Partial<RawInputs> = {}): Partial<RawInputs> {
  return { 'sts-endpoint': sts.url, 'retry-max-attempts': '1', ...overrides }
}

/** settingsOf for stsInputs. */
export function stsSettingsOf(
  sts: LocalSts,
  overrides: Partial<RawInputs> = {},
  env: Record<string, string> = {}
) {
  return settingsOf(stsInputs(sts, overrides), { env })
}

/** An unsigned JWT with these claims, and a provider of the local endpoint that accepts it. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none' })}.${part(claims)}.c2ln`
}

export const TEST_ISSUER = 'https://token.example.test'

export function acceptingProvider(audiences = ['sts.amazonaws.com']) {
  return {
    issuer: TEST_ISSUER,
    audiences,
    verify: (jwt: string) => {
      const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))
      return { ok: true as const, claims: payload as Record<string, unknown> }
    }
  }
}

/** A token the accepting provider takes, for this audience and subject. */
export function tokenFor(audience: string, subject = 'repo:octo/app:ref:refs/heads/main'): string {
  return fakeJwt({
    iss: TEST_ISSUER,
    aud: audience,
    sub: subject,
    exp: Math.floor(Date.now() / 1000) + 3600
  })
}

/** A session the endpoint issued for the role (AssumeRole signed by the default user). */
export async function issueSession(
  sts: LocalSts,
  roleArn = 'arn:aws:iam::111122223333:role/deploy',
  durationSeconds = 3600
): Promise<AssumedSession> {
  const settings = stsSettingsOf(sts) as AssumeSettings
  const client = connect(settings, recordingDeps(), {
    accessKeyId: DEFAULT_USER.accessKeyId,
    secretAccessKey: DEFAULT_USER.secretAccessKey
  })
  const session = await assumeRole(client, {
    roleArn,
    roleSessionName: 'earlier',
    durationSeconds,
    policyArns: []
  })
  sts.reset()
  return session
}

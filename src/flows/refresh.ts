import { isRegion, isRoleArn, roleArnFor } from '../aws/arn.js'
import type { RetryPolicy } from '../aws/retry.js'
import type { AssumedSession, SessionTag } from '../aws/sts.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import type { AssumeSettings, SourceRequest } from '../settings/settings.js'
import { ActionError } from '../shared/errors.js'
import type { SourceChoice } from '../sources/choose.js'
import { assumeRoleWithSessionPolicy } from './assume.js'
import type { FlowDependencies } from './dependencies.js'

/**
 * refresh: true. The main step writes what it takes to assume the role again into a settings
 * file; each time the profile's credential_process finds its cache stale, it reads that file
 * and assumes the role once more, through the same flow, with the session policy the main step
 * checked (minified, as sent). The file holds no secret: only where to go, what to ask for,
 * and which source to ask again (the job's OIDC token, a token file, the default chain).
 */

/** Renewable sources. Static keys and role chaining are refused when the inputs are read. */
export type RefreshSource =
  | { kind: 'oidc' }
  | { kind: 'web-identity-file'; path: string }
  /** The SDK's default chain; `profile` is the source profile the main step used, if any. */
  | { kind: 'environment'; profile?: string }

export interface RefreshFile {
  version: 1
  roleArn: string
  roleSessionName: string
  durationSeconds: number
  region: string
  partition: string
  stsEndpoint?: string
  useFipsEndpoint: boolean
  /** Without a password (one is refused with refresh: true). */
  httpProxy?: string
  retry: RetryPolicy
  audience: string
  source: RefreshSource
  /** The session policy exactly as the main step sent it. */
  policy: { inline?: string; managedArns: string[] }
  tags: SessionTag[]
  transitiveTagKeys: string[]
  sourceIdentity?: string
  allowedAccountIds?: string[]
  verifyCredentials: boolean
}

/** What the main step writes, from what it has just used successfully. */
export function refreshFileFor(
  settings: AssumeSettings,
  policy: SessionPolicy,
  source: SourceChoice,
  session: AssumedSession,
  env: Record<string, string | undefined>
): RefreshFile {
  const { role } = settings
  return {
    version: 1,
    roleArn: 'arn' in role ? role.arn : roleArnFor(settings.partition, session.account, role.name),
    roleSessionName: settings.roleSessionName,
    durationSeconds: settings.durationSeconds,
    region: settings.region,
    partition: settings.partition,
    ...(settings.stsEndpoint !== undefined && { stsEndpoint: settings.stsEndpoint }),
    useFipsEndpoint: settings.useFipsEndpoint,
    ...(settings.httpProxy !== undefined && { httpProxy: settings.httpProxy }),
    retry: settings.retry,
    audience: settings.audience,
    source: refreshSource(source, env),
    policy: {
      ...(policy.inline !== undefined && { inline: policy.inline }),
      managedArns: policy.managedArns
    },
    tags: settings.tags,
    transitiveTagKeys: settings.transitiveTagKeys,
    ...(settings.sourceIdentity !== undefined && { sourceIdentity: settings.sourceIdentity }),
    ...(settings.allowedAccountIds !== undefined && {
      allowedAccountIds: settings.allowedAccountIds
    }),
    verifyCredentials: settings.verifyCredentials
  }
}

function refreshSource(source: SourceChoice, env: Record<string, string | undefined>) {
  switch (source.kind) {
    case 'oidc':
      return { kind: 'oidc' } as const
    case 'web-identity-file':
      return { kind: 'web-identity-file', path: source.path } as const
    case 'environment':
      return { kind: 'environment', ...(env.AWS_PROFILE && { profile: env.AWS_PROFILE }) } as const
    case 'keys':
      // settings/refresh.ts refuses key inputs with refresh: true.
      throw new Error('static keys cannot renew a session')
  }
}

/** The settings file is ours, but read as if it were not: every field checked, nothing extra. */
export function parseRefreshFile(text: string): RefreshFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw refused('it is not JSON')
  }
  const file = data as Partial<RefreshFile>
  const { retry, source, policy } = file
  const checks: [string, boolean][] = [
    ['version', file.version === 1],
    ['roleArn', typeof file.roleArn === 'string' && isRoleArn(file.roleArn)],
    ['roleSessionName', isText(file.roleSessionName, /^[\w+=,.@-]{2,64}$/)],
    ['durationSeconds', isWhole(file.durationSeconds, 900, 43200)],
    ['region', typeof file.region === 'string' && isRegion(file.region)],
    ['partition', isText(file.partition, /^aws[\w-]{0,20}$/)],
    ['stsEndpoint', file.stsEndpoint === undefined || isText(file.stsEndpoint, /^https?:\/\/\S+$/)],
    ['useFipsEndpoint', typeof file.useFipsEndpoint === 'boolean'],
    ['httpProxy', file.httpProxy === undefined || isText(file.httpProxy, /^https?:\/\/\S+$/)],
    [
      'retry',
      typeof retry === 'object' &&
        retry !== null &&
        isWhole(retry.maxAttempts, 1, 20) &&
        isWhole(retry.budgetMs, 1000, 600_000) &&
        isWhole(retry.requestTimeoutMs, 1000, 300_000)
    ],
    ['audience', isText(file.audience, /^\S{1,512}$/)],
    [
      'source',
      typeof source === 'object' &&
        source !== null &&
        (source.kind === 'oidc' ||
          (source.kind === 'web-identity-file' && isText(source.path, /^.{1,4096}$/)) ||
          (source.kind === 'environment' &&
            (source.profile === undefined || isText(source.profile, /^[\w+.@-]{1,64}$/))))
    ],
    [
      'policy',
      typeof policy === 'object' &&
        policy !== null &&
        (policy.inline === undefined || isText(policy.inline, /^[^\n]{1,2048}$/)) &&
        Array.isArray(policy.managedArns) &&
        policy.managedArns.length <= 10 &&
        policy.managedArns.every(arn => isText(arn, /^arn:[\w-]+:iam::(aws|\d{12}):policy\/\S+$/))
    ],
    [
      'tags',
      Array.isArray(file.tags) &&
        file.tags.length <= 50 &&
        file.tags.every(tag => isText(tag?.key, /^.{1,128}$/) && isText(tag?.value, /^.{0,256}$/))
    ],
    [
      'transitiveTagKeys',
      Array.isArray(file.transitiveTagKeys) &&
        file.transitiveTagKeys.every(key => isText(key, /^.{1,128}$/))
    ],
    [
      'sourceIdentity',
      file.sourceIdentity === undefined || isText(file.sourceIdentity, /^.{2,64}$/)
    ],
    [
      'allowedAccountIds',
      file.allowedAccountIds === undefined ||
        (Array.isArray(file.allowedAccountIds) &&
          file.allowedAccountIds.every(id => isText(id, /^\d{12}$/)))
    ],
    ['verifyCredentials', typeof file.verifyCredentials === 'boolean']
  ]
  const bad = checks.find(([, ok]) => !ok)
  if (bad !== undefined) throw refused(`its field ${bad[0]} is missing or not valid`)
  const known = new Set(checks.map(([name]) => name))
  const extra = Object.keys(file).find(name => !known.has(name))
  if (extra !== undefined) throw refused(`it has a field ${JSON.stringify(extra).slice(0, 40)}`)
  return file as RefreshFile
}

const isText = (value: unknown, pattern: RegExp): value is string =>
  typeof value === 'string' && pattern.test(value)

const isWhole = (value: unknown, min: number, max: number): boolean =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max

function refused(reason: string): ActionError {
  return new ActionError(
    `The refresh settings file is not one this action wrote: ${reason}. Run the scoped-role step with refresh: true again.`,
    'Refresh settings not valid'
  )
}

/**
 * Assumes the role again as the main step did: the same request, the same session policy, the
 * same retries and classified messages. Only the source is asked anew.
 */
export async function assumeAgain(
  file: RefreshFile,
  deps: FlowDependencies
): Promise<AssumedSession> {
  if (
    file.source.kind === 'oidc' &&
    !(deps.env.ACTIONS_ID_TOKEN_REQUEST_URL && deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
  ) {
    throw new ActionError(
      'Cannot renew the session: this process has no ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN, so it cannot ask GitHub for a new OIDC token. Use the profile from a step of the job that wrote it (the job needs permissions: id-token: write), and keep those variables in the environment of the tools that run (sudo, docker run and env -i drop them).',
      'Cannot renew the session'
    )
  }
  const settings: AssumeSettings = {
    mode: 'assume',
    role: { arn: file.roleArn },
    region: file.region,
    partition: file.partition,
    // Only the flow's fields are read; the policy was built and checked by the main step.
    policy: {
      managed: [],
      forbidActions: '',
      requireSessionPolicy: false,
      partition: file.partition
    },
    jobSummary: false,
    ...(file.stsEndpoint !== undefined && { stsEndpoint: file.stsEndpoint }),
    useFipsEndpoint: file.useFipsEndpoint,
    ...(file.httpProxy !== undefined && { httpProxy: file.httpProxy }),
    retry: file.retry,
    maskAccountId: false,
    verifyCredentials: file.verifyCredentials,
    ...(file.allowedAccountIds !== undefined && { allowedAccountIds: file.allowedAccountIds }),
    cleanupCredentials: false,
    outputCredentials: false,
    record: false,
    exportEnv: false,
    overwriteAwsProfile: false,
    roleSessionName: file.roleSessionName,
    durationSeconds: file.durationSeconds,
    source: sourceRequest(file.source),
    audience: file.audience,
    unsetCurrentCredentials: false,
    tags: file.tags,
    transitiveTagKeys: file.transitiveTagKeys,
    ...(file.sourceIdentity !== undefined && { sourceIdentity: file.sourceIdentity }),
    // What refresh: true refused in the main step (hops, reuse, the workarounds) stays off.
    droppableTagKeys: [],
    viaRoles: [],
    sessionPolicyOnEveryHop: false,
    useExistingCredentials: false,
    specialCharactersWorkaround: false,
    refresh: false,
    assumeRoleOnlyInputs: []
  }
  const policy: SessionPolicy = {
    ...(file.policy.inline !== undefined && { inline: file.policy.inline }),
    managedArns: file.policy.managedArns,
    warnings: [],
    notChecked: [],
    explanation: [],
    forbidActions: []
  }
  const { session } = await assumeRoleWithSessionPolicy(settings, policy, deps)
  return session
}

function sourceRequest(source: RefreshSource): SourceRequest {
  switch (source.kind) {
    case 'oidc':
      return { kind: 'oidc' }
    case 'web-identity-file':
      return { kind: 'web-identity-file', path: source.path, forced: true }
    case 'environment':
      return { kind: 'environment', because: 'force-source' }
  }
}

import { StsError } from '../aws/sts-errors.js'
import { assumeRole, type AssumeRoleRequest, type AssumedSession } from '../aws/sts.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import { ActionError } from '../shared/errors.js'
import type { AssumeSettings } from '../settings/settings.js'
import { connect, type FlowDependencies } from './dependencies.js'
import { maskAccount } from './session.js'

/**
 * Hub → target: the roles of via-roles are assumed one after the other before role-to-assume,
 * each hop one request signed by the session before it. What narrows or marks the session (the
 * session policy, external id, MFA, tags, source identity) goes on the last hop; a hop before it
 * lives only as long as STS allows at least (its session only signs the next request).
 */

/** The shortest session STS grants: enough for a hop, whose session signs one request. */
const HOP_DURATION_SECONDS = 900

/**
 * special-characters-workaround: the chance that a 40-character secret holds none of `/` and
 * `+` is about 28%, so ten tries fail about 4 times in a hundred; beyond that, asking again is
 * not a workaround but a loop.
 */
export const SPECIAL_CHARACTERS_MAX_ASSUMES = 10

/** ASCII punctuation other than ` and ~, which is what the workaround keeps out of the keys. */
const PUNCTUATION = /[!-/:-@[-_{-}]/

/** The request for one hop: everything on the last, only role, name and duration before it. */
export function hopRequest(
  roleArn: string,
  settings: AssumeSettings,
  policy: SessionPolicy,
  last: boolean
): AssumeRoleRequest {
  const withPolicy = last || settings.sessionPolicyOnEveryHop
  const request: AssumeRoleRequest = {
    roleArn,
    roleSessionName: settings.roleSessionName,
    durationSeconds: last ? settings.durationSeconds : HOP_DURATION_SECONDS,
    policy: withPolicy ? policy.inline : undefined,
    policyArns: withPolicy ? policy.managedArns : []
  }
  if (!last) return request
  return {
    ...request,
    externalId: settings.externalId,
    mfa: settings.mfa,
    tags: settings.tags,
    transitiveTagKeys: settings.transitiveTagKeys,
    sourceIdentity: settings.sourceIdentity
  }
}

/**
 * The hops after the first: each AssumeRole is signed by the session of the hop before. Returns
 * the last session and the sessions of the hops before it, each logged as it is assumed.
 */
export async function throughHops(
  first: AssumedSession,
  roleArn: string,
  settings: AssumeSettings,
  policy: SessionPolicy,
  deps: FlowDependencies
): Promise<{ session: AssumedSession; hops: AssumedSession[] }> {
  const plan = [...settings.viaRoles.slice(1), roleArn]
  const count = settings.viaRoles.length + 1
  const hops = [first]
  logHop(first, 1, count, settings, deps)
  let session = first
  for (const [index, arn] of plan.entries()) {
    const last = index === plan.length - 1
    const client = connect(settings, deps, session.credentials)
    const request = hopRequest(arn, settings, policy, last)
    const signer = session.arn
    logPlan(request, settings, deps)
    session = last
      ? await assumeFinal(r => assumeRole(client, r, signer), request, settings, deps)
      : await assumeRole(client, request, signer)
    if (!last) {
      hops.push(session)
      logHop(session, hops.length, count, settings, deps)
    }
  }
  return { session, hops }
}

function logHop(
  session: AssumedSession,
  number: number,
  count: number,
  settings: AssumeSettings,
  deps: FlowDependencies
): void {
  // Each hop's account is masked the moment it is known, before the line that names it.
  maskAccount(session.account, settings, deps)
  deps.info(`Hop ${number} of ${count}: ${session.arn}.`)
}

export function logPlan(
  request: AssumeRoleRequest,
  settings: AssumeSettings,
  deps: FlowDependencies
): void {
  deps.info(
    `Assuming ${request.roleArn} as session '${request.roleSessionName}' for ${request.durationSeconds} s in ${settings.region}` +
      (request.mfa ? ` with MFA device ${request.mfa.serialNumber}` : '') +
      '.'
  )
}

/**
 * The last hop, with what aws-actions/configure-aws-credentials users rely on: its session tags
 * dropped once on PackedPolicyTooLarge, and (when asked) keys without punctuation, bounded.
 */
export async function assumeFinal<R extends AssumeRoleRequest>(
  assume: (request: R) => Promise<AssumedSession>,
  request: R,
  settings: AssumeSettings,
  deps: FlowDependencies
): Promise<AssumedSession> {
  let current = request
  const once = async (): Promise<AssumedSession> => {
    try {
      return await assume(current)
    } catch (error) {
      const dropped = withoutDroppableTags(current, settings.droppableTagKeys)
      if (!(error instanceof StsError) || error.code !== 'PackedPolicyTooLarge' || !dropped) {
        throw error
      }
      deps.info(
        `STS answered PackedPolicyTooLarge; assuming once more without the session tags ${settings.droppableTagKeys.join(', ')} (tag-session-like-configure-aws-credentials).`
      )
      current = dropped
      return assume(current)
    }
  }
  if (!settings.specialCharactersWorkaround) return once()
  for (let attempt = 1; attempt <= SPECIAL_CHARACTERS_MAX_ASSUMES; attempt++) {
    const session = await once()
    const { accessKeyId, secretAccessKey } = session.credentials
    if (!PUNCTUATION.test(accessKeyId) && !PUNCTUATION.test(secretAccessKey)) return session
    if (attempt < SPECIAL_CHARACTERS_MAX_ASSUMES) {
      deps.info(
        `The new keys hold punctuation; assuming the role again (special-characters-workaround, attempt ${attempt + 1} of at most ${SPECIAL_CHARACTERS_MAX_ASSUMES}).`
      )
    }
  }
  throw new ActionError(
    `special-characters-workaround: each of ${SPECIAL_CHARACTERS_MAX_ASSUMES} sessions assumed had punctuation in its keys, so none was exported. ` +
      'Re-run the job, or remove special-characters-workaround and quote the keys where they are used (the tool that cannot take / or + needs them escaped).',
    'No keys without punctuation'
  )
}

/** The request without the droppable tags, or undefined when it has none of them. */
function withoutDroppableTags<R extends AssumeRoleRequest>(
  request: R,
  keys: string[]
): R | undefined {
  const drop = new Set(keys)
  const tags = (request.tags ?? []).filter(tag => !drop.has(tag.key))
  if (tags.length === (request.tags ?? []).length) return undefined
  // A transitive key must name a tag that is sent.
  const kept = new Set(tags.map(tag => tag.key.toLowerCase()))
  const transitiveTagKeys = (request.transitiveTagKeys ?? []).filter(key =>
    kept.has(key.toLowerCase())
  )
  return { ...request, tags, transitiveTagKeys }
}

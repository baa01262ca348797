import { resolve } from 'node:path'
import { partitionOf } from '../aws/arn.js'
import type { PolicyInputs } from '../policy/session-policy.js'
import type { FrontWording } from '../shared/front.js'
import {
  checkHops,
  checkScopeInputs,
  checkTagInputs,
  checkTagOverlap,
  checkUseExisting,
  exportEnvSetting,
  sourceRequest,
  writtenRoleInput
} from './cross-input.js'
import {
  isGiven,
  parseActionTimeout,
  parseNoProxy,
  parseViaRoles,
  parseAccountIds,
  parseAudience,
  parseBoolean,
  parseDuration,
  parseEndpoint,
  parseExternalId,
  parseForceSource,
  parseMfa,
  parseMode,
  parseProfileName,
  parseProxy,
  parseRegion,
  parseRequiredRole,
  parseRetryPolicy,
  parseRole,
  parseScopeDuration,
  parseScopedDescription,
  parseSessionName,
  parseSourceIdentity,
  parseStaticKeys
} from './fields.js'
import { ASSUME_ROLE_ONLY_INPUTS, type RawInputs } from './input-rules.js'
import { splitList } from './list-input.js'
import { parseInlinePolicySource } from './policy-file.js'
import { InputError } from '../shared/errors.js'
import {
  DROPPABLE_TAG_KEYS,
  checkSessionTags,
  configureAwsCredentialsTags,
  githubContextTags,
  mergeTags,
  parseCustomTags,
  parseSessionTags
} from './session-tags.js'
import type { AssumeInputs, RoleRef, Settings } from './settings.js'
import { DEFAULT_REFRESH_PROFILE, checkRefreshInputs, parseRefresh } from './refresh.js'

/** What parsing needs from its caller; nothing else outside the raw inputs is read. */
export interface SettingsContext {
  /** GITHUB_* for defaults (session name, tags, description), AWS_REGION / AWS_DEFAULT_REGION. */
  env: Record<string, string | undefined>
  /** The folder relative paths are resolved against (the workspace on a runner). */
  workspace: string
  /** Reads the policy file; the front bounds it and refuses what a stranger may point it at. */
  readFile: (path: string) => string
  /** How the messages speak of where they are read (a workflow step, a terminal). */
  wording: FrontWording
}

/**
 * Turns the raw input strings into the settings of their mode. Pure apart from `readFile`:
 * every rule STS would apply is applied here first, so a bad input fails in milliseconds,
 * before any request.
 */
export function parseSettings(raw: RawInputs, context: SettingsContext): Settings {
  const { env } = context
  const mode = parseMode(raw.mode)
  // A policy check needs no STS, so no region either; ARNs are then checked against 'aws'.
  const region =
    mode === 'check' && !raw['aws-region'] && !env.AWS_REGION && !env.AWS_DEFAULT_REGION
      ? ''
      : parseRegion(raw['aws-region'], env)
  const partition = region === '' ? 'aws' : partitionOf(region)
  const refresh = parseRefresh(raw, mode)
  const policy: PolicyInputs = {
    inline: parseInlinePolicySource(raw, context.workspace, context.readFile, context.wording),
    managed: splitList(raw['managed-session-policies']),
    forbidActions: raw['forbid-actions'],
    requireSessionPolicy: parseBoolean(
      'require-session-policy',
      raw['require-session-policy'],
      false
    ),
    partition
  }
  const everyMode = {
    region,
    partition,
    policy,
    jobSummary: parseBoolean('job-summary', raw['job-summary'], true)
  }
  const callsSts = {
    ...everyMode,
    stsEndpoint: parseEndpoint(raw['sts-endpoint']),
    useFipsEndpoint: parseBoolean('use-fips-endpoint', raw['use-fips-endpoint'], false),
    httpProxy: parseProxy(raw['http-proxy']),
    noProxy: parseNoProxy(raw['no-proxy']),
    retry: parseRetryPolicy(raw),
    actionTimeoutSeconds: parseActionTimeout(raw['action-timeout-s']),
    maskAccountId: parseBoolean('mask-aws-account-id', raw['mask-aws-account-id'], false),
    verifyCredentials: parseBoolean('verify-credentials', raw['verify-credentials'], false),
    allowedAccountIds: parseAccountIds(raw['allowed-account-ids']),
    cleanupCredentials: parseBoolean('cleanup-credentials', raw['cleanup-credentials'], true),
    outputCredentials: parseBoolean('output-credentials', raw['output-credentials'], false),
    record: parseBoolean('record', raw.record, false),
    exportEnv: exportEnvSetting(raw, refresh),
    awsProfile:
      parseProfileName(raw['aws-profile']) ?? (refresh ? DEFAULT_REFRESH_PROFILE : undefined),
    overwriteAwsProfile: parseBoolean('overwrite-aws-profile', raw['overwrite-aws-profile'], false)
  }
  const scopedSessionDescription = parseScopedDescription(raw['scoped-session-description'], env)

  switch (mode) {
    case 'scope': {
      const scope = {
        ...callsSts,
        mode,
        duration: parseScopeDuration(raw['role-duration-seconds']),
        scopedSessionDescription
      }
      checkScopeInputs(raw, scope)
      return scope
    }
    case 'check': {
      // Checked as mode: assume would (the role only when given), so a dry run with the real
      // inputs finds their mistakes too; mode: check uses none of them.
      const role =
        raw['role-to-assume'] !== '' ? parseRole(raw['role-to-assume'], partition) : undefined
      const assume = parseAssumeInputs(raw, context, role, partition, refresh)
      if (refresh) checkRefreshInputs(raw, { ...assume, ...callsSts }, env)
      return { ...everyMode, mode }
    }
    case 'assume': {
      const keys = parseStaticKeys(raw)
      if (raw['role-to-assume'] === '' && keys !== undefined) {
        // As aws-actions/configure-aws-credentials does: keys without a role are the session.
        if (refresh) {
          throw new InputError(
            'refresh',
            'needs role-to-assume: without a role the keys themselves are the session, and nothing could renew them.',
            'Set role-to-assume to the role to renew, with GitHub OIDC as the source, or set refresh: false.'
          )
        }
        const roleInput = writtenRoleInput(raw)
        if (roleInput !== undefined) {
          throw new InputError(
            'role-to-assume',
            `is empty, so the keys are exported as they are; ${roleInput} needs a role to act on.`,
            `Set role-to-assume, or remove ${roleInput}.`
          )
        }
        return {
          ...callsSts,
          mode: 'export-keys',
          keys,
          unsetCurrentCredentials: parseBoolean(
            'unset-current-credentials',
            raw['unset-current-credentials'],
            false
          )
        }
      }
      const role = parseRequiredRole(raw['role-to-assume'], partition)
      const assume = parseAssumeInputs(raw, context, role, partition, refresh)
      if (refresh) checkRefreshInputs(raw, { ...assume, ...callsSts }, env)
      return { ...callsSts, mode, role, ...assume }
    }
  }
}

function parseTags(
  raw: RawInputs,
  env: SettingsContext['env']
): Pick<AssumeInputs, 'tags' | 'transitiveTagKeys' | 'droppableTagKeys'> {
  checkTagInputs(raw)
  const transitiveTagKeys = splitList(raw['transitive-tag-keys'])
  const likeConfigureAwsCredentials = parseBoolean(
    'tag-session-like-configure-aws-credentials',
    raw['tag-session-like-configure-aws-credentials'],
    false
  )
  const sessionTags = parseSessionTags(raw['role-session-tags'])
  const customTags = parseCustomTags(raw['custom-tags'])
  checkSessionTags(customTags, [], 'custom-tags')
  checkTagOverlap(sessionTags, customTags)
  const runTags = likeConfigureAwsCredentials
    ? configureAwsCredentialsTags(env)
    : parseBoolean('tag-session-with-github-context', raw['tag-session-with-github-context'], false)
      ? githubContextTags(env)
      : []
  const tags = mergeTags(runTags, [...sessionTags, ...customTags])
  checkSessionTags(tags, transitiveTagKeys)
  // Only the run's own tags are dropped, never one the workflow wrote.
  const written = new Set([...sessionTags, ...customTags].map(tag => tag.key.toLowerCase()))
  const droppableTagKeys = likeConfigureAwsCredentials
    ? DROPPABLE_TAG_KEYS.filter(
        key => !written.has(key.toLowerCase()) && tags.some(tag => tag.key === key)
      )
    : []
  return { tags, transitiveTagKeys, droppableTagKeys }
}

function parseAssumeInputs(
  raw: RawInputs,
  { env, workspace }: SettingsContext,
  role: RoleRef | undefined,
  partition: string,
  refresh: boolean
): AssumeInputs {
  const { tags, transitiveTagKeys, droppableTagKeys } = parseTags(raw, env)
  const roleChaining = parseBoolean('role-chaining', raw['role-chaining'], false)
  const durationSeconds = parseDuration(raw['role-duration-seconds'])
  const unsetCurrentCredentials = parseBoolean(
    'unset-current-credentials',
    raw['unset-current-credentials'],
    false
  )
  const source = sourceRequest({
    sourceKeys: parseStaticKeys(raw),
    webIdentityTokenFile: raw['web-identity-token-file']
      ? resolve(workspace, raw['web-identity-token-file'])
      : undefined,
    roleChaining,
    forceSource: parseForceSource(raw['force-source']),
    skipOidc: parseBoolean('force-skip-oidc', raw['force-skip-oidc'], false),
    unsetCurrentCredentials,
    durationSeconds
  })
  const viaRoles = parseViaRoles(raw['via-roles'], partition)
  checkHops(viaRoles, role, durationSeconds)
  const useExistingCredentials = parseBoolean(
    'use-existing-credentials',
    raw['use-existing-credentials'],
    false
  )
  checkUseExisting(raw, useExistingCredentials)
  return {
    roleSessionName: parseSessionName(raw['role-session-name'], env),
    durationSeconds,
    source,
    audience: parseAudience(raw.audience),
    unsetCurrentCredentials,
    externalId: parseExternalId(raw['role-external-id']),
    mfa: parseMfa(raw['mfa-serial-number'], raw['mfa-token-code']),
    tags,
    transitiveTagKeys,
    droppableTagKeys,
    sourceIdentity: parseSourceIdentity(raw['source-identity']),
    assumeRoleOnlyInputs: ASSUME_ROLE_ONLY_INPUTS.filter(name => isGiven(raw[name])),
    viaRoles,
    sessionPolicyOnEveryHop: parseBoolean(
      'session-policy-on-every-hop',
      raw['session-policy-on-every-hop'],
      false
    ),
    useExistingCredentials,
    specialCharactersWorkaround: parseBoolean(
      'special-characters-workaround',
      raw['special-characters-workaround'],
      false
    ),
    refresh
  }
}

import { resolve } from 'node:path'
import { partitionOf } from '../aws/arn.js'
import type { PolicyInputs } from '../policy/session-policy.js'
import { checkScopeInputs, sourceRequest } from './cross-input.js'
import {
  isGiven,
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
import { DEFAULT_REFRESH_PROFILE, checkRefreshInputs, parseRefresh } from './refresh.js'
import { checkSessionTags, githubContextTags, mergeTags, parseSessionTags } from './session-tags.js'
import type { AssumeInputs, Settings } from './settings.js'

/** What parsing needs from its caller; nothing else outside the raw inputs is read. */
export interface SettingsContext {
  /** GITHUB_* for defaults (session name, tags, description), AWS_REGION / AWS_DEFAULT_REGION. */
  env: Record<string, string | undefined>
  /** The folder relative paths are resolved against (the workspace on a runner). */
  workspace: string
  /** Reads the policy file; the front bounds it and refuses what a stranger may point it at. */
  readFile: (path: string) => string
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
    inline: parseInlinePolicySource(raw, context.workspace, context.readFile),
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
    retry: parseRetryPolicy(raw),
    maskAccountId: parseBoolean('mask-aws-account-id', raw['mask-aws-account-id'], false),
    verifyCredentials: parseBoolean('verify-credentials', raw['verify-credentials'], false),
    allowedAccountIds: parseAccountIds(raw['allowed-account-ids']),
    cleanupCredentials: parseBoolean('cleanup-credentials', raw['cleanup-credentials'], true),
    outputCredentials: parseBoolean('output-credentials', raw['output-credentials'], false),
    exportEnv: parseBoolean('export-env', raw['export-env'], raw['aws-profile'] === '' && !refresh),
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
      if (raw['role-to-assume'] !== '') parseRole(raw['role-to-assume'], partition)
      const assume = parseAssumeInputs(raw, context, refresh)
      if (refresh) checkRefreshInputs(raw, { ...assume, ...callsSts }, env)
      return { ...everyMode, mode }
    }
    case 'assume': {
      const role = parseRequiredRole(raw['role-to-assume'], partition)
      const assume = parseAssumeInputs(raw, context, refresh)
      if (refresh) checkRefreshInputs(raw, { ...assume, ...callsSts }, env)
      return { ...callsSts, mode, role, ...assume }
    }
  }
}

function parseAssumeInputs(
  raw: RawInputs,
  { env, workspace }: SettingsContext,
  refresh: boolean
): AssumeInputs {
  const transitiveTagKeys = splitList(raw['transitive-tag-keys'])
  const tags = mergeTags(
    parseBoolean('tag-session-with-github-context', raw['tag-session-with-github-context'], false)
      ? githubContextTags(env)
      : [],
    parseSessionTags(raw['role-session-tags'])
  )
  checkSessionTags(tags, transitiveTagKeys)
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
    unsetCurrentCredentials,
    durationSeconds
  })
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
    sourceIdentity: parseSourceIdentity(raw['source-identity']),
    refresh,
    assumeRoleOnlyInputs: ASSUME_ROLE_ONLY_INPUTS.filter(name => isGiven(raw[name]))
  }
}

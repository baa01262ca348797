import { userInfo } from 'node:os'
import {
  cachedCredentials,
  processCredentials,
  type ProcessCredentials
} from '../aws/credential-cache.js'
import { checkProxyApplies, proxyAgents, proxyPasswords } from '../aws/proxy.js'
import type { AwsCredentials } from '../aws/sts.js'
import { assumeRoleWithSessionPolicy } from '../flows/assume.js'
import type { FlowDependencies } from '../flows/dependencies.js'
import { policyDataLoaders } from '../policy/data.js'
import { buildSessionPolicy } from '../policy/session-policy.js'
import { sanitizeSessionName } from '../settings/fields.js'
import { INPUT_NAMES } from '../settings/input-names.js'
import type { RawInputs } from '../settings/input-rules.js'
import { parseSettings } from '../settings/parse.js'
import { readPolicyFile } from '../settings/policy-file.js'
import type { AssumeSettings } from '../settings/settings.js'
import { InputError } from '../shared/errors.js'
import { ENV_FORMATS, UsageError, withFlagNames } from './options.js'
import { promptMfaCode } from './prompt.js'
import { rawInputs, type SessionRequest } from './request.js'
import type { Terminal } from './terminal.js'
import { TERMINAL_WORDING } from './wording.js'
import { readTokenFile } from '../sources/web-identity.js'

/** The narrowed session, as the commands hand it on. */
export interface TerminalSession {
  credentials: Required<AwsCredentials>
  region: string
  arn: string
}

/** The MFA code stands in for checking the other options before anyone is asked for the real one. */
const PLACEHOLDER_MFA_CODE = '000000'

/**
 * The action's pipeline with the terminal's dependencies: the same settings checks, policy
 * guard, STS calls, retries and messages. Source credentials come from the AWS SDK's default
 * chain (or --profile); nothing here asks GitHub for a token.
 */
export async function startSession(
  request: SessionRequest,
  terminal: Terminal
): Promise<TerminalSession> {
  const env = flowEnvironment(process.env)
  const raw = rawInputs(request, INPUT_NAMES)
  raw['role-session-name'] ||= defaultSessionName()
  if (raw['mfa-token-code'] !== '') terminal.mask(raw['mfa-token-code'])
  const ask = raw['mfa-serial-number'] !== '' && raw['mfa-token-code'] === ''
  if (raw['aws-region'] === '' && !env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
    raw['aws-region'] = await profileRegion(
      request.profile ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE
    )
  }
  const context = {
    env,
    workspace: process.cwd(),
    readFile: readPolicyFile,
    wording: TERMINAL_WORDING
  }
  let settings = assumeSettings(
    ask ? { ...raw, 'mfa-token-code': PLACEHOLDER_MFA_CODE } : raw,
    context
  )
  for (const password of proxyPasswords(settings.httpProxy)) terminal.mask(password)
  checkProxyApplies(settings, env)
  const policy = buildSessionPolicy(settings.policy, policyDataLoaders, TERMINAL_WORDING)
  for (const warning of policy.warnings) terminal.warn(withFlagNames(warning))
  if (ask) {
    const code = await promptMfaCode(raw['mfa-serial-number'])
    terminal.mask(code)
    settings = assumeSettings({ ...raw, 'mfa-token-code': code }, context)
  }

  const credentialChain = async (): Promise<AwsCredentials> => {
    // The SDK's chain takes the environment's keys first unless a profile is named; taking that
    // first link on its own spares loading the rest of the chain (SSO, INI, process, IMDS).
    if (
      !request.profile &&
      !env.AWS_PROFILE &&
      env.AWS_ACCESS_KEY_ID &&
      env.AWS_SECRET_ACCESS_KEY
    ) {
      const { fromEnv } = await import('@aws-sdk/credential-provider-env')
      return fromEnv()()
    }
    const { defaultProvider } = await import('@aws-sdk/credential-provider-node')
    return defaultProvider({
      ...(request.profile ? { profile: request.profile } : {}),
      // A source profile that itself asks for MFA (role_arn with mfa_serial) asks here too.
      mfaCodeProvider: async serial => {
        const code = await promptMfaCode(serial)
        terminal.mask(code)
        return code
      }
    })()
  }
  const deps: FlowDependencies = {
    env,
    wording: TERMINAL_WORDING,
    mask: terminal.mask,
    // Mapped only when shown: the core says a few lines on every run, and each mapping
    // builds a dozen regular expressions.
    info: line => terminal.verbose && terminal.info(withFlagNames(line)),
    warn: line => terminal.warn(withFlagNames(line)),
    debug: terminal.debug,
    requestIdToken: () => Promise.reject(new Error(TERMINAL_WORDING.noOidcToken)),
    readFile: readTokenFile,
    credentialChain,
    proxyAgents: options => proxyAgents(options, process.env)
  }
  const { session } = await assumeRoleWithSessionPolicy(settings, policy, deps)
  const { credentials } = session
  terminal.info(
    `Assumed ${session.arn}; the credentials expire at ${credentials.expiration.toISOString()}.`
  )
  return { credentials, region: settings.region, arn: session.arn }
}

/** The settings of mode: assume, which every command of the terminal asks for. */
function assumeSettings(
  raw: RawInputs,
  context: Parameters<typeof parseSettings>[1]
): AssumeSettings {
  const settings = parseSettings(raw, context)
  // No option sets raw.mode, and an empty mode is assume: parsing hands back that mode's settings.
  if (settings.mode !== 'assume') throw new Error(`mode ${settings.mode} is not for a terminal`)
  return settings
}

/**
 * The environment the core sees: a terminal is never a GitHub job, so a token request variable
 * or a workspace inherited from one must not change where credentials come from.
 */
function flowEnvironment(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = { ...env }
  for (const name of Object.keys(result)) {
    if (name.startsWith('ACTIONS_ID_TOKEN_') || name.startsWith('GITHUB_')) delete result[name]
  }
  return result
}

/** Who made the session, for whoever reads CloudTrail later. */
function defaultSessionName(): string {
  let user = process.env.USER || process.env.USERNAME || ''
  if (user === '') {
    try {
      user = userInfo().username
    } catch {
      // No passwd entry (some containers): the session is named after the tool alone.
    }
  }
  return `scoped-role${user ? `-${sanitizeSessionName(user)}` : ''}`
    .slice(0, 64)
    .replace(/[-_.]+$/, '')
}

/** The source profile's region from the shared config file, as the AWS CLI would use it. */
async function profileRegion(profile: string | undefined): Promise<string> {
  const { loadSharedConfigFiles } = await import('@smithy/core/config')
  const { configFile } = await loadSharedConfigFiles({ ignoreCache: true })
  const region = configFile[profile || 'default']?.region
  if (region) return region
  throw new InputError(
    'aws-region',
    `is not set: no --region, no AWS_REGION and no region in profile '${profile || 'default'}'.`,
    'Pass e.g. --region eu-west-1, or add region = eu-west-1 to the profile.'
  )
}

/** credential-process: Version 1 JSON, from the cache file when one is given. */
export async function credentialProcess(
  request: SessionRequest,
  file: string | undefined,
  terminal: Terminal
): Promise<ProcessCredentials> {
  const fresh = async (): Promise<ProcessCredentials> => {
    const { credentials } = await startSession(request, terminal)
    return processCredentials(credentials)
  }
  if (file === undefined) return fresh()
  // Long enough for a person to type an MFA code and for STS's whole retry budget.
  const { credentials } = await cachedCredentials({ file, refresh: fresh, lockWaitMs: 6 * 60_000 })
  return credentials
}

/** The variables exec sets for its command and env prints. */
export function sessionVariables(session: TerminalSession): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: session.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: session.credentials.sessionToken,
    AWS_REGION: session.region,
    AWS_DEFAULT_REGION: session.region,
    AWS_CREDENTIAL_EXPIRATION: session.credentials.expiration.toISOString()
  }
}

/** env: the session as a shell, fish, PowerShell, dotenv or JSON text, for stdout. */
export function envExports(session: TerminalSession, format: string): string {
  const variables = sessionVariables(session)
  const entries = Object.entries(variables)
  const unset = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']
  switch (format as (typeof ENV_FORMATS)[number]) {
    case 'sh':
      return [
        `unset ${unset.join(' ')}`,
        ...entries.map(([k, v]) => `export ${k}=${shQuote(v)}`),
        ''
      ].join('\n')
    case 'fish':
      return [
        ...unset.map(k => `set -e ${k}`),
        ...entries.map(([k, v]) => `set -gx ${k} ${fishQuote(v)}`),
        ''
      ].join('\n')
    case 'powershell':
      return [
        ...unset.map(k => `Remove-Item Env:${k} -ErrorAction SilentlyContinue`),
        ...entries.map(([k, v]) => `$Env:${k} = ${powershellQuote(v)}`),
        ''
      ].join('\n')
    case 'dotenv':
      return [...entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`), ''].join('\n')
    case 'json':
      return `${JSON.stringify(variables, null, 2)}\n`
    default:
      throw new UsageError(
        `--format '${format}' is not a format; write one of ${ENV_FORMATS.join(', ')}.`,
        'env'
      )
  }
}

const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`
const fishQuote = (value: string): string => `'${value.replace(/[\\']/g, char => `\\${char}`)}'`
const powershellQuote = (value: string): string => `'${value.replace(/'/g, "''")}'`

import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { accountOf } from './arn.js'
import { assumeRoleWithSessionPolicy } from './assume.js'
import { loadManagedPolicyIndex } from './data.js'
import { ActionError, InputError } from './errors.js'
import {
  exportSession,
  setCredentialOutputs,
  setIdentityOutputs,
  unsetInheritedCredentials
} from './export.js'
import { readInputs } from './inputs.js'
import {
  buildSessionPolicy,
  hasSessionPolicy,
  type SessionPolicy
} from './policy/session-policy.js'
import { proxyAgents } from './proxy.js'
import { parseSettings } from './settings.js'

const readText = (path: string): string => readFileSync(path, 'utf8')

/**
 * inputs → session policy → source credentials → STS → mask → export → outputs.
 * Everything that can be checked locally is checked before the first request, and nothing is
 * exported until every check has passed.
 */
export async function run(): Promise<void> {
  try {
    const settings = parseSettings(readInputs(), process.env, readText)
    // The input speaks for this step only: the bundled HTTP client reads the proxy from here.
    if (settings.httpProxy) process.env.HTTPS_PROXY = process.env.HTTP_PROXY = settings.httpProxy
    if (settings.maskAccountId && 'arn' in settings.role)
      core.setSecret(accountOf(settings.role.arn))
    const policy = buildSessionPolicy(settings, loadManagedPolicyIndex)
    for (const warning of policy.warnings) core.warning(warning)
    if (settings.unsetCurrentCredentials) {
      const blanked = unsetInheritedCredentials()
      if (blanked.length > 0) core.info(`Unset ${blanked.join(', ')} inherited from earlier steps.`)
    }
    core.info(describePolicy(policy))

    const { session } = await assumeRoleWithSessionPolicy(settings, policy, {
      env: process.env,
      mask: core.setSecret,
      info: core.info,
      warn: core.warning,
      debug: core.debug,
      requestIdToken: audience => core.getIDToken(audience),
      readFile: readText,
      proxyAgents: options => proxyAgents(options, process.env)
    })
    if (settings.maskAccountId) core.setSecret(session.account)

    exportSession(session, settings.region, settings.cleanupCredentials)
    setIdentityOutputs(session)
    if (settings.outputCredentials) setCredentialOutputs(session)
    core.info(
      `Assumed ${session.arn}; the credentials expire at ${session.credentials.expiration.toISOString()}` +
        (session.utilization !== undefined && hasSessionPolicy(policy)
          ? `; the session policies use ${session.utilization}% of the packed-policy space`
          : '') +
        '.'
    )
  } catch (error) {
    fail(error)
  }
}

function describePolicy(policy: SessionPolicy): string {
  const parts: string[] = []
  if (policy.inline !== undefined)
    parts.push(`an inline policy of ${policy.inline.length} characters`)
  if (policy.managedArns.length > 0) parts.push(`managed policies ${policy.managedArns.join(', ')}`)
  return parts.length > 0
    ? `Session policy: ${parts.join(' and ')}.`
    : "Session policy: none, so the session gets all of the role's permissions."
}

function fail(error: unknown): void {
  if (error instanceof InputError) {
    core.error(error.message, { title: `Invalid input: ${error.input}` })
  } else if (error instanceof ActionError) {
    core.error(error.message, { title: error.title })
  } else {
    core.error(error instanceof Error ? error.message : String(error), {
      title: 'scoped-role failed'
    })
  }
  process.exitCode = core.ExitCode.Failure
}

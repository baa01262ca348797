import * as core from '@actions/core'
import { rememberExportedVariables } from './state.js'
import type { AssumedSession } from './sts.js'

/** The variables an earlier step may have left, which unset-current-credentials blanks. */
const INHERITED_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE'
]

/**
 * Makes the session the job's AWS identity for the later steps. The variable names are saved
 * first, so the post step blanks exactly these, even if exporting fails half-way.
 */
export function exportSession(session: AssumedSession, region: string, cleanup: boolean): void {
  const variables: Record<string, string> = {
    AWS_ACCESS_KEY_ID: session.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: session.credentials.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: session.credentials.expiration.toISOString(),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region
  }
  if (cleanup) rememberExportedVariables(Object.keys(variables))
  for (const [name, value] of Object.entries(variables)) core.exportVariable(name, value)
}

export function setIdentityOutputs(session: AssumedSession): void {
  core.setOutput('aws-account-id', session.account)
  core.setOutput('arn', session.arn)
  core.setOutput('user-id', session.userId)
  core.setOutput('expiration', session.credentials.expiration.toISOString())
  core.setOutput('session-token-utilization', session.utilization ?? '')
}

/** For output-credentials: the values are already masked, so the log shows *** where they are used. */
export function setCredentialOutputs(session: AssumedSession): void {
  core.setOutput('aws-access-key-id', session.credentials.accessKeyId)
  core.setOutput('aws-secret-access-key', session.credentials.secretAccessKey)
  core.setOutput('aws-session-token', session.credentials.sessionToken)
}

/** unset-current-credentials: this step and the later ones no longer see what earlier steps left. */
export function unsetInheritedCredentials(): string[] {
  const blanked = INHERITED_CREDENTIAL_VARIABLES.filter(name => process.env[name])
  for (const name of blanked) {
    core.exportVariable(name, '')
    delete process.env[name]
  }
  return blanked
}

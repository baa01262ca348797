import * as core from '@actions/core'
import type { AwsCredentials } from './credentials.js'
import { rememberExportedVariables } from './state.js'
import type { AssumedSession } from './sts.js'

/** Registers every credential value as a secret; must run before any line could show one. */
export function maskCredentials(credentials: AwsCredentials): void {
  core.setSecret(credentials.accessKeyId)
  core.setSecret(credentials.secretAccessKey)
  if (credentials.sessionToken) core.setSecret(credentials.sessionToken)
}

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

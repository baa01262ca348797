import * as core from '@actions/core'
import { accessKeyDigest, profileFiles, removeProfile, writeProfile } from '../aws/profiles.js'
import { rememberExportedVariables, rememberWrittenProfile } from './state.js'
import type { StepSession } from '../flows/dependencies.js'

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
export function exportSession(
  session: StepSession,
  options: {
    region: string
    cleanup: boolean
    env: boolean
    profile?: string
    overwriteProfile: boolean
    /** Inherited variables to blank for the later steps (unset-current-credentials). */
    blank?: string[]
  }
): void {
  const variables: Record<string, string> = {}
  for (const name of options.blank ?? []) variables[name] = ''
  if (options.env) {
    Object.assign(variables, {
      AWS_ACCESS_KEY_ID: session.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.credentials.secretAccessKey,
      // Keys without a token or an expiry (long-term keys) blank what an earlier step left,
      // which would otherwise be read together with them.
      AWS_SESSION_TOKEN: session.credentials.sessionToken ?? '',
      AWS_CREDENTIAL_EXPIRATION: session.credentials.expiration?.toISOString() ?? '',
      AWS_REGION: options.region,
      AWS_DEFAULT_REGION: options.region
    })
  }
  if (options.profile !== undefined) {
    const files = profileFiles(process.env)
    if (files.exposure !== undefined) core.warning(files.exposure)
    const keyDigest = accessKeyDigest(session.credentials.accessKeyId)
    try {
      writeProfile({
        profile: options.profile,
        files,
        credentials: session.credentials,
        region: options.region,
        overwrite: options.overwriteProfile
      })
    } catch (error) {
      // Half-written (credentials, not config): take back what is ours, and only that.
      try {
        removeProfile(options.profile, files, keyDigest)
      } catch {
        // The write's own error says more.
      }
      throw error
    }
    if (options.cleanup) {
      rememberWrittenProfile({
        profile: options.profile,
        credentials: files.credentials,
        config: files.config,
        keyDigest
      })
    }
    // Later steps find files outside ~/.aws only through these.
    if (files.custom) {
      variables.AWS_SHARED_CREDENTIALS_FILE = files.credentials
      variables.AWS_CONFIG_FILE = files.config
    }
    core.info(`Wrote profile '${options.profile}' to ${files.credentials} and ${files.config}.`)
    // Both asked for: later steps find the profile by name too, as with
    // aws-actions/configure-aws-credentials.
    if (options.env) variables.AWS_PROFILE = options.profile
  }
  if (options.cleanup && Object.keys(variables).length > 0) {
    rememberExportedVariables(Object.keys(variables))
  }
  for (const [name, value] of Object.entries(variables)) core.exportVariable(name, value)
}

/** The identity outputs, also under the names aws-actions/configure-aws-credentials uses. */
export function setIdentityOutputs(session: StepSession): void {
  core.setOutput('aws-account-id', session.account)
  core.setOutput('arn', session.arn)
  core.setOutput('authenticated-arn', session.arn)
  if (session.userId) core.setOutput('user-id', session.userId)
  if (session.scopedSessionId) core.setOutput('scoped-session-id', session.scopedSessionId)
  if (session.credentials.expiration !== undefined) {
    const expiration = session.credentials.expiration.toISOString()
    core.setOutput('expiration', expiration)
    core.setOutput('aws-expiration', expiration)
  }
  if (session.utilization !== undefined || session.credentials.expiration !== undefined) {
    core.setOutput('session-token-utilization', session.utilization ?? '')
  }
}

/** For output-credentials: the values are already masked, so the log shows *** where they are used. */
export function setCredentialOutputs(session: StepSession): void {
  core.setOutput('aws-access-key-id', session.credentials.accessKeyId)
  core.setOutput('aws-secret-access-key', session.credentials.secretAccessKey)
  if (session.credentials.sessionToken !== undefined) {
    core.setOutput('aws-session-token', session.credentials.sessionToken)
  }
}

/**
 * unset-current-credentials: this step no longer sees what earlier steps left. The later steps
 * stop seeing them only when this step succeeds (exportSession blanks them), so a failed step
 * changes nothing in the job's environment.
 */
export function forgetInheritedCredentials(): string[] {
  const forgotten = INHERITED_CREDENTIAL_VARIABLES.filter(name => process.env[name])
  for (const name of forgotten) delete process.env[name]
  return forgotten
}

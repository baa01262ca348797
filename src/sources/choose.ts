import { InputError } from '../shared/errors.js'
import type { Settings, SourceKind } from '../settings/settings.js'

export interface SourceChoice {
  kind: SourceKind
  /** One line for the log: why this source, never a value. */
  reason: string
  /** What the source is and which call it makes, for the log and the job summary. */
  label: string
}

/** The YAML that lets a job request a GitHub OIDC token, shown whenever it is missing. */
export const OIDC_PERMISSIONS_YAML = `permissions:
  id-token: write   # lets this job request a GitHub OIDC token
  contents: read`

/**
 * Which credentials call STS. In order: what force-source says; role chaining (the environment's
 * credentials); static keys; a web identity token file; the job's GitHub OIDC token when the job
 * may request one; else whatever the SDK's default chain finds in the environment.
 */
export function chooseSource(
  settings: Pick<Settings, 'forceSource' | 'roleChaining' | 'sourceKeys' | 'webIdentityTokenFile'>,
  env: Record<string, string | undefined>
): SourceChoice {
  const oidcAvailable = Boolean(
    env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  )
  if (settings.forceSource !== undefined) {
    if (settings.forceSource === 'oidc' && !oidcAvailable) {
      throw new InputError(
        'force-source',
        "is 'oidc', but this job cannot request a GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set).",
        `Give the job this permission:\n${OIDC_PERMISSIONS_YAML}`
      )
    }
    return choice(settings.forceSource, `force-source: ${settings.forceSource}`)
  }
  if (settings.roleChaining) {
    return choice(
      'environment',
      'role-chaining: true, so the credentials already in the environment assume the role'
    )
  }
  if (settings.sourceKeys !== undefined) {
    return choice('keys', 'aws-access-key-id and aws-secret-access-key are set')
  }
  if (settings.webIdentityTokenFile !== undefined) {
    return choice('web-identity-file', 'web-identity-token-file is set')
  }
  if (oidcAvailable) {
    return choice(
      'oidc',
      'no keys are given and the job may request a GitHub OIDC token (id-token: write)'
    )
  }
  return choice(
    'environment',
    'no keys or token file are given and the job cannot request a GitHub OIDC token'
  )
}

function choice(kind: SourceKind, reason: string): SourceChoice {
  return { kind, reason, label: describeSource(kind) }
}

function describeSource(kind: SourceKind): string {
  switch (kind) {
    case 'oidc':
      return 'GitHub OIDC (AssumeRoleWithWebIdentity)'
    case 'web-identity-file':
      return 'web identity token file (AssumeRoleWithWebIdentity)'
    case 'keys':
      return 'static keys from the inputs (AssumeRole)'
    case 'environment':
      return 'credentials already in the environment (AssumeRole)'
  }
}

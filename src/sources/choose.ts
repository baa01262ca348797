import { InputError } from '../shared/errors.js'
import type { FrontWording } from '../shared/front.js'
import type { SourceKind, SourceRequest, StaticKeys } from '../settings/settings.js'

/** The source that calls STS, and what it needs: the keys, or the token file's path. */
export type SourceChoice = (
  | { kind: 'keys'; keys: StaticKeys }
  | { kind: 'web-identity-file'; path: string }
  | { kind: 'oidc' }
  | { kind: 'environment' }
) & {
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
 * may request one; else whatever the SDK's default chain finds in the environment. Settings
 * decided all but the last two (see SourceRequest); the job's environment decides those.
 */
export function chooseSource(
  request: SourceRequest,
  env: Record<string, string | undefined>,
  wording: Pick<FrontWording, 'noOidcToken'>
): SourceChoice {
  const oidcAvailable = Boolean(
    env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  )
  switch (request.kind) {
    case 'keys':
      return {
        kind: 'keys',
        keys: request.keys,
        ...described(
          'keys',
          request.forced
            ? 'force-source: keys'
            : 'aws-access-key-id and aws-secret-access-key are set'
        )
      }
    case 'web-identity-file':
      return {
        kind: 'web-identity-file',
        path: request.path,
        ...described(
          'web-identity-file',
          request.forced ? 'force-source: web-identity-file' : 'web-identity-token-file is set'
        )
      }
    case 'oidc':
      if (!oidcAvailable) {
        throw new InputError(
          'force-source',
          "is 'oidc', but this job cannot request a GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set).",
          `Give the job this permission:\n${OIDC_PERMISSIONS_YAML}`
        )
      }
      return { kind: 'oidc', ...described('oidc', 'force-source: oidc') }
    case 'environment':
      return {
        kind: 'environment',
        ...described(
          'environment',
          request.because === 'force-source'
            ? 'force-source: environment'
            : 'role-chaining: true, so the credentials already in the environment assume the role'
        )
      }
    case 'any':
      return oidcAvailable
        ? {
            kind: 'oidc',
            ...described(
              'oidc',
              'no keys are given and the job may request a GitHub OIDC token (id-token: write)'
            )
          }
        : {
            kind: 'environment',
            ...described(
              'environment',
              `no keys or token file are given and ${wording.noOidcToken}`
            )
          }
  }
}

function described(kind: SourceKind, reason: string): { reason: string; label: string } {
  return { reason, label: LABELS[kind] }
}

const LABELS: Record<SourceKind, string> = {
  oidc: 'GitHub OIDC (AssumeRoleWithWebIdentity)',
  'web-identity-file': 'web identity token file (AssumeRoleWithWebIdentity)',
  keys: 'static keys from the inputs (AssumeRole)',
  environment: 'credentials already in the environment (AssumeRole)'
}

import { ActionError } from './errors.js'

export interface StsCallContext {
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetCallerIdentity'
  roleArn?: string
  sourceArn?: string
}

/** What usually causes each STS error code, and what to change: the part a user acts on. */
const HINTS: Record<string, (context: StsCallContext) => string> = {
  AccessDenied: c =>
    `The role's trust policy does not let ${c.sourceArn ?? 'the source credentials'} assume ${c.roleArn ?? 'the role'}` +
    ' (or an MFA condition or external id does not match). Add that principal to the trust policy of the role.',
  MalformedPolicyDocument: () =>
    'STS could not read the session policy. Check the inline-session-policy grammar (Version, Statement, Effect, Action, Resource).',
  PackedPolicyTooLarge: () =>
    'The session policies (inline text plus managed policy ARNs) are too large once packed. Shorten the inline policy or list fewer managed policies.',
  ValidationError: () => 'A parameter was refused by STS; the message above names it.',
  RegionDisabledException: () =>
    'STS is not activated in this region for the account. Activate it under IAM > Account settings, or use another aws-region.',
  InvalidClientTokenId: () =>
    'The source access key id is unknown to AWS. Check aws-access-key-id (and that the key is active and not deleted).',
  SignatureDoesNotMatch: () =>
    'The source secret access key does not match the key id. Check aws-secret-access-key.',
  ExpiredToken: () =>
    "The source credentials have expired. Refresh them (an earlier step's session may have run out).",
  ExpiredTokenException: () =>
    "The source credentials have expired. Refresh them (an earlier step's session may have run out)."
}

/** Turns an SDK error into one message: what happened (code, message, request id) and what to do. */
export function explainStsError(error: unknown, context: StsCallContext): ActionError {
  const e = error as {
    Code?: string
    name?: string
    message?: string
    $metadata?: { requestId?: string }
  }
  // The SDK renames the errors it models (MalformedPolicyDocumentException); Code is the wire code.
  const code = e.Code ?? (e.name && e.name !== 'Error' ? e.name : 'Error')
  const requestId = e.$metadata?.requestId
  const what = `${context.action} failed: ${code}: ${e.message ?? String(error)}${requestId ? ` (request id ${requestId})` : ''}.`
  const hint = HINTS[code]?.(context)
  return new ActionError(hint ? `${what} ${hint}` : what, `${context.action} failed`)
}

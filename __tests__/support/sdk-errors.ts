import { expect } from '@jest/globals'

/** What the AWS SDK throws for an STS error answer, as far as the tests read it. */
export interface SdkError {
  name: string
  Code?: string
  message: string
  $fault?: string
  $metadata?: { httpStatusCode?: number }
}

// Modeled STS errors surface under their shape name; everything else under the wire code.
const SDK_NAMES: Record<string, string> = {
  InvalidIdentityToken: 'InvalidIdentityTokenException',
  IDPRejectedClaim: 'IDPRejectedClaimException',
  MalformedPolicyDocument: 'MalformedPolicyDocumentException',
  PackedPolicyTooLarge: 'PackedPolicyTooLargeException',
  // The model's wire code for this one has no 'Exception'; the SDK's class name does.
  InsufficientSessionLifetime: 'InsufficientSessionLifetimeException'
}

export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise
  } catch (error) {
    return error as SdkError
  }
  throw new Error('expected the call to fail')
}

/** The call fails with this STS error code (under the SDK's name for it), and this status. */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
  status?: number
): Promise<SdkError> {
  const error = await failure(promise)
  expect({ name: error.name, code: error.Code }).toEqual({ name: SDK_NAMES[code] ?? code, code })
  if (status !== undefined) expect(error.$metadata?.httpStatusCode).toBe(status)
  return error
}

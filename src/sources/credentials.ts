import type { AwsCredentials } from '../aws/sts.js'
import { ActionError } from '../shared/errors.js'
import type { FrontWording } from '../shared/front.js'
import { withDeadline } from '../aws/retry.js'
import { fromNetwork } from '../shared/log-text.js'
import type { StaticKeys } from '../settings/settings.js'

export type CredentialChain = () => Promise<AwsCredentials>

/**
 * The credentials that call AssumeRole: the key inputs when given, else whatever the SDK's default
 * chain finds (environment variables, a shared profile, a web identity token file, container or
 * instance metadata). The chain is imported only when needed, so a run with keys never pays for it.
 */
export async function loadSourceCredentials(
  keys: StaticKeys | undefined,
  chain: CredentialChain,
  wording: Pick<FrontWording, 'noOidcToken' | 'sourceCredentials'>
): Promise<AwsCredentials> {
  if (keys !== undefined) return keys
  try {
    return await chain()
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new ActionError(
        `The AWS SDK's default credential chain (a profile's credential_process or SSO, container or instance metadata) did not answer in time: ${describe(error)}. ` +
          'Raise retry-max-seconds, or give the credentials another way (keys, OIDC).',
        'Source credentials timed out'
      )
    }
    throw new ActionError(
      `No source credentials to assume the role with: no keys are given, ${wording.noOidcToken}, ` +
        'and the environment holds no AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, ' +
        `AWS_PROFILE, container or instance metadata: ${describe(error)}).\n${wording.sourceCredentials}`,
      'No source credentials'
    )
  }
}

/**
 * The SDK's default chain may call instance or container metadata, SSO, or STS itself: bound it
 * by the step's retry budget like every other wait.
 */
export function boundedChain(
  chain: CredentialChain | undefined,
  budgetMs: number
): CredentialChain {
  return () =>
    withDeadline(
      chain ? chain() : defaultCredentialChain(),
      budgetMs,
      `no credentials within retry-max-seconds (${budgetMs / 1000} s)`
    )
}

export async function defaultCredentialChain(): Promise<AwsCredentials> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node')
  return defaultProvider()()
}

function describe(error: unknown): string {
  // The chain's errors may quote a metadata or SSO answer.
  return fromNetwork(error instanceof Error ? error.message.split('\n')[0] : String(error))
}

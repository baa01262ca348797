import { describe, expect, it } from '@jest/globals'
import { boundedChain, loadSourceCredentials } from '../../../src/sources/credentials.js'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import { ActionError } from '../../../src/shared/errors.js'

const KEYS = { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret' }

describe('loadSourceCredentials', () => {
  it('takes the key inputs without asking the chain', async () => {
    const chain = () => Promise.reject(new Error('the chain was asked'))
    await expect(loadSourceCredentials(KEYS, chain, RUNNER_WORDING)).resolves.toBe(KEYS)
  })

  it('stops waiting for a chain that never answers, after the retry budget', async () => {
    const never = () => new Promise<never>(() => undefined)
    const failure = loadSourceCredentials(undefined, boundedChain(never, 50), RUNNER_WORDING)
    await expect(failure).rejects.toBeInstanceOf(ActionError)
    await expect(failure).rejects.toMatchObject({
      title: 'Source credentials timed out',
      message:
        "The AWS SDK's default credential chain (a profile's credential_process or SSO, container or instance metadata) did not answer in time: no credentials within retry-max-seconds (0.05 s). " +
        'Raise retry-max-seconds, or give the credentials another way (keys, OIDC).'
    })
  })

  it('says how to give credentials when the chain finds none, quoting its reason made safe', async () => {
    const none = () => Promise.reject(new Error('Could not load credentials\nfrom any providers'))
    const failure = loadSourceCredentials(undefined, boundedChain(none, 1000), RUNNER_WORDING)
    await expect(failure).rejects.toMatchObject({
      title: 'No source credentials',
      message:
        'No source credentials to assume the role with: no keys are given, the job cannot request a GitHub OIDC token, ' +
        'and the environment holds no AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, ' +
        `AWS_PROFILE, container or instance metadata: Could not load credentials).\n${RUNNER_WORDING.sourceCredentials}`
    })
    await expect(failure).rejects.toThrow('id-token: write')
  })

  it('passes what the chain answers in time', async () => {
    await expect(
      loadSourceCredentials(
        undefined,
        boundedChain(async () => KEYS, 1000),
        RUNNER_WORDING
      )
    ).resolves.toBe(KEYS)
  })
})

import { describe, expect, it } from '@jest/globals'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import { coreMessages } from '../../support/wording.js'

describe('the runner wording', () => {
  it('speaks of the job, the step and the action in the core messages', async () => {
    const messages = await coreMessages(RUNNER_WORDING)
    expect(messages.missingFile).toMatch(
      /Give a path relative to the workspace, and check out the repository \(actions\/checkout\) before this step\.$/
    )
    expect(messages.unknownAction).toMatch(
      /If AWS added it after that catalogue, use a newer release of this action\.$/
    )
    expect(messages.retriesExhausted).toContain(
      'this is usually passing throttling or an outage. Re-run the job; if it repeats'
    )
    expect(messages.transient).toMatch(/This is usually passing: re-run the job\.$/)
    expect(messages.noSource).toContain(
      'no keys are given, the job cannot request a GitHub OIDC token, and the environment holds no AWS credentials'
    )
    expect(messages.noSource).toContain('id-token: write')
    expect(messages.noSource).toMatch(
      /Or set aws-access-key-id and aws-secret-access-key from repository secrets\.$/
    )
    expect(messages.sourceReason).toBe(
      'no keys or token file are given and the job cannot request a GitHub OIDC token'
    )
  })
})

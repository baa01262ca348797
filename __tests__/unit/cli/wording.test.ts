import { describe, expect, it } from '@jest/globals'
import { TERMINAL_WORDING } from '../../../src/cli/wording.js'
import { coreMessages } from '../../support/wording.js'

describe('the terminal wording', () => {
  it('speaks of the command and the terminal, never of a job, a step or a workflow', async () => {
    const messages = await coreMessages(TERMINAL_WORDING)
    expect(messages.missingFile).toMatch(
      /Give a path relative to the working directory \(in a preset, relative to the preset's file\), and check that the file is there\.$/
    )
    expect(messages.unknownAction).toMatch(
      /If AWS added it after that catalogue, use a newer release of scoped-role\.$/
    )
    expect(messages.retriesExhausted).toContain(
      'this is usually passing throttling or an outage. Run the command again; if it repeats'
    )
    expect(messages.transient).toMatch(/This is usually passing: run the command again\.$/)
    expect(messages.noSource).toContain('a terminal has no GitHub OIDC token')
    expect(messages.noSource).toMatch(/Log in first \(e\.g\. aws sso login\)/)
    expect(messages.sourceReason).toBe(
      'no keys or token file are given and a terminal has no GitHub OIDC token'
    )
    for (const message of Object.values(messages)) {
      expect(message).not.toMatch(
        /\b(job|step|workflow|this action|actions\/checkout|repository secrets)\b/i
      )
    }
  })
})

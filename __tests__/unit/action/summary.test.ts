import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../../__fixtures__/core.js'
import type { AssumedSession } from '../../../src/aws/sts.js'
import { renderExplanationMarkdown } from '../../../src/policy/explain.js'
import type { SessionPolicy } from '../../../src/policy/session-policy.js'
import type { SourceChoice } from '../../../src/sources/choose.js'
import { INLINE_POLICY, NO_POLICY } from '../../support/flows.js'

jest.unstable_mockModule('@actions/core', () => core)
const {
  assumeSummaryMarkdown,
  checkSummaryMarkdown,
  policyMarkdown,
  reusedSummaryMarkdown,
  utilizationBar,
  writeJobSummary
} = await import('../../../src/action/summary.js')

const NOW = new Date('2026-11-28T05:00:00.000Z')
const SESSION: AssumedSession = {
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/run-1',
  userId: 'AROA:run-1',
  account: '111122223333',
  credentials: {
    accessKeyId: 'ASIAKEY',
    secretAccessKey: 'secret',
    sessionToken: 'token',
    expiration: new Date('2026-11-28T05:59:31.000Z')
  }
}
const OIDC: SourceChoice = {
  kind: 'oidc',
  reason: 'the job may request a token',
  label: 'GitHub OIDC'
}
const HOP = {
  ...SESSION,
  arn: 'arn:aws:sts::444455556666:assumed-role/hub/run-1',
  account: '444455556666'
}

const summaryOf = (fields: Partial<Parameters<typeof assumeSummaryMarkdown>[0]> = {}) =>
  assumeSummaryMarkdown({
    session: SESSION,
    source: OIDC,
    policy: NO_POLICY,
    region: 'eu-west-1',
    now: NOW,
    maskAccount: false,
    ...fields
  })

const NO_POLICY_LINE = "**No session policy**: the session has all of the role's permissions."

describe('utilizationBar', () => {
  it.each([
    [0, '░░░░░░░░░░ 0%'],
    [4, '░░░░░░░░░░ 4%'],
    [5, '█░░░░░░░░░ 5%'],
    [44, '████░░░░░░ 44%'],
    [45, '█████░░░░░ 45%'],
    [100, '██████████ 100%'],
    [130, '██████████ 130%'],
    [-20, '░░░░░░░░░░ -20%']
  ])('draws %i%% as %s', (percent, bar) => {
    expect(utilizationBar(percent)).toBe(bar)
  })
})

describe('policyMarkdown', () => {
  it('says when there is no session policy', () => {
    expect(policyMarkdown(NO_POLICY)).toBe(NO_POLICY_LINE)
  })

  it('lists the managed policies, then the inline policy with its size and statements', () => {
    expect(policyMarkdown(INLINE_POLICY)).toBe(
      '**Managed session policies**\n\n- `arn:aws:iam::aws:policy/ReadOnlyAccess`\n\n' +
        `**Inline session policy** (${INLINE_POLICY.inline!.length} characters)\n\n${renderExplanationMarkdown([])}`
    )
  })

  it('lists each managed policy on its own line', () => {
    const policy = {
      ...NO_POLICY,
      managedArns: ['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B']
    }
    expect(policyMarkdown(policy)).toBe(
      '**Managed session policies**\n\n- `arn:aws:iam::aws:policy/A`\n- `arn:aws:iam::aws:policy/B`'
    )
  })

  it('names the forbidden actions', () => {
    const policy: SessionPolicy = { ...NO_POLICY, forbidActions: ['iam:*', 's3:DeleteBucket'] }
    expect(policyMarkdown(policy)).toBe(
      '**Forbidden actions**: none of `iam:*`, `s3:DeleteBucket` is allowed.'
    )
  })

  it('names the forbidden actions it could not check', () => {
    const policy: SessionPolicy = {
      ...NO_POLICY,
      forbidActions: ['iam:*'],
      notChecked: ['newsvc:Do', 'newsvc:Undo']
    }
    expect(policyMarkdown(policy)).toBe(
      '**Forbidden actions**: none of `iam:*` is allowed (not checked: `newsvc:Do`, `newsvc:Undo`).'
    )
  })
})

describe('assumeSummaryMarkdown', () => {
  it('tables the session, source, account, region and expiry, then the policy', () => {
    expect(summaryOf()).toBe(
      '### scoped-role: assumed a narrowed session\n\n' +
        '| | |\n| --- | --- |\n' +
        '| Session | `arn:aws:sts::111122223333:assumed-role/deploy/run-1` |\n' +
        '| Source | GitHub OIDC: the job may request a token |\n' +
        '| Account | 111122223333 |\n' +
        '| Region | eu-west-1 |\n' +
        '| Expires | 2026-11-28T05:59:31.000Z (in 60 minutes) |\n\n' +
        `${NO_POLICY_LINE}\n`
    )
  })

  it('rounds the minutes left', () => {
    const session = {
      ...SESSION,
      credentials: { ...SESSION.credentials, expiration: new Date('2026-11-28T05:59:29.000Z') }
    }
    expect(summaryOf({ session })).toContain('(in 59 minutes)')
  })

  it('adds the hops after the session and the packed-policy space last', () => {
    const text = summaryOf({ hops: [HOP, SESSION], session: { ...SESSION, utilization: 45 } })
    expect(text).toContain(
      '| Session | `arn:aws:sts::111122223333:assumed-role/deploy/run-1` |\n' +
        '| Through | 1. `arn:aws:sts::444455556666:assumed-role/hub/run-1`<br>2. `arn:aws:sts::111122223333:assumed-role/deploy/run-1` |\n' +
        '| Source |'
    )
    expect(text).toContain(
      '| Expires | 2026-11-28T05:59:31.000Z (in 60 minutes) |\n| Packed-policy space used | `█████░░░░░ 45%` |\n\n'
    )
  })

  it('shows a scoped session, and says it was scoped', () => {
    const text = summaryOf({ session: { ...SESSION, scopedSessionId: 'SSABC' }, hops: [HOP] })
    expect(text).toMatch(/^### scoped-role: scoped the session in the environment\n/)
    expect(text).toContain(
      '| Through | 1. `arn:aws:sts::444455556666:assumed-role/hub/run-1` |\n| Scoped session | SSABC |\n'
    )
  })

  it('says long-term keys were exported, with no known expiry', () => {
    const keys = { accessKeyId: 'AKIA', secretAccessKey: 's' }
    const text = summaryOf({
      session: {
        arn: 'arn:aws:iam::111122223333:user/ci',
        userId: 'AIDA',
        account: '111122223333',
        credentials: keys
      },
      source: { kind: 'keys', keys, reason: 'keys are given', label: 'static keys' }
    })
    expect(text).toMatch(/^### scoped-role: exported the keys\n/)
    expect(text).toContain('| Expires | not known (long-term keys) |')
  })

  it('says a session was assumed from keys when it has an expiry', () => {
    const keys = { accessKeyId: 'AKIA', secretAccessKey: 's' }
    const text = summaryOf({ source: { kind: 'keys', keys, reason: 'r', label: 'l' } })
    expect(text).toMatch(/^### scoped-role: assumed a narrowed session\n/)
  })

  it('escapes a pipe in a cell', () => {
    const text = summaryOf({ source: { ...OIDC, reason: 'a | b' } })
    expect(text).toContain('| Source | GitHub OIDC: a \\| b |')
  })

  it('mask-aws-account-id: replaces the account of the session and of every hop everywhere', () => {
    const text = summaryOf({ hops: [HOP], maskAccount: true })
    expect(text).not.toMatch(/111122223333|444455556666/)
    expect(text).toContain('| Account | *** |')
    expect(text).toContain('`arn:aws:sts::***:assumed-role/hub/run-1`')
  })
})

describe('reusedSummaryMarkdown', () => {
  const TEXT =
    '### scoped-role: kept the session in the environment\n\n`arn:aws:sts::111122223333:assumed-role/deploy/run-1` is a session of the requested role (use-existing-credentials); nothing was assumed or exported.\n'

  it('names the kept session', () => {
    expect(reusedSummaryMarkdown(SESSION, { maskAccountId: false })).toBe(TEXT)
  })

  it('masks its account when asked', () => {
    expect(reusedSummaryMarkdown(SESSION, { maskAccountId: true })).toBe(
      TEXT.replace('111122223333', '***')
    )
  })
})

describe('checkSummaryMarkdown', () => {
  it('says the check passed, with the policy', () => {
    expect(checkSummaryMarkdown(NO_POLICY)).toBe(
      `### scoped-role: session policy check passed\n\n${NO_POLICY_LINE}\n`
    )
  })

  it('lists the warnings', () => {
    expect(checkSummaryMarkdown({ ...NO_POLICY, warnings: ['one', 'two'] })).toBe(
      `### scoped-role: session policy check passed\n\n${NO_POLICY_LINE}\n\n**Warnings**\n\n- one\n- two\n`
    )
  })
})

describe('writeJobSummary', () => {
  beforeEach(() => {
    jest.resetAllMocks()
    core.summary.reset()
    process.env.GITHUB_STEP_SUMMARY = '/tmp/summary.md'
  })

  afterEach(() => {
    delete process.env.GITHUB_STEP_SUMMARY
  })

  it('appends the markdown as it is, then writes', async () => {
    await writeJobSummary('# hello')
    expect(core.summary.calls).toEqual([['addRaw', '# hello', true], ['write']])
  })

  it('writes nothing when the runner provides no summary file', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await writeJobSummary('# hello')
    expect(core.summary.calls).toEqual([])
  })

  it('warns, never fails, when the summary cannot be written', async () => {
    core.summary.writeError = new Error('EACCES: permission denied')
    await writeJobSummary('# hello')
    expect(core.warning.mock.calls).toEqual([
      ['Could not write the job summary: EACCES: permission denied']
    ])
  })
})

import { describe, expect, it } from '@jest/globals'
import type { AssumeRoleRequest, AssumedSession } from '../../../src/aws/sts.js'
import { StsError } from '../../../src/aws/sts-errors.js'
import {
  SPECIAL_CHARACTERS_MAX_ASSUMES,
  assumeFinal,
  hopRequest,
  logPlan,
  throughHops
} from '../../../src/flows/hops.js'
import { ActionError } from '../../../src/shared/errors.js'
import type { AssumeSettings } from '../../../src/settings/settings.js'
import { RUNNER_WORDING } from '../../../src/action/wording.js'
import {
  INLINE_POLICY,
  issueSession,
  recordingDeps,
  stsSettingsOf,
  useLocalSts
} from '../../support/flows.js'

const sts = useLocalSts()

const HUB = 'arn:aws:iam::444455556666:role/hub'
const SPOKE = 'arn:aws:iam::777788889999:role/spoke'
const TARGET = 'arn:aws:iam::111122223333:role/deploy'

const MFA = { serialNumber: 'arn:aws:iam::111122223333:mfa/ci', tokenCode: '123456' }

function settingsWith(
  inputs: Record<string, string> = {},
  fields: Partial<AssumeSettings> = {}
): AssumeSettings {
  return {
    ...(stsSettingsOf(sts(), { 'role-session-name': 'run-1', ...inputs }) as AssumeSettings),
    ...fields
  }
}

/** Everything that goes only on the last hop. */
const LAST_ONLY = {
  externalId: 'ext-id',
  mfa: MFA,
  tags: [{ key: 'team', value: 'web' }],
  transitiveTagKeys: ['team'],
  sourceIdentity: 'octocat'
}

describe('hopRequest', () => {
  it('puts the session policy and everything that marks the session on the last hop', () => {
    const settings = settingsWith({ 'role-duration-seconds': '1800' }, LAST_ONLY)
    expect(hopRequest(TARGET, settings, INLINE_POLICY, true)).toEqual({
      roleArn: TARGET,
      roleSessionName: 'run-1',
      durationSeconds: 1800,
      policy: INLINE_POLICY.inline,
      policyArns: INLINE_POLICY.managedArns,
      ...LAST_ONLY
    })
  })

  it('asks only for role, name and the shortest duration before the last hop', () => {
    const settings = settingsWith({ 'role-duration-seconds': '1800' }, LAST_ONLY)
    expect(hopRequest(HUB, settings, INLINE_POLICY, false)).toEqual({
      roleArn: HUB,
      roleSessionName: 'run-1',
      durationSeconds: 900,
      policy: undefined,
      policyArns: []
    })
  })

  it('session-policy-on-every-hop: the policy goes on a hop before the last too', () => {
    const settings = settingsWith({}, { sessionPolicyOnEveryHop: true })
    expect(hopRequest(HUB, settings, INLINE_POLICY, false)).toEqual({
      roleArn: HUB,
      roleSessionName: 'run-1',
      durationSeconds: 900,
      policy: INLINE_POLICY.inline,
      policyArns: INLINE_POLICY.managedArns
    })
  })
})

describe('logPlan', () => {
  const request = {
    roleArn: TARGET,
    roleSessionName: 'run-1',
    durationSeconds: 900,
    policyArns: []
  }

  it('says which role, session name, duration and region', () => {
    const deps = recordingDeps()
    logPlan(request, settingsWith({ 'aws-region': 'eu-west-1' }), deps)
    expect(deps.events).toEqual([
      `info:Assuming ${TARGET} as session 'run-1' for 900 s in eu-west-1.`
    ])
  })

  it('names the MFA device, never the code', () => {
    const deps = recordingDeps()
    logPlan({ ...request, mfa: MFA }, settingsWith(), deps)
    expect(deps.events).toEqual([
      `info:Assuming ${TARGET} as session 'run-1' for 900 s in us-east-1 with MFA device ${MFA.serialNumber}.`
    ])
  })
})

describe('throughHops', () => {
  it('assumes each role signed by the hop before, logging and masking each hop', async () => {
    const first = await issueSession(sts(), HUB)
    const settings = settingsWith(
      { 'mask-aws-account-id': 'true', 'role-duration-seconds': '1800' },
      { viaRoles: [HUB, SPOKE] }
    )
    const deps = recordingDeps()
    const { session, hops } = await throughHops(first, TARGET, settings, INLINE_POLICY, deps)
    expect(hops.map(h => h.arn)).toEqual([
      'arn:aws:sts::444455556666:assumed-role/hub/earlier',
      'arn:aws:sts::777788889999:assumed-role/spoke/run-1'
    ])
    expect(session.arn).toBe('arn:aws:sts::111122223333:assumed-role/deploy/run-1')
    const requests = sts().requests
    expect(requests.map(r => [r.action, r.accessKeyId, r.params.RoleArn])).toEqual([
      ['AssumeRole', first.credentials.accessKeyId, SPOKE],
      ['AssumeRole', hops[1].credentials.accessKeyId, TARGET]
    ])
    expect(requests[0].params.DurationSeconds).toBe('900')
    expect(requests[0].params.Policy).toBeUndefined()
    expect(requests[1].params.DurationSeconds).toBe('1800')
    expect(requests[1].params.Policy).toBe(INLINE_POLICY.inline)
    // The lines, and the accounts masked among them (the keys are masked by the client).
    expect(deps.events.filter(e => /^(info:|mask:\d{12}$)/.test(e))).toEqual([
      'mask:444455556666',
      'info:Hop 1 of 3: arn:aws:sts::444455556666:assumed-role/hub/earlier.',
      `info:Assuming ${SPOKE} as session 'run-1' for 900 s in us-east-1.`,
      'mask:777788889999',
      'info:Hop 2 of 3: arn:aws:sts::777788889999:assumed-role/spoke/run-1.',
      `info:Assuming ${TARGET} as session 'run-1' for 1800 s in us-east-1.`
    ])
  })

  it('with one via-role, the next request is the last hop, named by the signer on failure', async () => {
    const first = await issueSession(sts(), HUB)
    sts().injectFault({ status: 403, code: 'AccessDenied', message: 'not trusted' })
    const settings = settingsWith({}, { viaRoles: [HUB] })
    const deps = recordingDeps()
    const error = await throughHops(first, TARGET, settings, INLINE_POLICY, deps).catch(
      (e: unknown) => e
    )
    expect((error as Error).message).toContain(`does not let ${first.arn} assume it`)
    expect(deps.lines('info')).toEqual([
      `Hop 1 of 2: ${first.arn}.`,
      `Assuming ${TARGET} as session 'run-1' for 3600 s in us-east-1.`
    ])
  })

  it('keeps the session of a hop before the last signed by its own hop', async () => {
    const first = await issueSession(sts(), HUB)
    sts().injectFault({ status: 403, code: 'AccessDenied', message: 'not trusted' })
    const settings = settingsWith({}, { viaRoles: [HUB, SPOKE] })
    const error = await throughHops(first, TARGET, settings, INLINE_POLICY, recordingDeps()).catch(
      (e: unknown) => e
    )
    expect((error as Error).message).toContain(
      `The trust policy of ${SPOKE} does not let ${first.arn}`
    )
  })
})

/** A session with these keys; everything else fixed. */
function sessionWith(accessKeyId: string, secretAccessKey: string): AssumedSession {
  return {
    arn: 'arn:aws:sts::111122223333:assumed-role/deploy/run-1',
    userId: 'AROA:run-1',
    account: '111122223333',
    credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken: 'token',
      expiration: new Date('2030-01-01T00:00:00Z')
    }
  }
}

const PLAIN = sessionWith('ASIAPLAIN', 'abcdefABCDEF0123456789')

function stsError(code: string): StsError {
  return new StsError(`${code} from STS`, code, code, new Error(code), {
    action: 'AssumeRole',
    wording: RUNNER_WORDING
  })
}

/** An assume that STS refuses once with PackedPolicyTooLarge, then answers; keeps what was sent. */
const tooLargeOnce = (sent: AssumeRoleRequest[]) => (request: AssumeRoleRequest) => {
  sent.push(request)
  return sent.length === 1
    ? Promise.reject(stsError('PackedPolicyTooLarge'))
    : Promise.resolve(PLAIN)
}

describe('assumeFinal', () => {
  const TAGGED: AssumeRoleRequest = {
    roleArn: TARGET,
    roleSessionName: 'run-1',
    durationSeconds: 900,
    policyArns: [],
    tags: [
      { key: 'Actor', value: 'octocat' },
      { key: 'team', value: 'web' },
      { key: 'Commit', value: 'abc' }
    ],
    transitiveTagKeys: ['actor', 'Team']
  }
  const droppable = { droppableTagKeys: ['Actor', 'Commit'] }

  it('answers with the session when STS takes the request', async () => {
    const sent: AssumeRoleRequest[] = []
    const session = await assumeFinal(
      r => (sent.push(r), Promise.resolve(PLAIN)),
      TAGGED,
      settingsWith({}, droppable),
      recordingDeps()
    )
    expect(session).toBe(PLAIN)
    expect(sent).toEqual([TAGGED])
  })

  it('drops the droppable tags once on PackedPolicyTooLarge, and the transitive keys of dropped tags', async () => {
    const sent: AssumeRoleRequest[] = []
    const deps = recordingDeps()
    const session = await assumeFinal(tooLargeOnce(sent), TAGGED, settingsWith({}, droppable), deps)
    expect(session).toBe(PLAIN)
    expect(sent[1]).toEqual({
      ...TAGGED,
      tags: [{ key: 'team', value: 'web' }],
      transitiveTagKeys: ['Team']
    })
    expect(deps.events).toEqual([
      'info:STS answered PackedPolicyTooLarge; assuming once more without the session tags Actor, Commit (tag-session-like-configure-aws-credentials).'
    ])
  })

  it('drops them only once', async () => {
    let calls = 0
    const error = await assumeFinal(
      () => (calls++, Promise.reject(stsError('PackedPolicyTooLarge'))),
      TAGGED,
      settingsWith({}, droppable),
      recordingDeps()
    ).catch((e: unknown) => e)
    expect((error as StsError).code).toBe('PackedPolicyTooLarge')
    expect(calls).toBe(2)
  })

  it.each([
    ['another STS error', stsError('AccessDenied'), TAGGED, droppable],
    ['an error that is not from STS', new Error('PackedPolicyTooLarge'), TAGGED, droppable],
    [
      'no droppable tag in the request',
      stsError('PackedPolicyTooLarge'),
      { ...TAGGED, tags: [{ key: 'team', value: 'web' }] },
      droppable
    ],
    ['no tags at all', stsError('PackedPolicyTooLarge'), { ...TAGGED, tags: undefined }, droppable],
    ['nothing droppable', stsError('PackedPolicyTooLarge'), TAGGED, { droppableTagKeys: [] }]
  ])('passes on %s at once', async (_, thrown, request, fields) => {
    let calls = 0
    const deps = recordingDeps()
    const error = await assumeFinal(
      () => (calls++, Promise.reject(thrown)),
      request,
      settingsWith({}, fields),
      deps
    ).catch((e: unknown) => e)
    expect(error).toBe(thrown)
    expect(calls).toBe(1)
    expect(deps.events).toEqual([])
  })

  it('keeps transitive keys of kept tags when the request has none of them', async () => {
    const sent: AssumeRoleRequest[] = []
    await assumeFinal(
      tooLargeOnce(sent),
      { ...TAGGED, transitiveTagKeys: undefined },
      settingsWith({}, droppable),
      recordingDeps()
    )
    expect(sent[1].transitiveTagKeys).toEqual([])
  })

  describe('special-characters-workaround', () => {
    const workaround = { specialCharactersWorkaround: true }

    it('does not look at the keys when it is off', async () => {
      const punctuated = sessionWith('ASIA', 'a/b+c')
      await expect(
        assumeFinal(() => Promise.resolve(punctuated), TAGGED, settingsWith(), recordingDeps())
      ).resolves.toBe(punctuated)
    })

    it.each(['/', '+', '!', '-', ':', '@', '[', '_', '{', '}', '='])(
      'assumes again when the secret holds %s',
      async char => {
        const answers = [sessionWith('ASIA', `ab${char}cd`), PLAIN]
        const deps = recordingDeps()
        const session = await assumeFinal(
          () => Promise.resolve(answers.shift()!),
          TAGGED,
          settingsWith({}, workaround),
          deps
        )
        expect(session).toBe(PLAIN)
        expect(deps.events).toEqual([
          'info:The new keys hold punctuation; assuming the role again (special-characters-workaround, attempt 2 of at most 10).'
        ])
      }
    )

    it('assumes again when the key id holds punctuation', async () => {
      const answers = [sessionWith('ASIA/', 'abc'), PLAIN]
      await expect(
        assumeFinal(
          () => Promise.resolve(answers.shift()!),
          TAGGED,
          settingsWith({}, workaround),
          recordingDeps()
        )
      ).resolves.toBe(PLAIN)
    })

    it.each(['`', '~', 'a', 'Z', '0', '9'])('takes keys holding %s', async char => {
      const session = sessionWith(`ASIA${char}`, `abc${char}`)
      let calls = 0
      await expect(
        assumeFinal(
          () => (calls++, Promise.resolve(session)),
          TAGGED,
          settingsWith({}, workaround),
          recordingDeps()
        )
      ).resolves.toBe(session)
      expect(calls).toBe(1)
    })

    it('takes the tenth session, the last one it asks for', async () => {
      const answers = [
        ...Array<AssumedSession>(SPECIAL_CHARACTERS_MAX_ASSUMES - 1).fill(
          sessionWith('ASIA', 'a/b')
        ),
        PLAIN
      ]
      const deps = recordingDeps()
      await expect(
        assumeFinal(
          () => Promise.resolve(answers.shift()!),
          TAGGED,
          settingsWith({}, workaround),
          deps
        )
      ).resolves.toBe(PLAIN)
      expect(deps.lines('info')).toHaveLength(9)
      expect(deps.lines('info')[8]).toBe(
        'The new keys hold punctuation; assuming the role again (special-characters-workaround, attempt 10 of at most 10).'
      )
    })

    it('gives up after ten sessions with punctuation, exporting none', async () => {
      let calls = 0
      const deps = recordingDeps()
      const error = await assumeFinal(
        () => (calls++, Promise.resolve(sessionWith('ASIA', 'a+b'))),
        TAGGED,
        settingsWith({}, workaround),
        deps
      ).catch((e: unknown) => e)
      expect(SPECIAL_CHARACTERS_MAX_ASSUMES).toBe(10)
      expect(calls).toBe(10)
      expect(deps.lines('info')).toHaveLength(9)
      expect(error).toBeInstanceOf(ActionError)
      expect((error as ActionError).message).toBe(
        'special-characters-workaround: each of 10 sessions assumed had punctuation in its keys, so none was exported. ' +
          'Re-run the job, or remove special-characters-workaround and quote the keys where they are used (the tool that cannot take / or + needs them escaped).'
      )
      expect((error as ActionError).title).toBe('No keys without punctuation')
    })

    it('drops the tags on PackedPolicyTooLarge while it works around punctuation', async () => {
      const sent: AssumeRoleRequest[] = []
      const session = await assumeFinal(
        tooLargeOnce(sent),
        TAGGED,
        settingsWith({}, { ...workaround, ...droppable }),
        recordingDeps()
      )
      expect(session).toBe(PLAIN)
      expect(sent).toHaveLength(2)
    })
  })
})

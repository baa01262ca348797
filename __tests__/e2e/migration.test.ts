/**
 * A workflow written for aws-actions/configure-aws-credentials, switched by changing its `uses:`
 * line: every input it has, through the bundled action, against the local STS endpoint, and the
 * behaviours of that action that workflows rely on (keys without a role, reuse of the session in
 * the environment, a whole-step deadline, keys without punctuation, its session tags) without
 * its traps.
 */
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_USER, type LocalStsUser } from '../../local-sts/server.js'
import { startConnectProxy } from '../support/connect-proxy.js'
import { actionYml } from './harness.js'
import { useLocalJob } from './local-job.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const OTHER_ROLE = 'arn:aws:iam::111122223333:role/other'
const KEYS = {
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
/** Keys of another account, as an earlier step or the runner may leave them in the environment. */
const AMBIENT: LocalStsUser = {
  accessKeyId: 'AKIAAMBIENT000000000',
  secretAccessKey: 'ambient/secret/key/EXAMPLEKEY000000000000',
  arn: 'arn:aws:iam::444455556666:user/runner'
}
const AMBIENT_ENV = {
  AWS_ACCESS_KEY_ID: AMBIENT.accessKeyId,
  AWS_SECRET_ACCESS_KEY: AMBIENT.secretAccessKey
}
const POLICY =
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/*"}]}'
const PLAIN_SECRET = /^[A-Za-z0-9]+$/

const local = useLocalJob({ users: [DEFAULT_USER, AMBIENT] })

/** The 32 inputs of aws-actions/configure-aws-credentials v6, as its action.yml lists them. */
const PEER_INPUTS = [
  'audience',
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token',
  'aws-region',
  'mask-aws-account-id',
  'role-to-assume',
  'web-identity-token-file',
  'role-chaining',
  'role-duration-seconds',
  'role-session-name',
  'role-external-id',
  'role-skip-session-tagging',
  'transitive-tag-keys',
  'inline-session-policy',
  'managed-session-policies',
  'output-credentials',
  'output-env-credentials',
  'unset-current-credentials',
  'allowed-account-ids',
  'http-proxy',
  'no-proxy',
  'disable-retry',
  'retry-max-attempts',
  'special-characters-workaround',
  'use-existing-credentials',
  'aws-profile',
  'overwrite-aws-profile',
  'custom-tags',
  'force-skip-oidc',
  'action-timeout-s',
  'sts-endpoint'
]

describe('a with: block written for aws-actions/configure-aws-credentials', () => {
  it('runs with all 32 of its inputs: no undeclared input, its variables and outputs, and the documented differences', async () => {
    const { sts, job } = local
    // Temporary source keys (with a session token), from an earlier step.
    const earlier = await job.run({
      inputs: {
        'role-to-assume': 'arn:aws:iam::111122223333:role/source',
        'aws-region': 'us-east-1',
        ...KEYS,
        'output-credentials': 'true'
      }
    })
    expect(earlier.exitCode).toBe(0)
    sts.reset()
    const proxy = await startConnectProxy(sts.port)
    try {
      // Inputs that would contradict the chosen source (keys) have their "off" value, as a
      // workflow that uses keys writes them; each is driven on its own in the tests below.
      const peerWith: Record<string, string> = {
        audience: 'sts.amazonaws.com',
        'aws-access-key-id': earlier.outputs['aws-access-key-id'],
        'aws-secret-access-key': earlier.outputs['aws-secret-access-key'],
        'aws-session-token': earlier.outputs['aws-session-token'],
        'aws-region': 'us-east-1',
        'mask-aws-account-id': 'true',
        'role-to-assume': ROLE,
        'web-identity-token-file': '',
        'role-chaining': 'false',
        'role-duration-seconds': '3600',
        'role-session-name': 'GitHubActions',
        'role-external-id': 'tenant-42',
        'role-skip-session-tagging': 'false',
        'transitive-tag-keys': 'Team',
        'inline-session-policy': POLICY,
        'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'output-credentials': 'true',
        'output-env-credentials': 'true',
        'unset-current-credentials': 'true',
        'allowed-account-ids': '111122223333',
        'http-proxy': proxy.url,
        'no-proxy': '.internal.example 169.254.169.254',
        'disable-retry': 'false',
        'retry-max-attempts': '5',
        'special-characters-workaround': 'true',
        'use-existing-credentials': 'false',
        'aws-profile': 'deploy',
        'overwrite-aws-profile': 'true',
        'custom-tags': '{"Team": "payments", "CostCenter": 42}',
        'force-skip-oidc': 'true',
        'action-timeout-s': '60',
        'sts-endpoint': 'http://sts.proxy-test.invalid:8080'
      }
      expect(Object.keys(peerWith).sort()).toEqual([...PEER_INPUTS].sort())
      // The runner's "Unexpected input" comes from inputs action.yml does not declare.
      for (const name of PEER_INPUTS) expect(Object.keys(actionYml.inputs)).toContain(name)

      // One throttled answer (retried: retry-max-attempts), then a secret with punctuation
      // (assumed again: special-characters-workaround), then a clean one.
      sts.injectFault({ status: 400, code: 'Throttling' })
      sts.punctuateSecrets(1)
      const { main, post } = await job.runWithPost({
        inputs: peerWith,
        env: { ...AMBIENT_ENV, AWS_SESSION_TOKEN: 'stale-token-of-an-earlier-step' }
      })
      expect(main.exitCode).toBe(0)
      expect(main.errors).toEqual([])
      expect(main.warnings).toEqual([])
      expect(main.stdout).not.toContain('not an input')

      expect(sts.requests.map(r => [r.action, r.status])).toEqual([
        ['AssumeRole', 400],
        ['AssumeRole', 200],
        ['AssumeRole', 200]
      ])
      expect(new Set(proxy.connects)).toEqual(new Set(['sts.proxy-test.invalid:8080']))
      const sent = sts.requests[2]
      expect(sent.accessKeyId).toBe(earlier.outputs['aws-access-key-id'])
      expect(sent.params).toMatchObject({
        RoleArn: ROLE,
        RoleSessionName: 'GitHubActions',
        DurationSeconds: '3600',
        ExternalId: 'tenant-42',
        Policy: POLICY.replace(/\s/g, ''),
        'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'TransitiveTagKeys.member.1': 'Team'
      })
      // Difference: only the tags asked for; none of that action's 13 default tags.
      const tagKeys = Object.entries(sent.params)
        .filter(([name]) => /^Tags\.member\.\d+\.Key$/.test(name))
        .map(([, key]) => key)
      expect(tagKeys).toEqual(['Team', 'CostCenter'])
      expect(sent.params['Tags.member.2.Value']).toBe('42')

      const issued = sts.issued[sts.issued.length - 1]
      expect(issued.secretAccessKey).toMatch(PLAIN_SECRET)
      // The variables that action exports, with the same values.
      expect(main.env).toMatchObject({
        AWS_ACCESS_KEY_ID: issued.accessKeyId,
        AWS_SECRET_ACCESS_KEY: issued.secretAccessKey,
        AWS_SESSION_TOKEN: issued.sessionToken,
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PROFILE: 'deploy'
      })
      // Difference: also the expiry, for the SDKs, and where the profile files are.
      expect(Object.keys(main.env).sort()).toEqual([
        'AWS_ACCESS_KEY_ID',
        'AWS_CONFIG_FILE',
        'AWS_CREDENTIAL_EXPIRATION',
        'AWS_DEFAULT_REGION',
        'AWS_PROFILE',
        'AWS_REGION',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_SHARED_CREDENTIALS_FILE'
      ])
      // Its outputs, the expiry as a plain ISO date (that action writes it with quotes).
      expect(main.outputs).toMatchObject({
        'aws-account-id': '111122223333',
        'authenticated-arn': 'arn:aws:sts::111122223333:assumed-role/deploy/GitHubActions',
        'aws-access-key-id': issued.accessKeyId,
        'aws-secret-access-key': issued.secretAccessKey,
        'aws-session-token': issued.sessionToken,
        'aws-expiration': issued.expiration.toISOString()
      })
      expect(main.outputs['aws-expiration']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(main.outputs.arn).toBe(main.outputs['authenticated-arn'])
      expect(main.outputs.expiration).toBe(main.outputs['aws-expiration'])
      expect(main.stdout).toContain('::add-mask::111122223333')

      // Difference: the post step also removes the profile it wrote.
      expect(post.exitCode).toBe(0)
      expect(post.env).toEqual(Object.fromEntries(Object.keys(main.env).map(name => [name, ''])))
      expect(post.stdout).toContain("Removed profile 'deploy'")
    } finally {
      await proxy.close()
    }
  })

  it('refuses pairs that contradict each other, before any request', async () => {
    const { job, refusedBeforeSts } = local
    const base = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...KEYS }
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'export-env': 'true', 'output-env-credentials': 'false' }, 'output-env-credentials:'],
      [{ 'disable-retry': 'true', 'retry-max-attempts': '5' }, 'disable-retry:'],
      [
        { 'role-skip-session-tagging': 'true', 'custom-tags': '{"a":"b"}' },
        'role-skip-session-tagging:'
      ],
      [{ 'force-skip-oidc': 'true', 'force-source': 'oidc' }, 'force-skip-oidc:'],
      [{ 'use-existing-credentials': 'true' }, 'use-existing-credentials:'],
      [{ 'web-identity-token-file': 'token' }, 'web-identity-token-file:'],
      [{ 'custom-tags': '{"Team":"a"}', 'role-session-tags': 'team=b' }, 'custom-tags:'],
      [
        {
          'sts-endpoint': 'http://sts.proxy-test.invalid:8080',
          'http-proxy': 'http://127.0.0.1:3128',
          'no-proxy': '.proxy-test.invalid'
        },
        'no-proxy lists it'
      ]
    ]
    for (const [inputs, error] of cases) {
      expect(refusedBeforeSts(await job.run({ inputs: { ...base, ...inputs } }))).toContain(error)
    }
  })
})

describe('keys without role-to-assume', () => {
  it('checks them with GetCallerIdentity signed with those keys (not the ambient ones), then exports them', async () => {
    const { sts, job } = local
    const { main, post } = await job.runWithPost({
      inputs: { ...KEYS, 'aws-region': 'eu-west-1', 'allowed-account-ids': '111122223333' },
      env: { ...AMBIENT_ENV, AWS_SESSION_TOKEN: 'stale-token-of-an-earlier-step' }
    })
    expect(main.exitCode).toBe(0)
    expect(sts.requests.map(r => [r.action, r.accessKeyId, r.verified])).toEqual([
      ['GetCallerIdentity', DEFAULT_USER.accessKeyId, true]
    ])
    expect(main.env).toEqual({
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
      AWS_SESSION_TOKEN: '',
      AWS_CREDENTIAL_EXPIRATION: '',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1'
    })
    expect(main.outputs).toMatchObject({
      'aws-account-id': '111122223333',
      'authenticated-arn': DEFAULT_USER.arn,
      arn: DEFAULT_USER.arn
    })
    expect(main.outputs['aws-expiration']).toBeUndefined()
    expect(main.summary).toContain('exported the keys')
    expect(post.env.AWS_ACCESS_KEY_ID).toBe('')
  })

  it('exports nothing when the keys are of an account allowed-account-ids does not list', async () => {
    const { sts, job } = local
    const result = await job.run({
      inputs: { ...KEYS, 'aws-region': 'eu-west-1', 'allowed-account-ids': '444455556666' }
    })
    expect(result.exitCode).toBe(1)
    expect(sts.requests.map(r => r.action)).toEqual(['GetCallerIdentity'])
    expect(result.env).toEqual({})
    expect(result.outputs).toEqual({})
    expect(result.errors).toEqual([expect.stringContaining('not in allowed-account-ids')])
  })

  it('refuses a session policy, which needs a role to narrow', async () => {
    const { job, refusedBeforeSts } = local
    const result = await job.run({
      inputs: { ...KEYS, 'aws-region': 'eu-west-1', 'inline-session-policy': POLICY }
    })
    expect(refusedBeforeSts(result)).toContain('role-to-assume: is empty')
  })
})

describe('use-existing-credentials', () => {
  /** A first step that leaves a session of ROLE in the job's environment. */
  async function sessionOfRole(): Promise<Record<string, string>> {
    const first = await local.job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...KEYS }
    })
    expect(first.exitCode).toBe(0)
    local.sts.reset()
    return first.env
  }

  it('keeps a session of the requested role in an allowed account: one GetCallerIdentity, nothing exported', async () => {
    const env = await sessionOfRole()
    const result = await local.job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'use-existing-credentials': 'true',
        'allowed-account-ids': '111122223333'
      },
      env
    })
    expect(result.exitCode).toBe(0)
    expect(local.sts.requests.map(r => [r.action, r.accessKeyId])).toEqual([
      ['GetCallerIdentity', env.AWS_ACCESS_KEY_ID]
    ])
    expect(result.env).toEqual({})
    expect(result.outputs['authenticated-arn']).toMatch(
      /^arn:aws:sts::111122223333:assumed-role\/deploy\//
    )
    expect(result.stdout).toContain('kept as they are')
  })

  it('does not keep a session of another role: it assumes the requested one', async () => {
    const env = await sessionOfRole()
    const result = await local.job.run({
      inputs: {
        'role-to-assume': OTHER_ROLE,
        'aws-region': 'us-east-1',
        'use-existing-credentials': 'true'
      },
      env
    })
    expect(result.exitCode).toBe(0)
    expect(local.sts.requests.map(r => r.action)).toEqual(['GetCallerIdentity', 'AssumeRole'])
    expect(result.stdout).toContain('not a session of arn:aws:iam::111122223333:role/other')
    expect(result.outputs.arn).toMatch(/assumed-role\/other\//)
    expect(result.env.AWS_ACCESS_KEY_ID).toBe(
      local.sts.issued[local.sts.issued.length - 1].accessKeyId
    )
  })

  it('does not keep a session of an account allowed-account-ids does not list', async () => {
    const env = await sessionOfRole()
    const result = await local.job.run({
      inputs: {
        'role-to-assume': 'deploy',
        'aws-region': 'us-east-1',
        'use-existing-credentials': 'true',
        'allowed-account-ids': '444455556666'
      },
      env
    })
    expect(result.stdout).toContain('their account 111122223333 is not in allowed-account-ids')
    expect(result.exitCode).toBe(1)
    expect(result.env).toEqual({})
    expect(local.sts.requests.map(r => r.action)).not.toContain('AssumeRole')
  })
})

describe('action-timeout-s', () => {
  it('fails a step hung on STS at the deadline, with one error and nothing exported', async () => {
    const { sts, job } = local
    sts.injectFault({ hang: true })
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'action-timeout-s': '2'
      }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([
      expect.stringContaining('did not finish within action-timeout-s (2 s)')
    ])
    expect(result.env).toEqual({})
    expect(result.outputs).toEqual({})
    // Generous for a busy machine; the hang itself would last until the test timeout.
    expect(result.durationMs).toBeLessThan(2000 + 10_000)
  })

  it('does not wait for the deadline when the step fails before it', async () => {
    const { sts, job } = local
    sts.injectFault({ status: 403, code: 'AccessDenied' })
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'action-timeout-s': '600'
      }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain('AccessDenied')
    // Far below the deadline: the timer is cleared on the way out.
    expect(result.durationMs).toBeLessThan(60_000)
  })
})

describe('special-characters-workaround', () => {
  it('assumes again until the keys hold no punctuation', async () => {
    const { sts, job } = local
    sts.punctuateSecrets(2)
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'special-characters-workaround': 'true'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(sts.requests.map(r => r.action)).toEqual(['AssumeRole', 'AssumeRole', 'AssumeRole'])
    expect(result.env.AWS_SECRET_ACCESS_KEY).toMatch(PLAIN_SECRET)
    expect(result.env.AWS_SECRET_ACCESS_KEY).toBe(sts.issued[sts.issued.length - 1].secretAccessKey)
  })

  it('stops after 10 AssumeRole requests with a clear error and nothing exported', async () => {
    const { sts, job } = local
    sts.punctuateSecrets(1000)
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'special-characters-workaround': 'true'
      }
    })
    expect(result.exitCode).toBe(1)
    expect(sts.requests).toHaveLength(10)
    expect(result.errors).toEqual([
      expect.stringContaining(
        'special-characters-workaround: each of 10 sessions assumed had punctuation'
      )
    ])
    expect(result.env).toEqual({})
  })
})

describe('tag-session-like-configure-aws-credentials', () => {
  const run = {
    GITHUB_WORKFLOW: 'CI (main)',
    GITHUB_ACTION: 'configure',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_JOB: 'j'.repeat(250),
    GITHUB_TRIGGERING_ACTOR: 't'.repeat(250)
  }
  const tagsOf = (params: Record<string, string>) =>
    Object.entries(params)
      .filter(([name]) => /^Tags\.member\.\d+\.Key$/.test(name))
      .map(([name, key]) => [key, params[name.replace(/Key$/, 'Value')]])

  it('sends its tags, same keys and cleaned values', async () => {
    const { sts, job } = local
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'tag-session-like-configure-aws-credentials': 'true'
      },
      env: { ...run, GITHUB_JOB: 'build' }
    })
    expect(result.exitCode).toBe(0)
    expect(tagsOf(sts.requests[0].params)).toEqual([
      ['GitHub', 'Actions'],
      ['Repository', 'octo-org/octo-repo'],
      ['Workflow', 'CI _main_'],
      ['Action', 'configure'],
      ['Actor', 'dependabot_bot_'],
      ['Commit', 'a'.repeat(40)],
      ['Branch', 'refs/heads/main'],
      ['EventName', 'push'],
      ['RunId', '4242'],
      ['Job', 'build'],
      ['TriggeringActor', 't'.repeat(250)]
    ])
  })

  it('drops the six droppable tags and assumes once more on PackedPolicyTooLarge', async () => {
    const { sts, job } = local
    // An inline policy that fits beside the seven fixed tags, not beside all thirteen.
    const resources: string[] = []
    const policyOf = () =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }]
      })
    while (policyOf().length < 1950) resources.push(`arn:aws:s3:::bucket-${resources.length}/*`)
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'tag-session-like-configure-aws-credentials': 'true',
        'inline-session-policy': policyOf()
      },
      env: run
    })
    expect(result.exitCode).toBe(0)
    expect(sts.requests.map(r => [r.action, r.errorCode])).toEqual([
      ['AssumeRole', 'PackedPolicyTooLarge'],
      ['AssumeRole', undefined]
    ])
    expect(tagsOf(sts.requests[1].params).map(([key]) => key)).toEqual([
      'GitHub',
      'Repository',
      'Workflow',
      'Action',
      'Actor',
      'Commit',
      'Branch'
    ])
    expect(result.stdout).toContain('assuming once more without the session tags EventName')
  })
})

describe('the post step', () => {
  it('leaves everything as it is with the job-wide AWS_SKIP_CLEANUP_STEP: true', async () => {
    const { job } = local
    const { main, post } = await job.runWithPost({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...KEYS },
      env: { AWS_SKIP_CLEANUP_STEP: 'true' }
    })
    expect(main.exitCode).toBe(0)
    expect(post.exitCode).toBe(0)
    expect(post.env).toEqual({})
    expect(post.stdout).toContain('AWS_SKIP_CLEANUP_STEP is true')
  })
})

describe('its environment variable fallbacks', () => {
  it('are not read: one that would change the role fails the step, another is a warning', async () => {
    const { job, refusedBeforeSts } = local
    const role = await job.run({
      inputs: { ...KEYS, 'aws-region': 'us-east-1' },
      env: { ROLE_TO_ASSUME: ROLE }
    })
    expect(refusedBeforeSts(role)).toContain(
      'role-to-assume: is not set, but ROLE_TO_ASSUME is set in the environment'
    )
    const name = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...KEYS },
      env: { ROLE_SESSION_NAME: 'from-env' }
    })
    expect(name.exitCode).toBe(0)
    expect(name.warnings).toEqual([
      expect.stringContaining(
        'ROLE_SESSION_NAME is set in the environment, but scoped-role reads only its inputs'
      )
    ])
    expect(local.sts.requests[0].params.RoleSessionName).not.toBe('from-env')
  })

  it('says in one line what scoped-role does instead of role-skip-session-tagging', async () => {
    const result = await local.job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        ...KEYS,
        'role-skip-session-tagging': 'true'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(
      result.stdout.split('\n').filter(line => line.includes('role-skip-session-tagging'))
    ).toHaveLength(1)
    expect(Object.keys(local.sts.requests[0].params).some(name => name.startsWith('Tags.'))).toBe(
      false
    )
  })
})

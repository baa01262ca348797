/**
 * The bundled action, run as the runner runs it, against the local STS endpoint: what it sends,
 * what it exports, what it outputs, and that the post step takes it back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { Job, findLeaks, maskProblems, type StepResult } from './harness.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const MFA_ROLE = 'arn:aws:iam::111122223333:role/release'
const MFA_DEVICE = 'arn:aws:iam::111122223333:mfa/release-manager'
const KEYS = {
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
const BASE = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...KEYS }
const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']

let sts: LocalSts
let job: Job

beforeAll(async () => {
  sts = await startLocalSts({
    roles: [
      { arn: ROLE, maxSessionDuration: 43200 },
      { arn: MFA_ROLE, requireMfa: true },
      { arn: 'arn:aws:iam::111122223333:role/ci/preview' }
    ],
    mfaCode: '246810'
  })
})
afterAll(async () => sts.close())
beforeEach(() => {
  sts.reset()
  job = new Job(sts)
})

/** The credentials the endpoint issued most recently (issued ones outlive reset()). */
function lastIssued() {
  return sts.issued[sts.issued.length - 1]
}

/** A failed step: one error annotation, no credential exported, no output set. */
function expectFailedCleanly(result: StepResult, requests = 0): string {
  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  for (const name of CREDENTIAL_VARIABLES) expect(result.env[name]).toBeUndefined()
  expect(result.outputs).toEqual({})
  expect(sts.requests).toHaveLength(requests)
  return result.errors[0]
}

describe('assume a role with static keys', () => {
  it('exports the new credentials, outputs the identity from one request, and the post step clears them', async () => {
    const { main, post } = await job.runWithPost({ inputs: BASE })
    expect(main.exitCode).toBe(0)
    expect(main.errors).toEqual([])
    expect(sts.requests.map(r => r.action)).toEqual(['AssumeRole'])

    const issued = lastIssued()
    expect(main.env).toEqual({
      AWS_ACCESS_KEY_ID: issued.accessKeyId,
      AWS_SECRET_ACCESS_KEY: issued.secretAccessKey,
      AWS_SESSION_TOKEN: issued.sessionToken,
      AWS_CREDENTIAL_EXPIRATION: issued.expiration.toISOString(),
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1'
    })
    expect(main.outputs).toEqual({
      'aws-account-id': '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/deploy/gh-4242-1-dependabot_bot',
      'authenticated-arn': 'arn:aws:sts::111122223333:assumed-role/deploy/gh-4242-1-dependabot_bot',
      'user-id': issued.assumedRoleId,
      expiration: issued.expiration.toISOString(),
      'aws-expiration': issued.expiration.toISOString(),
      'session-token-utilization': '0'
    })
    expect(issued.sessionName).toBe('gh-4242-1-dependabot_bot')
    expect(sts.requests[0].params.DurationSeconds).toBe('3600')
    expect(main.stdout).toContain('Session policy: none')

    expect(post.exitCode).toBe(0)
    expect(post.env).toEqual(Object.fromEntries(Object.keys(main.env).map(name => [name, ''])))
    expect(post.warnings).toEqual([])
  })

  it('masks every secret before the first line that could show it, in debug mode too', async () => {
    const main = await job.run({ inputs: BASE, debug: true })
    const lines = main.stdout.split('\n')
    const firstMask = lines.findIndex(l => l.startsWith('::add-mask::'))
    expect(lines.slice(0, firstMask).every(l => l === '')).toBe(true)
    const issued = lastIssued()
    for (const secret of [issued.accessKeyId, issued.secretAccessKey, issued.sessionToken]) {
      const maskedAt = lines.indexOf(`::add-mask::${secret}`)
      const exportedLine = lines.findIndex(l => l.includes('Assumed '))
      expect(maskedAt).toBeGreaterThan(-1)
      expect(maskedAt).toBeLessThan(exportedLine)
    }
    expect(lines).toContain(`::add-mask::${DEFAULT_USER.secretAccessKey}`)
    expect(main.stdout).toContain('::debug::')
  })

  it('sends the duration, session name and external id as given', async () => {
    const main = await job.run({
      inputs: {
        ...BASE,
        'role-duration-seconds': '7200',
        'role-session-name': 'release-v1.2.3',
        'role-external-id': 'tenant-42'
      }
    })
    expect(main.exitCode).toBe(0)
    expect(sts.requests[0].params).toMatchObject({
      DurationSeconds: '7200',
      RoleSessionName: 'release-v1.2.3',
      ExternalId: 'tenant-42'
    })
  })
})

describe('session policies', () => {
  it('sends ReadOnlyAccess by ARN', async () => {
    const main = await job.run({
      inputs: { ...BASE, 'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess' }
    })
    expect(main.exitCode).toBe(0)
    expect(sts.requests[0].params['PolicyArns.member.1.arn']).toBe(
      'arn:aws:iam::aws:policy/ReadOnlyAccess'
    )
    expect(sts.requests[0].params.Policy).toBeUndefined()
    expect(Number(main.outputs['session-token-utilization'])).toBeGreaterThan(0)
  })

  it('resolves short names, including those under a path, to ARNs', async () => {
    const main = await job.run({
      inputs: {
        ...BASE,
        'managed-session-policies': 'ReadOnlyAccess\nViewOnlyAccess, AWSLambdaBasicExecutionRole'
      }
    })
    expect(main.exitCode).toBe(0)
    const params = sts.requests[0].params
    expect([1, 2, 3].map(n => params[`PolicyArns.member.${n}.arn`])).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'
    ])
    expect(params['PolicyArns.member.4.arn']).toBeUndefined()
  })

  it('minifies an inline policy before sending it', async () => {
    const policy = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' }]
      },
      null,
      2
    )
    const main = await job.run({ inputs: { ...BASE, 'inline-session-policy': policy } })
    expect(main.exitCode).toBe(0)
    expect(sts.requests[0].params.Policy).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeRegions","Resource":"*"}]}'
    )
    expect(main.stdout).toContain('Session policy: an inline policy of 103 characters')
  })

  it('reads the inline policy from a file in the workspace, together with a managed policy', async () => {
    const file = job.writeWorkspaceFile(
      'preview-policy.json',
      '{\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::previews/*"}]\n}\n'
    )
    const main = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy-file': file,
        'managed-session-policies': 'ReadOnlyAccess'
      }
    })
    expect(main.exitCode).toBe(0)
    expect(sts.requests[0].params.Policy).toBe(
      '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::previews/*"}]}'
    )
    expect(sts.requests[0].params['PolicyArns.member.1.arn']).toBe(
      'arn:aws:iam::aws:policy/ReadOnlyAccess'
    )
  })
})

describe('MFA', () => {
  it('sends the device and the code, and the role that requires MFA is assumed', async () => {
    const main = await job.run({
      inputs: {
        ...BASE,
        'role-to-assume': MFA_ROLE,
        'mfa-serial-number': MFA_DEVICE,
        'mfa-token-code': '246810'
      }
    })
    expect(main.exitCode).toBe(0)
    expect(sts.requests[0].params).toMatchObject({ SerialNumber: MFA_DEVICE, TokenCode: '246810' })
    expect(main.stdout).toContain(`with MFA device ${MFA_DEVICE}`)
  })

  it('fails cleanly when the role requires MFA and none is given', async () => {
    const error = expectFailedCleanly(
      await job.run({ inputs: { ...BASE, 'role-to-assume': MFA_ROLE } }),
      2
    )
    expect(error).toContain('AccessDenied')
    expect(error).toContain('set mfa-serial-number and mfa-token-code')
  })

  it('fails cleanly on a wrong code', async () => {
    const error = expectFailedCleanly(
      await job.run({
        inputs: {
          ...BASE,
          'role-to-assume': MFA_ROLE,
          'mfa-serial-number': MFA_DEVICE,
          'mfa-token-code': '135791'
        }
      }),
      1
    )
    expect(error).toContain('MultiFactorAuthentication failed')
  })
})

describe('bad input fails before any request and exports nothing', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'invalid JSON',
      { 'inline-session-policy': '{"Statement": [}' },
      /inline-session-policy: is not valid JSON: unexpected '}' at line 1, column 16/
    ],
    [
      'a policy over 2048 characters',
      { 'inline-session-policy': JSON.stringify({ Statement: [{ Sid: 'x'.repeat(2100) }] }) },
      /inline-session-policy: is 21\d\d characters after minifying; STS accepts at most 2048/
    ],
    [
      'a character outside Latin-1',
      { 'inline-session-policy': '{"Statement":[{"Sid":"→"}]}' },
      /U\+2192/
    ],
    [
      'both an inline policy and a file',
      { 'inline-session-policy': '{"Statement":[]}', 'inline-session-policy-file': 'p.json' },
      /inline-session-policy-file: is set together with inline-session-policy/
    ],
    [
      'a missing policy file',
      { 'inline-session-policy-file': 'nope.json' },
      /cannot read 'nope.json'.*ENOENT/
    ],
    [
      'eleven managed policies',
      {
        'managed-session-policies': Array.from(
          { length: 11 },
          (_, i) => `arn:aws:iam::111122223333:policy/p${i}`
        ).join(',')
      },
      /lists 11 policies; STS accepts at most 10/
    ],
    [
      'an unknown short name',
      { 'managed-session-policies': 'ReadOnlyAcess' },
      /'ReadOnlyAcess' is not an AWS managed policy.*Did you mean 'ReadOnlyAccess'/
    ],
    [
      'a malformed policy ARN',
      { 'managed-session-policies': 'arn:aws:iam:policy/X' },
      /is not a policy ARN/
    ],
    [
      'a misspelt policy input',
      { 'inline-session-polcy': '{"Statement":[]}' },
      /inline-session-polcy: is not an input of this action.*Did you mean 'inline-session-policy'/
    ],
    [
      'a duration out of range',
      { 'role-duration-seconds': '60' },
      /role-duration-seconds: '60' is not a whole number of seconds from 900/
    ],
    [
      'an invalid session name',
      { 'role-session-name': 'dependabot[bot]' },
      /Write e\.g\. 'dependabot_bot'/
    ],
    ['no region', { 'aws-region': '' }, /aws-region: is not set/],
    [
      'a half-given MFA',
      { 'mfa-token-code': '975310' },
      /mfa-serial-number: is empty while mfa-token-code is set/
    ],
    [
      'a role of another partition',
      { 'aws-region': 'cn-north-1' },
      /role-to-assume: is in partition 'aws', but aws-region is in 'aws-cn'/
    ],
    [
      'a key id without its secret',
      { 'aws-secret-access-key': '' },
      /aws-secret-access-key: is empty while aws-access-key-id is set/
    ]
  ]
  it.each(cases)('%s', async (_name, inputs, message) => {
    const result = await job.run({ inputs: { ...BASE, ...inputs } })
    expect(expectFailedCleanly(result)).toMatch(message)
    expect(result.stdout).toMatch(/^::error title=Invalid input%3A [a-z-]+::/m)
  })
})

describe('source credentials from the environment', () => {
  it('uses ambient AWS_* credentials when no key inputs are given', async () => {
    const main = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'eu-west-1' },
      env: {
        AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
      }
    })
    expect(main.exitCode).toBe(0)
    expect(main.stdout).toContain(
      'Source credentials: credentials already in the environment (AssumeRole), because no keys or token file are given and the job cannot request a GitHub OIDC token.'
    )
    expect(sts.requests[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    expect(main.env.AWS_REGION).toBe('eu-west-1')
  })

  it('chains: a second run assumes another role with the first run’s exported credentials', async () => {
    const first = await job.run({ inputs: BASE })
    const second = await job.run({
      inputs: {
        'role-to-assume': 'arn:aws:iam::111122223333:role/ci/preview',
        'managed-session-policies': 'ReadOnlyAccess'
      },
      env: first.env
    })
    expect(second.exitCode).toBe(0)
    expect(sts.requests[1].accessKeyId).toBe(first.env.AWS_ACCESS_KEY_ID)
    expect(second.outputs.arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/preview/gh-4242-1-dependabot_bot'
    )
    expect(second.env.AWS_ACCESS_KEY_ID).not.toBe(first.env.AWS_ACCESS_KEY_ID)
  })

  it('says what to do when there are no source credentials at all, without a request', async () => {
    const error = expectFailedCleanly(
      await job.run({ inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' } })
    )
    expect(error).toContain('No source credentials')
    expect(error).toContain('aws-access-key-id and aws-secret-access-key')
  })

  it('completes a bare role name with the source account (one GetCallerIdentity first)', async () => {
    const main = await job.run({ inputs: { ...BASE, 'role-to-assume': 'ci/preview' } })
    expect(main.exitCode).toBe(0)
    expect(sts.requests.map(r => r.action)).toEqual(['GetCallerIdentity', 'AssumeRole'])
    expect(sts.requests[1].params.RoleArn).toBe('arn:aws:iam::111122223333:role/ci/preview')
  })
})

describe('STS failures', () => {
  it('names the input to check when the secret is wrong, and exports nothing', async () => {
    const error = expectFailedCleanly(
      await job.run({
        inputs: { ...BASE, 'aws-secret-access-key': 'wrong/secret/wrong/secret/wrong/secret00' }
      }),
      1
    )
    expect(error).toContain('SignatureDoesNotMatch')
    expect(error).toContain('aws-secret-access-key')
  })

  it('reports the trust-policy problem on AccessDenied', async () => {
    const error = expectFailedCleanly(
      await job.run({
        inputs: { ...BASE, 'role-to-assume': 'arn:aws:iam::111122223333:role/unknown' }
      }),
      2 // the second asks who the caller is, to name it in the trust-policy fix
    )
    expect(sts.requests.map(r => r.action)).toEqual(['AssumeRole', 'GetCallerIdentity'])
    expect(error).toContain(
      '{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":"sts:AssumeRole"}'
    )
    expect(error).toMatch(/AssumeRole failed: AccessDenied: .*\(request id [0-9a-f-]+\)/)
    expect(error).toContain('trust policy')
  })

  it('passes on the duration limit of the role', async () => {
    const error = expectFailedCleanly(
      await job.run({
        inputs: {
          ...BASE,
          'role-to-assume': MFA_ROLE,
          'role-duration-seconds': '7200',
          'mfa-serial-number': MFA_DEVICE,
          'mfa-token-code': '246810'
        }
      }),
      1
    )
    expect(error).toContain('MaxSessionDuration')
  })
})

describe('verify-credentials', () => {
  it('calls GetCallerIdentity with the new credentials before exporting', async () => {
    const main = await job.run({ inputs: { ...BASE, 'verify-credentials': 'true' } })
    expect(main.exitCode).toBe(0)
    expect(sts.requests.map(r => r.action)).toEqual(['AssumeRole', 'GetCallerIdentity'])
    expect(sts.requests[1].accessKeyId).toBe(lastIssued().accessKeyId)
    expect(main.stdout).toContain(
      `Verified: GetCallerIdentity with the new credentials answers ${main.outputs.arn}`
    )
  })

  it('fails and exports nothing when the check is refused', async () => {
    sts.injectFault({ delayMs: 0 }) // AssumeRole answers normally
    sts.injectFault({ status: 403, code: 'AccessDenied', message: 'not today' })
    const result = await job.run({ inputs: { ...BASE, 'verify-credentials': 'true' } })
    expect(expectFailedCleanly(result, 2)).toContain(
      'GetCallerIdentity failed: AccessDenied: not today'
    )
  })

  it.each([
    [
      'another role session in the same account',
      'arn:aws:sts::111122223333:assumed-role/admin/x',
      '111122223333'
    ],
    [
      'the same session name in another account',
      'arn:aws:sts::111122223333:assumed-role/deploy/gh-4242-1-dependabot_bot',
      '444455556666'
    ]
  ])('fails and exports nothing when the new credentials name %s', async (_, arn, account) => {
    sts.answerIdentityAs({ arn, account })
    const result = await job.run({ inputs: { ...BASE, 'verify-credentials': 'true' } })
    const error = expectFailedCleanly(result, 2)
    expect(error).toContain(
      `verify-credentials: GetCallerIdentity with the new credentials answered ${arn} (account ${account}), but STS returned arn:aws:sts::111122223333:assumed-role/deploy/gh-4242-1-dependabot_bot.`
    )
    expect(result.stdout).not.toContain('Verified:')
  })
})

describe('masks each secret the step handles before a line that could show it', () => {
  /** Session credentials from a first step, to hand to a second one. */
  async function sessionCredentials() {
    expect((await job.run({ inputs: BASE })).exitCode).toBe(0)
    const { accessKeyId, secretAccessKey, sessionToken } = lastIssued()
    return { accessKeyId, secretAccessKey, sessionToken }
  }

  it('key inputs with a session-token input', async () => {
    const source = await sessionCredentials()
    const result = await job.run({
      inputs: {
        'role-to-assume': ROLE,
        'aws-region': 'us-east-1',
        'aws-access-key-id': source.accessKeyId,
        'aws-secret-access-key': source.secretAccessKey,
        'aws-session-token': source.sessionToken
      }
    })
    expect(result.exitCode).toBe(0)
    expect(sts.requests[1].accessKeyId).toBe(source.accessKeyId)
    for (const secret of Object.values(source))
      expect(maskProblems(result.stdout, secret, 'Assuming ')).toEqual([])
  })

  it('credentials from the environment, session token included', async () => {
    const source = await sessionCredentials()
    const result = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' },
      env: {
        AWS_ACCESS_KEY_ID: source.accessKeyId,
        AWS_SECRET_ACCESS_KEY: source.secretAccessKey,
        AWS_SESSION_TOKEN: source.sessionToken
      }
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('Source credentials: credentials already in the environment')
    expect(sts.requests[1].accessKeyId).toBe(source.accessKeyId)
    for (const secret of Object.values(source))
      expect(maskProblems(result.stdout, secret, 'Assuming ')).toEqual([])
    const issued = lastIssued()
    for (const secret of [issued.accessKeyId, issued.secretAccessKey, issued.sessionToken])
      expect(maskProblems(result.stdout, secret, 'Assumed ')).toEqual([])
  })

  it('the helper flags a secret that is never masked, or masked too late', () => {
    expect(maskProblems('Assuming x\n', 'abcd1234', 'Assuming ')).toEqual([
      'abcd1234 is never masked'
    ])
    expect(maskProblems('Assuming x\n::add-mask::abcd1234\n', 'abcd1234', 'Assuming ')).toEqual([
      "abcd1234 is masked after 'Assuming '"
    ])
    expect(maskProblems('::add-mask::abcd1234\nAssuming x\n', 'abcd1234', 'Assuming ')).toEqual([])
  })
})

describe('the post step', () => {
  it('leaves the variables alone when cleanup-credentials is false', async () => {
    const { main, post } = await job.runWithPost({
      inputs: { ...BASE, 'cleanup-credentials': 'false' }
    })
    expect(main.exitCode).toBe(0)
    expect(main.state).toEqual({})
    expect(post.env).toEqual({})
  })

  it('does nothing after a failed main step', async () => {
    const { main, post } = await job.runWithPost({ inputs: { ...BASE, 'aws-region': 'nowhere' } })
    expect(main.exitCode).toBe(1)
    expect(post.exitCode).toBe(0)
    expect(post.env).toEqual({})
  })
})

describe('test safety nets', () => {
  it('the leak scan catches a secret printed before its mask', () => {
    const fake = {
      stdout: 'token is abcd1234\n::add-mask::abcd1234\n',
      stderr: '',
      summary: '',
      outputs: {},
      state: {}
    } as unknown as StepResult
    expect(findLeaks(fake, ['abcd1234'])).toHaveLength(1)
    expect(findLeaks({ ...fake, stdout: '::add-mask::abcd1234\n' }, ['abcd1234'])).toEqual([])
  })

  it('the loopback guard stops the action from reaching a real AWS endpoint', async () => {
    const main = await job.run({ inputs: BASE, env: { AWS_ENDPOINT_URL_STS: undefined } })
    expect(main.exitCode).toBe(1)
    expect(main.stderr + main.stdout).toContain(
      'loopback guard: refused a connection to sts.us-east-1.amazonaws.com'
    )
    expect(main.env).toEqual({})
  })
})

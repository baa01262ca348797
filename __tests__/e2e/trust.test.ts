/**
 * What a typo, a pull request or a hostile answer can do, through the bundled action run as the
 * runner runs it: none of them may weaken the narrowing, stall the step or print a secret.
 * One describe per threat; the hostile-STS answers are in hostile-sts.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_USER } from '../../local-sts/server.js'
import { useLocalJob } from './local-job.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const KEYS = {
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
const BASE = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...KEYS }
const policy = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements })
const READ = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })

const local = useLocalJob()
const { refusedBeforeSts } = local

describe('misspelt inputs', () => {
  it.each([
    ['forbid-action', 'iam:*', 'forbid-actions'],
    ['forbid_actions', 'iam:*', 'forbid-actions'],
    ['allowed-account-id', '999999999999', 'allowed-account-ids'],
    ['allowed_account_ids', '999999999999', 'allowed-account-ids'],
    ['require-session-polcy', 'true', 'require-session-policy'],
    ['verify-credential', 'true', 'verify-credentials'],
    ['mask-aws-acount-id', 'true', 'mask-aws-account-id']
  ])(
    '%s fails the step before any request, suggesting the real input',
    async (name, value, meant) => {
      const result = await local.job.run({ inputs: { ...BASE, [name]: value } })
      const error = refusedBeforeSts(result)
      expect(error).toContain(`${name}: is not an input of this action`)
      expect(error).toContain(`Did you mean '${meant}'?`)
    }
  )

  it('warns about an undeclared input close to nothing, and still runs', async () => {
    const result = await local.job.run({ inputs: { ...BASE, 'github-token': 'x' } })
    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain(
      "'github-token' is not an input of this action and was ignored. The inputs are: role-to-assume,"
    )
  })
})

describe('adversarial action patterns', () => {
  // Each of these took a backtracking matcher minutes, or forever; the test timeout bounds them.
  it('checks a policy of star-heavy patterns quickly, in mode: check', async () => {
    const result = await local.job.run({
      inputs: {
        mode: 'check',
        'inline-session-policy': policy({
          Effect: 'Allow',
          Action: [`s3:${'*'.repeat(8)}Object`, `s3:${'*'.repeat(12)}Z`, `*:${'*?'.repeat(50)}Z`],
          Resource: '*'
        })
      }
    })
    expect(refusedBeforeSts(result)).toContain('matches no IAM action')
    expect(result.durationMs).toBeLessThan(20000)
  })

  it('checks star-heavy forbid-actions quickly', async () => {
    const refused = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy': READ, 'forbid-actions': '*:*****Z' }
    })
    expect(refusedBeforeSts(refused)).toContain("'*:*****Z' matches no IAM action")
    const forbidden = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy': READ, 'forbid-actions': '*:*****Object' }
    })
    expect(refusedBeforeSts(forbidden)).toContain('allows s3:GetObject')
  })

  it('refuses a pattern longer than any action', async () => {
    const long = `s3:${'Get'.repeat(50)}*`
    const result = await local.job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy({ Effect: 'Allow', Action: long, Resource: '*' }),
        'forbid-actions': 'iam:*'
      }
    })
    expect(refusedBeforeSts(result)).toContain('no IAM action is longer than 128')
    const forbid = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy': READ, 'forbid-actions': long }
    })
    expect(refusedBeforeSts(forbid)).toContain('no IAM action is longer than 128')
  })
})

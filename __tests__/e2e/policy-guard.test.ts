/**
 * The session policy guard through the bundled action: mistakes caught before STS, forbidden
 * actions refused for inline and AWS managed policies, mode: check, the job summary, and that a
 * run without a session policy reads none of the IAM data files.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { Job, ROOT, type StepResult } from './harness.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const BASE = {
  'role-to-assume': ROLE,
  'aws-region': 'us-east-1',
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
const policy = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements })

let sts: LocalSts
let job: Job
beforeAll(async () => {
  sts = await startLocalSts()
})
afterAll(async () => sts.close())
beforeEach(() => {
  sts.reset()
  job = new Job(sts)
})

function expectRefusedBeforeSts(result: StepResult): string {
  expect(result.exitCode).toBe(1)
  expect(sts.requests).toEqual([])
  expect(result.env).toEqual({})
  expect(result.errors).toHaveLength(1)
  return result.errors[0]
}

describe('the check catches mistakes before STS', () => {
  it('suggests the real action for a typo', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy({
          Effect: 'Allow',
          Action: 'ec2:DescribeRegion',
          Resource: '*'
        })
      }
    })
    const error = expectRefusedBeforeSts(result)
    expect(error).toContain('inline-session-policy')
    expect(error).toContain('ec2:DescribeRegion')
    expect(error).toContain('ec2:DescribeRegions')
    expect(result.stdout).toContain('::error title=Invalid input%3A inline-session-policy::')
  })

  it('refuses a Principal, which session policies may not have', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: '*'
        })
      }
    })
    expect(expectRefusedBeforeSts(result)).toContain('Principal')
  })

  it('warns about a policy that narrows nothing, and still runs', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy({ Effect: 'Allow', Action: '*', Resource: '*' })
      }
    })
    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toMatch(/narrows nothing|allows every action/i)
  })

  it('requires a session policy when asked to', async () => {
    const result = await job.run({ inputs: { ...BASE, 'require-session-policy': 'true' } })
    expect(expectRefusedBeforeSts(result)).toContain(
      'require-session-policy: is true, but no session policy is given'
    )
  })
})

describe('forbid-actions', () => {
  it('refuses an inline policy that can perform a forbidden action, naming the statement and actions', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy(
          { Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
          {
            Sid: 'Cleanup',
            Effect: 'Allow',
            Action: 's3:Delete*',
            Resource: 'arn:aws:s3:::scratch/*'
          }
        ),
        'forbid-actions': 'iam:*\ns3:DeleteObject'
      }
    })
    const error = expectRefusedBeforeSts(result)
    expect(error).toContain('forbid-actions')
    expect(error).toContain('Cleanup')
    expect(error).toContain('s3:DeleteObject')
  })

  it('lets an unconditional Deny take the forbidden actions back out', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy(
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:Delete*', Resource: '*' }
        ),
        'forbid-actions': '*:Delete*'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(sts.requests).toHaveLength(1)
  })

  it('checks AWS managed policies offline: ReadOnlyAccess may not write', async () => {
    const passes = await job.run({
      inputs: {
        ...BASE,
        'managed-session-policies': 'ReadOnlyAccess',
        'forbid-actions': 's3:PutObject'
      }
    })
    expect(passes.exitCode).toBe(0)
    sts.reset()
    const fails = await job.run({
      inputs: {
        ...BASE,
        'managed-session-policies': 'ReadOnlyAccess',
        'forbid-actions': 's3:GetObject'
      }
    })
    const error = expectRefusedBeforeSts(fails)
    expect(error).toContain('arn:aws:iam::aws:policy/ReadOnlyAccess')
    expect(error).toContain('s3:GetObject')
  })

  it('says that a customer managed policy could not be checked', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'managed-session-policies': 'arn:aws:iam::111122223333:policy/deploy-bucket',
        'forbid-actions': 'iam:*'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain('arn:aws:iam::111122223333:policy/deploy-bucket')
  })

  it('refuses a forbid pattern that names no action', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'managed-session-policies': 'ReadOnlyAccess',
        'forbid-actions': 's4:GetObject'
      }
    })
    const error = expectRefusedBeforeSts(result)
    expect(error).toContain('forbid-actions')
    expect(error).toContain('s3')
  })
})

describe('mode: check', () => {
  it('checks and reports without credentials, a role or any request', async () => {
    const file = job.writeWorkspaceFile(
      'policy.json',
      policy({
        Sid: 'Upload',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: 'arn:aws:s3:::releases/*'
      })
    )
    const result = await job.run({
      inputs: { mode: 'check', 'inline-session-policy-file': file, 'forbid-actions': 's3:Delete*' }
    })
    expect(result.exitCode).toBe(0)
    expect(sts.requests).toEqual([])
    expect(result.env).toEqual({})
    expect(result.stdout).toContain('Session policy check passed')
    expect(result.summary).toContain('session policy check passed')
    expect(result.summary).toContain('Upload')
    expect(result.summary).toContain('s3:PutObject')
    expect(result.summary).toContain('arn:aws:s3:::releases/*')
  })

  it('fails the check on a bad policy', async () => {
    const result = await job.run({
      inputs: {
        mode: 'check',
        'inline-session-policy': policy({ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' })
      }
    })
    expect(expectRefusedBeforeSts(result)).toContain('s3:GetObject')
  })
})

describe('job summary', () => {
  it('shows the session, source, expiry, policies and the utilization bar, and no secret', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy({
          Effect: 'Allow',
          Action: 'ec2:DescribeRegions',
          Resource: '*'
        }),
        'managed-session-policies': 'ReadOnlyAccess'
      }
    })
    expect(result.exitCode).toBe(0)
    const summary = result.summary
    expect(summary).toContain(`\`${result.outputs.arn}\``)
    expect(summary).toContain('static keys from the inputs (AssumeRole)')
    expect(summary).toContain('| Account | 111122223333 |')
    expect(summary).toMatch(/\| Expires \| \d{4}-\d\d-\d\dT[\d:.]+Z \(in (59|60) minutes\) \|/)
    expect(summary).toContain('`arn:aws:iam::aws:policy/ReadOnlyAccess`')
    expect(summary).toContain('ec2:DescribeRegions')
    expect(summary).toMatch(/`[█░]{10} \d+%`/)
  })

  it('masks the account with mask-aws-account-id, and is off with job-summary: false', async () => {
    const masked = await job.run({ inputs: { ...BASE, 'mask-aws-account-id': 'true' } })
    expect(masked.summary).not.toContain('111122223333')
    expect(masked.summary).toContain('| Account | *** |')
    const off = await job.run({ inputs: { ...BASE, 'job-summary': 'false' } })
    expect(off.exitCode).toBe(0)
    expect(off.summary).toBe('')
  })

  it('warns when the session policies use over 90% of the packed space', async () => {
    const statements = Array.from({ length: 15 }, (_, i) => ({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `arn:aws:s3:::bucket-number-${i}-long-name/*`
    }))
    const managed = Array.from({ length: 7 }, (_, i) => `arn:aws:iam::111122223333:policy/p${i}`)
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy(...statements),
        'managed-session-policies': managed.join(',')
      }
    })
    expect(result.exitCode).toBe(0)
    expect(Number(result.outputs['session-token-utilization'])).toBeGreaterThan(90)
    expect(result.warnings.join('\n')).toContain('of the packed-policy space STS allows')
  })
})

describe('data files are read only when needed', () => {
  const tracer = pathToFileURL(join(ROOT, '__tests__/support/trace-reads.mjs')).href
  const guard = pathToFileURL(join(ROOT, '__tests__/support/loopback-guard.mjs')).href

  async function filesRead(inputs: Record<string, string>): Promise<string[]> {
    const trace = join(job.dir, `reads-${Math.random().toString(36).slice(2)}`)
    const result = await job.run({
      inputs: { ...BASE, ...inputs },
      env: { NODE_OPTIONS: `--import=${guard} --import=${tracer}`, SCOPED_ROLE_TRACE_READS: trace }
    })
    expect(result.exitCode).toBe(0)
    if (!existsSync(trace)) return []
    return readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(path => path.slice(path.lastIndexOf('/') + 1))
  }

  it('reads nothing without a session policy', async () => {
    expect(await filesRead({})).toEqual([])
  })

  it('reads the action catalogue for an inline policy, the managed data only for forbid-actions on managed policies', async () => {
    expect(
      await filesRead({
        'inline-session-policy': policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })
      })
    ).toEqual(['iam-actions.txt.gz'])
    expect(await filesRead({ 'managed-session-policies': 'ReadOnlyAccess' })).toEqual([
      'aws-managed-policies.txt'
    ])
    expect(
      (
        await filesRead({
          'managed-session-policies': 'ReadOnlyAccess',
          'forbid-actions': 's3:PutObject'
        })
      ).sort()
    ).toEqual([
      'aws-managed-policies.txt',
      'aws-managed-policy-statements.json.gz',
      'iam-actions.txt.gz'
    ])
  })
})

describe('job summary problems', () => {
  it('are a warning, never a failed step with credentials already exported', async () => {
    const result = await job.run({
      inputs: BASE,
      env: { GITHUB_STEP_SUMMARY: join(job.dir, 'no-such-folder', 'summary.md') }
    })
    expect(result.exitCode).toBe(0)
    expect(result.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/)
    expect(result.warnings.join('\n')).toContain('Could not write the job summary')
  })
})

describe('the README preview example', () => {
  it('passes its forbid-actions check against ReadOnlyAccess', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'managed-session-policies': 'ReadOnlyAccess',
        'forbid-actions': '*:Delete*, *:Put*, iam:Create*, sts:AssumeRole',
        'require-session-policy': 'true'
      }
    })
    expect(result.exitCode).toBe(0)
  })
})

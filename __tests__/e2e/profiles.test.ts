/**
 * Named profiles through the bundled action: two narrowed sessions in one job, read back by the
 * AWS SDK's own profile loader and used against the local endpoint, then removed by the post steps.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { fromIni } from '@aws-sdk/credential-provider-ini'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { Job } from './harness.js'

const BASE = {
  'aws-region': 'eu-west-1',
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
const PLAN_ROLE = 'arn:aws:iam::111122223333:role/plan'
const APPLY_ROLE = 'arn:aws:iam::111122223333:role/apply'
const UPLOAD_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::artifacts/*"}]}'

let sts: LocalSts
let job: Job
let files: { AWS_SHARED_CREDENTIALS_FILE: string; AWS_CONFIG_FILE: string }

beforeAll(async () => {
  sts = await startLocalSts()
})
afterAll(async () => sts.close())
beforeEach(() => {
  sts.reset()
  job = new Job(sts)
  files = {
    AWS_SHARED_CREDENTIALS_FILE: join(job.dir, 'aws', 'credentials'),
    AWS_CONFIG_FILE: join(job.dir, 'aws', 'config')
  }
})

async function callerOf(profile: string): Promise<string | undefined> {
  const client = new STSClient({
    region: 'eu-west-1',
    endpoint: sts.url,
    credentials: fromIni({
      profile,
      filepath: files.AWS_SHARED_CREDENTIALS_FILE,
      configFilepath: files.AWS_CONFIG_FILE
    })
  })
  return (await client.send(new GetCallerIdentityCommand({}))).Arn
}

describe('aws-profile', () => {
  it('holds two narrowed roles in one job; the SDK reads both back; the post steps remove both', async () => {
    mkdirSync(join(job.dir, 'aws'))
    writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, '[team]\naws_access_key_id = AKIATEAM\n')
    const plan = await job.run({
      inputs: {
        ...BASE,
        'role-to-assume': PLAN_ROLE,
        'managed-session-policies': 'ReadOnlyAccess',
        'aws-profile': 'plan'
      },
      env: files
    })
    const apply = await job.run({
      inputs: {
        ...BASE,
        'role-to-assume': APPLY_ROLE,
        'inline-session-policy': UPLOAD_POLICY,
        'aws-profile': 'apply'
      },
      env: files
    })
    for (const run of [plan, apply]) {
      expect(run.exitCode).toBe(0)
      // Only where the files are: the credentials stay out of the environment.
      expect(run.env).toEqual(files)
    }
    expect(statSync(files.AWS_SHARED_CREDENTIALS_FILE).mode & 0o777).toBe(0o600)
    expect(statSync(files.AWS_CONFIG_FILE).mode & 0o777).toBe(0o600)
    expect(readFileSync(files.AWS_CONFIG_FILE, 'utf8')).toContain(
      '[profile apply]\nregion = eu-west-1'
    )

    expect(await callerOf('plan')).toBe(plan.outputs.arn)
    expect(await callerOf('apply')).toBe(apply.outputs.arn)
    expect(plan.outputs.arn).toContain('assumed-role/plan/')

    const postApply = await job.run({ step: 'post', state: apply.state, env: files })
    const postPlan = await job.run({ step: 'post', state: plan.state, env: files })
    expect(postApply.stdout).toContain("Removed profile 'apply'")
    expect(postPlan.stdout).toContain("Removed profile 'plan'")
    const left = readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')
    expect(left).toContain('[team]')
    expect(left).not.toMatch(/\[(plan|apply)\]/)
    expect(readFileSync(files.AWS_CONFIG_FILE, 'utf8')).not.toContain('profile')
  })

  it('refuses to overwrite a profile before any request, unless asked', async () => {
    mkdirSync(join(job.dir, 'aws'))
    writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, '[plan]\naws_access_key_id = AKIAKEEPME\n')
    const refused = await job.run({
      inputs: { ...BASE, 'role-to-assume': PLAN_ROLE, 'aws-profile': 'plan' },
      env: files
    })
    expect(refused.exitCode).toBe(1)
    expect(sts.requests).toEqual([])
    expect(refused.errors[0]).toContain("aws-profile: a profile named 'plan' already exists")
    expect(readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).toContain('AKIAKEEPME')

    const replaced = await job.run({
      inputs: {
        ...BASE,
        'role-to-assume': PLAN_ROLE,
        'aws-profile': 'plan',
        'overwrite-aws-profile': 'true'
      },
      env: files
    })
    expect(replaced.exitCode).toBe(0)
    expect(readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).not.toContain('AKIAKEEPME')
  })

  it('leaves commented headers and comments exactly as they were once the post step has run', async () => {
    const credentials = [
      '# Team credentials, kept by hand',
      '[default] # shared read-only',
      'aws_access_key_id = AKIADEFAULT',
      'aws_secret_access_key = default-secret',
      '',
      '',
      '; staging: account 2222',
      '[staging] ; rotated monthly',
      'aws_access_key_id = AKIASTAGING',
      'aws_secret_access_key = staging-secret',
      ''
    ].join('\n')
    const config = [
      '[default]',
      'region = eu-west-1',
      '',
      '# staging lives in Frankfurt',
      '[profile staging] # 2222',
      'region = eu-central-1',
      ''
    ].join('\n')
    mkdirSync(join(job.dir, 'aws'))
    writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, credentials)
    writeFileSync(files.AWS_CONFIG_FILE, config)

    const run = await job.run({
      inputs: { ...BASE, 'role-to-assume': PLAN_ROLE, 'aws-profile': 'ci' },
      env: files
    })
    expect(run.exitCode).toBe(0)
    const written = readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')
    expect(written.startsWith(credentials)).toBe(true)
    expect(written.slice(credentials.length)).toMatch(/^\n\[ci\]\naws_access_key_id = ASIA/)
    expect(readFileSync(files.AWS_CONFIG_FILE, 'utf8')).toBe(
      `${config}\n[profile ci]\nregion = eu-west-1\n`
    )
    expect(await callerOf('ci')).toBe(run.outputs.arn)

    const post = await job.run({ step: 'post', state: run.state, env: files })
    expect(post.exitCode).toBe(0)
    expect(readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).toBe(credentials)
    expect(readFileSync(files.AWS_CONFIG_FILE, 'utf8')).toBe(config)
  })

  it('replaces a profile under a commented header and removes only it, comments of the next one kept', async () => {
    const before = '[team]\naws_access_key_id = AKIATEAM\n\n'
    const after = '# prod: account 4444\n[prod] ; break glass\naws_access_key_id = AKIAPROD\n'
    mkdirSync(join(job.dir, 'aws'))
    writeFileSync(
      files.AWS_SHARED_CREDENTIALS_FILE,
      `${before}[ci] # from last week\naws_access_key_id = AKIASTALE\n\n${after}`
    )
    const refused = await job.run({
      inputs: { ...BASE, 'role-to-assume': PLAN_ROLE, 'aws-profile': 'ci' },
      env: files
    })
    expect(refused.exitCode).toBe(1)
    expect(refused.errors[0]).toContain("a profile named 'ci' already exists")

    const run = await job.run({
      inputs: {
        ...BASE,
        'role-to-assume': PLAN_ROLE,
        'aws-profile': 'ci',
        'overwrite-aws-profile': 'true'
      },
      env: files
    })
    expect(run.exitCode).toBe(0)
    const written = readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')
    expect(written).not.toContain('AKIASTALE')
    expect(written.startsWith(`${before}${after}\n[ci]\n`)).toBe(true)
    expect(await callerOf('ci')).toBe(run.outputs.arn)

    await job.run({ step: 'post', state: run.state, env: files })
    expect(readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).toBe(`${before}${after}`)
  })

  it('refuses profile names the AWS SDK for JavaScript cannot keep, before any request', async () => {
    const run = await job.run({
      inputs: { ...BASE, 'role-to-assume': PLAN_ROLE, 'aws-profile': '__proto__' },
      env: files
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain("aws-profile: '__proto__' is reserved")
    expect(sts.requests).toEqual([])
    expect(existsSync(files.AWS_SHARED_CREDENTIALS_FILE)).toBe(false)
  })

  it('writes ~/.aws by default, and exports the variables too with export-env: true', async () => {
    const result = await job.run({
      inputs: { ...BASE, 'role-to-assume': PLAN_ROLE, 'aws-profile': 'ci', 'export-env': 'true' },
      env: { AWS_SHARED_CREDENTIALS_FILE: undefined, AWS_CONFIG_FILE: undefined }
    })
    expect(result.exitCode).toBe(0)
    expect(statSync(join(job.dir, '.aws')).mode & 0o777).toBe(0o700)
    expect(existsSync(join(job.dir, '.aws', 'credentials'))).toBe(true)
    expect(result.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/)
    expect(result.env.AWS_SHARED_CREDENTIALS_FILE).toBeUndefined()
  })
})

describe('where the credentials go', () => {
  it('warns when they would reach no later step', async () => {
    const result = await job.run({
      inputs: { ...BASE, 'role-to-assume': PLAN_ROLE, 'export-env': 'false' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain(
      'the new credentials will not reach any later step'
    )
  })

  it('warns when variables in the environment would win over the profile', async () => {
    const result = await job.run({
      inputs: { ...BASE, 'role-to-assume': PLAN_ROLE, 'aws-profile': 'plan' },
      env: { ...files, AWS_ACCESS_KEY_ID: 'ASIAOLDOLDOLDOLD0000' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain('prefer it to AWS_PROFILE=plan')
  })
})

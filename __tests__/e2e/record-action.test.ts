/**
 * record: true through the bundled action: the main step starts the recorder and exports what
 * points later steps at it; a later step's AWS calls (here, as client-side monitoring
 * datagrams) are recorded; the post step stops it and writes the proposed policy into the job
 * summary and a file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { startFakeAws, type FakeAws } from '../support/fake-aws.js'
import { Job, ROOT } from './harness.js'

const execFileAsync = promisify(execFile)
const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const GUARD = `--import=${new URL(`file://${join(ROOT, '__tests__/support/loopback-guard.mjs')}`).href}`
/** A later step: sends the datagrams an SDK sends for two calls, from loopback. */
const LATER_STEP = `
const socket = require('node:dgram').createSocket('udp4')
const call = (Service, Api) => JSON.stringify({ Version: 1, Type: 'ApiCall', Service, Api, Region: 'eu-west-1' })
socket.bind(0, '127.0.0.1', () => {
  let left = 2
  for (const d of [call('STS', 'GetCallerIdentity'), call('DynamoDB', 'ListTables')])
    socket.send(d, Number(process.env.AWS_CSM_PORT), process.env.AWS_CSM_HOST, () => --left || socket.close())
})
`

let sts: LocalSts
let fake: FakeAws
let recorderPid: number | undefined
beforeAll(async () => {
  sts = await startLocalSts({ roles: [{ arn: ROLE }] })
  fake = await startFakeAws(sts)
})
afterAll(async () => {
  // Should the post step not have run, the detached recorder must not outlive the tests.
  if (recorderPid !== undefined) {
    try {
      process.kill(recorderPid, 'SIGKILL')
    } catch {
      // Already ended, as it should have.
    }
  }
  await fake.close()
  await sts.close()
})

describe('record: true', () => {
  it('records the later steps and writes the policy they need into the job summary and a file', async () => {
    const job = new Job(sts)
    const env = {
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
      SCOPED_ROLE_RECORD_TEST_UPSTREAM: fake.url
    }
    const inputs = { 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', record: 'true' }
    const main = await job.run({ inputs, env })
    expect(main.errors).toEqual([])
    recorderPid = JSON.parse(main.state.recording).pid
    for (const name of [
      'HTTPS_PROXY',
      'NO_PROXY',
      'AWS_CA_BUNDLE',
      'SSL_CERT_FILE',
      'REQUESTS_CA_BUNDLE',
      'NODE_EXTRA_CA_CERTS',
      'AWS_CSM_ENABLED',
      'AWS_CSM_PORT'
    ]) {
      expect(main.env[name]).toBeTruthy()
    }
    expect(main.env.NO_PROXY).toContain('169.254.169.254')
    expect(main.env.HTTPS_PROXY).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const bundle = readFileSync(main.env.AWS_CA_BUNDLE, 'utf8')
    expect(bundle).toContain('BEGIN CERTIFICATE')
    expect(bundle).not.toContain('PRIVATE KEY')

    const later = spawnSync('node', ['-e', LATER_STEP], {
      env: { PATH: process.env.PATH, NODE_OPTIONS: GUARD, ...main.env },
      timeout: 30_000
    })
    expect(later.status).toBe(0)
    // A later step with the AWS SDK for JavaScript, the session the main step exported, the
    // exported proxy and CA bundle: S3 calls at their real host names, seen by the proxy.
    // Not spawnSync: the fakes answer from this process's event loop.
    const sdk = await execFileAsync(
      'node',
      [join(ROOT, '__tests__/support/record-sdk-child.mjs')],
      {
        env: {
          PATH: process.env.PATH,
          NODE_OPTIONS: GUARD,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...main.env
        },
        timeout: 60_000
      }
    )
    expect(JSON.parse(String(sdk.stdout)).slice(1, 4)).toEqual([
      'GetObject: ok',
      'PutObject: ok',
      'ListObjectsV2: ok'
    ])
    expect(fake.s3.every(request => request.verified)).toBe(true)

    const post = await job.run({ inputs, env, step: 'post', state: main.state })
    expect(post.warnings).toEqual([])
    expect(post.summary).toContain('Recorded AWS calls')
    expect(post.summary).toContain(
      's3 PutObject ×1 [proxy]: s3:PutObject on arn:aws:s3:::artifacts/build/report.txt'
    )
    expect(post.summary).toContain(
      '"Action":["dynamodb:ListTables","sts:GetCallerIdentity"],"Resource":"*"'
    )
    expect(post.summary).toContain('Not seen by a recording:')
    const file = join(job.dir, 'scoped-role-recorded-policy.json')
    expect(JSON.parse(readFileSync(file, 'utf8')).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:ListTables', 'sts:GetCallerIdentity'],
        Resource: '*'
      },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::artifacts/build/app.zip' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::artifacts' },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::artifacts/build/report.txt'
      }
    ])
    // The variables that pointed at the recorder are blanked, and its folder is gone.
    expect(post.env.HTTPS_PROXY).toBe('')
    expect(existsSync(main.env.AWS_CA_BUNDLE)).toBe(false)
  })

  it('warns, and keeps the step and its session, when the recorder cannot start', async () => {
    const job = new Job(sts)
    const main = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', record: 'true' },
      env: {
        AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
        RUNNER_TEMP: join(job.dir, 'no-such-folder')
      }
    })
    expect(main.errors).toEqual([])
    expect(main.warnings).toEqual([
      expect.stringMatching(
        /^record: the recorder did not start \(.*no-such-folder.*\); the later steps are not recorded\.$/
      )
    ])
    expect(main.env.AWS_SESSION_TOKEN).toBeTruthy()
    expect(main.env.HTTPS_PROXY).toBeUndefined()
    expect(main.state.recording).toBeUndefined()
  })
})

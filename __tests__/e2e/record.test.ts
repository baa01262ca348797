/**
 * `scoped-role record` through the bundled command line: a command that sends client-side
 * monitoring datagrams (a plain script, and the AWS CLI against the local STS endpoint) gets
 * its calls recorded and a proposed policy that lists exactly those calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type Server } from 'node:tls'
import { startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { startFakeAws, type FakeAws } from '../support/fake-aws.js'
import { Terminal } from './cli-harness.js'
import { ROOT } from './harness.js'

const SDK_CHILD = ['node', join(ROOT, '__tests__/support/record-sdk-child.mjs')]

/** Sends the datagrams an SDK would for a few calls, plus junk a hostile child might send. */
const CSM_CHILD = [
  'node',
  '-e',
  `
const socket = require('node:dgram').createSocket('udp4')
const port = Number(process.env.AWS_CSM_PORT)
const call = (Service, Api, Type = 'ApiCall') =>
  JSON.stringify({ Version: 1, ClientId: '', Type, Service, Api, Region: 'eu-west-1', Timestamp: Date.now() })
const datagrams = [
  call('STS', 'GetCallerIdentity'),
  call('STS', 'GetCallerIdentity', 'ApiCallAttempt'),
  call('DynamoDB', 'ListTables'),
  call('DynamoDB', 'ListTables'),
  call('S3', 'ListBuckets'),
  call('S3', 'NoSuchOperation'),
  'not json', '{"Type":"ApiCall"}', 'x'.repeat(9000), Buffer.from([0xff, 0x00, 0xfe])
]
let left = datagrams.length
socket.bind(0, '127.0.0.1', () => {
  for (const d of datagrams) socket.send(d, port, process.env.AWS_CSM_HOST, () => {
    if (--left === 0) { socket.close(); console.log('sent', process.env.AWS_CSM_ENABLED); process.exit(3) }
  })
})
`
]

const ROLE = 'arn:aws:iam::111122223333:role/deploy'

let sts: LocalSts
let fake: FakeAws
let terminal: Terminal
/** A non-AWS TLS server with its own certificate, which the proxy must tunnel untouched. */
let other: Server
let otherCertificate: X509Certificate
beforeAll(async () => {
  sts = await startLocalSts({ roles: [{ arn: ROLE }] })
  fake = await startFakeAws(sts)
  const dir = mkdtempSync(join(tmpdir(), 'scoped-role-other-'))
  spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-days',
    '1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem')
  ])
  const cert = readFileSync(join(dir, 'cert.pem'))
  otherCertificate = new X509Certificate(cert)
  other = createServer({ cert, key: readFileSync(join(dir, 'key.pem')) }, socket => socket.end())
  other.listen(0, '127.0.0.1')
  await new Promise(resolve => other.once('listening', resolve))
})
afterAll(async () => {
  other.close()
  await fake.close()
  await sts.close()
})
beforeEach(() => {
  sts.reset()
  terminal = new Terminal(sts)
})

describe('scoped-role record', () => {
  it('records the calls of a monitoring-datagram sender, proposes exactly their actions, and exits with its status', async () => {
    const out = join(terminal.home, 'policy.json')
    const run = await terminal.run(['record', '--format', 'json', '--out', out, '--', ...CSM_CHILD])
    expect(run.status).toBe(3)
    const [sent, ...rest] = run.stdout.split('\n')
    expect(sent).toBe('sent true')
    const report = JSON.parse(rest.join('\n'))
    expect(report.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['dynamodb:ListTables', 's3:ListAllMyBuckets', 'sts:GetCallerIdentity'],
          Resource: '*'
        }
      ]
    })
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(report.policy)
    expect(
      report.calls.map((c: { service: string; operation: string; count: number }) => [
        c.service,
        c.operation,
        c.count
      ])
    ).toEqual([
      ['dynamodb', 'ListTables', 2],
      ['s3', 'ListBuckets', 1],
      ['s3', 'NoSuchOperation', 1],
      ['sts', 'GetCallerIdentity', 1]
    ])
    expect(report.calls[2].unmapped).toBe('s3:NoSuchOperation is not in the IAM action catalogue')
    expect(report.gaps.join(' ')).toMatch(/on your behalf.*signed locally.*ignores HTTPS_PROXY/s)
  })

  it('prints a summary a person reads: the policy to paste, each call, the gaps', async () => {
    const run = await terminal.run(['record', '--', ...CSM_CHILD])
    expect(run.stdout).toContain('Proposed inline-session-policy:\n{"Version":"2012-10-17"')
    expect(run.stdout).toContain('dynamodb ListTables ×2 [csm]: dynamodb:ListTables on *')
    expect(run.stdout).toContain('1 call(s) map to no IAM action')
    expect(run.stdout).toContain('Not seen by a recording:')
  })

  const awsCli = spawnSync('aws', ['--version']).status === 0
  ;(awsCli ? it : it.skip)(
    'records the AWS CLI through its monitoring datagrams, pointed at the local STS endpoint',
    async () => {
      const run = await terminal.run(
        [
          'record',
          '--format',
          'json',
          '--',
          'aws',
          'sts',
          'get-caller-identity',
          '--endpoint-url',
          sts.url
        ],
        { env: { AWS_DEFAULT_REGION: 'eu-west-1' } }
      )
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n  "policy"')))
      expect(report.policy.Statement).toEqual([
        { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }
      ])
      expect(sts.requests.map(request => request.action)).toEqual(['GetCallerIdentity'])
    }
  )

  it('records the AWS SDK for JavaScript through the interception proxy: signatures stay valid, other hosts keep their certificate, no file holds the CA key', async () => {
    const { port } = other.address() as { port: number }
    const run = await terminal.run(
      ['record', '--format', 'json', '--', ...SDK_CHILD, `127.0.0.1:${port}`],
      {
        env: {
          SCOPED_ROLE_RECORD_TEST_UPSTREAM: fake.url,
          // STS at its real host name, so its requests go through the proxy too.
          AWS_ENDPOINT_URL_STS: undefined,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
        }
      }
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const [childLine, ...rest] = run.stdout.split('\n')
    const results = JSON.parse(childLine) as string[]
    expect(results.slice(0, 4)).toEqual([
      'GetCallerIdentity: ok',
      'GetObject: ok',
      'PutObject: ok',
      'ListObjectsV2: ok'
    ])
    // The non-AWS host was tunnelled: the child saw that server's own certificate.
    expect(results[4]).toBe(`tunnel: ${otherCertificate.fingerprint256}`)
    const [, folder, files, key] = /^ca folder: (\S+) (\S*) key: (\w+)$/.exec(results[5])!
    expect([files, key]).toEqual(['ca-bundle.pem', 'false'])
    expect(existsSync(folder)).toBe(false)
    // Every request reached the fakes as signed: SigV4 verified on the far side.
    expect(fake.s3.map(r => [r.action, r.verified])).toEqual([
      ['s3:GetObject', true],
      ['s3:PutObject', true],
      ['s3:ListBucket', true]
    ])
    expect(sts.requests.map(r => [r.action, r.verified])).toEqual([['GetCallerIdentity', true]])
    const report = JSON.parse(rest.join('\n'))
    expect(report.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::artifacts/build/app.zip'
        },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::artifacts' },
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::artifacts/build/report.txt'
        },
        { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }
      ]
    })
    expect(report.calls.every((c: { seenBy: string[] }) => c.seenBy.includes('proxy'))).toBe(true)
    const text = JSON.stringify(report)
    expect(text).not.toMatch(/Signature=|X-Amz-Security-Token|zip bytes|AWS4-HMAC/i)
  })

  it('closes the loop: the recorded policy, enforced by exec, lets the same calls through; without one action, that call is denied', async () => {
    const out = join(terminal.home, 'recorded.json')
    const recorded = await terminal.run(['record', '--out', out, '--', ...SDK_CHILD], {
      env: {
        SCOPED_ROLE_RECORD_TEST_UPSTREAM: fake.url,
        AWS_ENDPOINT_URL_STS: undefined,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
      }
    })
    expect(recorded.status).toBe(0)
    const policy = JSON.parse(readFileSync(out, 'utf8'))
    fake.s3.length = 0
    const enforce = (file: string) =>
      terminal.run(
        [
          'exec',
          '--role',
          ROLE,
          '--region',
          'eu-west-1',
          '--policy-file',
          file,
          '--',
          ...SDK_CHILD
        ],
        {
          env: {
            AWS_ENDPOINT_URL_S3: fake.url,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
          }
        }
      )
    const allowed = await enforce(out)
    expect(allowed.status).toBe(0)
    expect(JSON.parse(allowed.stdout.trim())).toEqual([
      'GetCallerIdentity: ok',
      'GetObject: ok',
      'PutObject: ok',
      'ListObjectsV2: ok'
    ])
    // The fake saw the session's policy: every S3 call was checked against it.
    expect(fake.s3.map(r => [r.action, r.verified, r.allowed])).toEqual([
      ['s3:GetObject', true, true],
      ['s3:PutObject', true, true],
      ['s3:ListBucket', true, true]
    ])
    expect(JSON.parse(sts.issued.at(-1)!.policy!)).toEqual(policy)

    const narrower = join(terminal.home, 'without-put.json')
    writeFileSync(
      narrower,
      JSON.stringify({
        ...policy,
        Statement: policy.Statement.filter((s: { Action: string }) => s.Action !== 's3:PutObject')
      })
    )
    const denied = await enforce(narrower)
    expect(JSON.parse(denied.stdout.trim())).toEqual([
      'GetCallerIdentity: ok',
      'GetObject: ok',
      'PutObject: AccessDenied',
      'ListObjectsV2: ok'
    ])
  })

  it('refuses a bad format or a missing command before running anything', async () => {
    const bad = await terminal.run(['record', '--format', 'yaml', '--', 'false'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("--format 'yaml' is not a format; write one of summary, json.")
    const none = await terminal.run(['record'])
    expect(none.status).toBe(2)
    expect(none.stderr).toContain('give the command to run after --')
  })
})

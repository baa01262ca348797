/**
 * `scoped-role record` through the bundled command line: a command that sends client-side
 * monitoring datagrams (a plain script, and the AWS CLI against the local STS endpoint) gets
 * its calls recorded and a proposed policy that lists exactly those calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { Terminal } from './cli-harness.js'

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

let sts: LocalSts
let terminal: Terminal
beforeAll(async () => {
  sts = await startLocalSts({ roles: [] })
})
afterAll(async () => sts.close())
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

  it('refuses a bad format or a missing command before running anything', async () => {
    const bad = await terminal.run(['record', '--format', 'yaml', '--', 'false'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("--format 'yaml' is not a format; write one of summary, json.")
    const none = await terminal.run(['record'])
    expect(none.status).toBe(2)
    expect(none.stderr).toContain('give the command to run after --')
  })
})

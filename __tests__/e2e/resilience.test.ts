/**
 * Failures of STS and of the network, injected by the local endpoint, through the bundled
 * action: what is retried, how long it may take, and what the step says.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { startConnectProxy, type LocalProxy } from '../support/connect-proxy.js'
import { Job, type StepResult } from './harness.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const BASE = {
  'role-to-assume': ROLE,
  'aws-region': 'us-east-1',
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey,
  'retry-max-attempts': '4',
  'retry-max-seconds': '4',
  'request-timeout-seconds': '1'
}

let sts: LocalSts
let job: Job
beforeAll(async () => {
  sts = await startLocalSts({ roles: [{ arn: ROLE, maxSessionDuration: 7200 }] })
})
afterAll(async () => sts.close())
beforeEach(() => {
  sts.reset()
  job = new Job(sts)
})

function retryLines(result: StepResult): string[] {
  return result.stdout.split('\n').filter(line => line.startsWith('Attempt '))
}

function expectNothingExported(result: StepResult): string {
  expect(result.exitCode).toBe(1)
  expect(result.env).toEqual({})
  expect(result.outputs).toEqual({})
  expect(result.errors).toHaveLength(1)
  return result.errors[0]
}

describe('transient failures are retried', () => {
  it('recovers from throttling, logging one line per retry', async () => {
    sts.injectFault({ status: 400, code: 'Throttling', message: 'Rate exceeded' }, 2)
    const result = await job.run({ inputs: BASE })
    expect(result.exitCode).toBe(0)
    expect(sts.requests.map(r => r.status)).toEqual([400, 400, 200])
    const lines = retryLines(result)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^Attempt 1 of 4 failed: Throttling \(HTTP 400\); retrying in \d+\.\d\d s\.$/
    )
    expect(result.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/)
  })

  it('recovers from a dropped connection and from a malformed body', async () => {
    sts.injectFault({ drop: true })
    sts.injectFault({ malformed: true })
    const result = await job.run({ inputs: BASE })
    expect(result.exitCode).toBe(0)
    expect(sts.requests).toHaveLength(3)
    expect(retryLines(result)).toHaveLength(2)
  })

  it('gives up on 500s within the budget, with no trailing wait, and says what to do', async () => {
    sts.injectFault({ status: 500 }, 50)
    const result = await job.run({
      inputs: { ...BASE, 'retry-max-attempts': '20', 'retry-max-seconds': '2' }
    })
    const error = expectNothingExported(result)
    expect(error).toContain('AssumeRole failed: InternalFailure')
    expect(error).toMatch(/did not answer successfully in \d+ attempts over [0-2]\.\d s/)
    expect(error).toContain('retry-max-seconds')
    // The budget bounds the attempts and waits; without it 20 attempts with backoff take far
    // longer. Generous for a busy machine: the speed itself is for `npm run bench`.
    expect(result.durationMs).toBeLessThan(2000 + 10_000)
    expect(sts.requests.length).toBeGreaterThan(1)
  })

  it('fails a hung connection after the request timeout, not the job timeout', async () => {
    sts.injectFault({ hang: true }, 10)
    const result = await job.run({
      inputs: {
        ...BASE,
        'retry-max-attempts': '2',
        'retry-max-seconds': '25',
        'request-timeout-seconds': '1'
      }
    })
    const error = expectNothingExported(result)
    expect(error).toContain('TimeoutError: no answer within 1000 ms')
    expect(sts.requests).toHaveLength(2)
    // Two 1 s attempts; an attempt given the whole 25 s budget instead would pass this bound.
    expect(result.durationMs).toBeLessThan(15_000)
  })
})

describe('source credentials', () => {
  it('stops waiting for a credential chain that does not answer, within retry-max-seconds', async () => {
    // A profile whose credential_process prints nothing for 20 s (then ends, so no process is left
    // behind): the SDK's chain would wait that long.
    const config = join(job.dir, 'hanging-config')
    writeFileSync(
      config,
      `[default]\ncredential_process = "${process.execPath}" -e "setTimeout(() => {}, 20000)"\n`
    )
    const result = await job.run({
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', 'retry-max-seconds': '2' },
      env: { AWS_CONFIG_FILE: config }
    })
    expect(expectNothingExported(result)).toContain(
      "The AWS SDK's default credential chain (a profile's credential_process or SSO, container or instance metadata) did not answer in time: no credentials within retry-max-seconds (2 s)."
    )
    expect(sts.requests).toEqual([])
    // Generous for a busy machine, and still well below the 20 s the chain would take.
    expect(result.durationMs).toBeLessThan(2000 + 10_000)
  })
})

describe('final errors are not retried', () => {
  it.each([
    [{ status: 403, code: 'AccessDenied', message: 'not authorized' }, 'trust policy'],
    [{ status: 400, code: 'ValidationError', message: 'bad' }, 'STS refused a parameter'],
    [
      { status: 400, code: 'MalformedPolicyDocument', message: 'Syntax errors in policy.' },
      'Check inline-session-policy'
    ],
    [
      { status: 403, code: 'RegionDisabledException', message: 'STS is not activated' },
      'Activate it'
    ],
    [{ status: 403, code: 'SignatureDoesNotMatch', message: 'sig' }, 'check aws-secret-access-key'],
    [{ status: 403, code: 'InvalidClientTokenId', message: 'unknown' }, 'check aws-access-key-id'],
    [{ status: 400, code: 'ExpiredToken', message: 'expired' }, 'run the earlier step again']
  ])('%j: one request, and guidance', async (fault, guidance) => {
    sts.injectFault(fault)
    const result = await job.run({ inputs: BASE })
    const error = expectNothingExported(result)
    expect(sts.requests[0].status).toBe(fault.status)
    expect(sts.requests.filter(r => r.action === 'AssumeRole')).toHaveLength(1)
    expect(retryLines(result)).toEqual([])
    expect(error).toContain(`AssumeRole failed: ${fault.code}: ${fault.message}`)
    expect(error).toContain(guidance)
    expect(result.stdout).toContain(`::error title=AssumeRole failed%3A ${fault.code}::`)
  })

  it('explains PackedPolicyTooLarge with what takes the space', async () => {
    const statements = Array.from({ length: 17 }, (_, i) => ({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `arn:aws:s3:::bucket-number-${i}-long-name/*`
    }))
    const managed = Array.from({ length: 8 }, (_, i) => `arn:aws:iam::111122223333:policy/p${i}`)
    const result = await job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        'managed-session-policies': managed.join(','),
        'role-session-tags': 'Team=payments\nService=checkout'
      }
    })
    const error = expectNothingExported(result)
    expect(error).toMatch(/PackedPolicyTooLarge: Packed policy consumes \d+% of allotted space/)
    expect(error).toMatch(
      /the inline policy \(\d+ characters\), 8 managed policy ARNs, 2 session tags \(\d+ characters\)/
    )
    expect(error).toContain('Cut, in this order: session tags')
  })

  it('explains a duration above the role maximum', async () => {
    const result = await job.run({ inputs: { ...BASE, 'role-duration-seconds': '10800' } })
    expect(expectNothingExported(result)).toContain(
      "role-duration-seconds (10800) is above the role's maximum session duration"
    )
  })
})

describe('answers that are not from STS', () => {
  it.each([
    ['text/html', '<html><body>Blocked by policy</body></html>'],
    ['text/plain', 'Access denied by corporate firewall'],
    ['application/json', '{"message":"forbidden"}']
  ])('a 403 %s page: one request, the HTTP status, and where to look', async (type, body) => {
    let requests = 0
    const page = createServer((_request, response) => {
      requests += 1
      response.writeHead(403, { 'content-type': type }).end(body)
    })
    await new Promise<void>(resolve => page.listen(0, '127.0.0.1', resolve))
    try {
      const port = (page.address() as { port: number }).port
      const result = await job.run({
        inputs: { ...BASE, 'sts-endpoint': `http://127.0.0.1:${port}` }
      })
      const error = expectNothingExported(result)
      expect(error).toContain(
        'AssumeRole failed: UnexpectedResponse: HTTP 403 with an answer that is not an STS error'
      )
      expect(error).toContain('Check sts-endpoint')
      expect(requests).toBe(1)
    } finally {
      await new Promise(resolve => page.close(resolve))
    }
  })
})

describe('endpoints', () => {
  // The loopback guard refuses every real AWS host and names it: that shows where the SDK would go.
  it.each([
    [{ 'aws-region': 'eu-west-1' }, 'sts.eu-west-1.amazonaws.com'],
    [
      { 'aws-region': 'us-east-1', 'use-fips-endpoint': 'true' },
      'sts-fips.us-east-1.amazonaws.com'
    ],
    [
      { 'aws-region': 'cn-north-1', 'role-to-assume': 'arn:aws-cn:iam::111122223333:role/deploy' },
      'sts.cn-north-1.amazonaws.com.cn'
    ],
    [
      {
        'aws-region': 'us-gov-west-1',
        'role-to-assume': 'arn:aws-us-gov:iam::111122223333:role/deploy'
      },
      'sts.us-gov-west-1.amazonaws.com'
    ]
  ])('%j resolves to %s', async (inputs, host) => {
    const result = await job.run({
      inputs: { ...BASE, 'retry-max-attempts': '1', ...inputs },
      env: { AWS_ENDPOINT_URL_STS: undefined }
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`loopback guard: refused a connection to ${host}`)
    expect(result.env).toEqual({})
  })
})

describe('proxies', () => {
  let proxy: LocalProxy
  beforeAll(async () => {
    proxy = await startConnectProxy(sts.port)
  })
  afterAll(async () => proxy.close())

  const viaProxy = { 'sts-endpoint': 'http://sts.proxy-test.invalid:8080' }

  it('tunnels through HTTPS_PROXY / HTTP_PROXY from the environment', async () => {
    proxy.connects.length = 0
    const result = await job.run({
      inputs: { ...BASE, ...viaProxy },
      env: { HTTP_PROXY: proxy.url }
    })
    expect(result.exitCode).toBe(0)
    expect(proxy.connects).toEqual(['sts.proxy-test.invalid:8080'])
    expect(sts.requests[0].headers.host).toBe('sts.proxy-test.invalid:8080')
  })

  it('tunnels through the http-proxy input', async () => {
    proxy.connects.length = 0
    const result = await job.run({ inputs: { ...BASE, ...viaProxy, 'http-proxy': proxy.url } })
    expect(result.exitCode).toBe(0)
    expect(proxy.connects).toEqual(['sts.proxy-test.invalid:8080'])
  })

  it('lets the http-proxy input win over a lower-case http_proxy in the environment', async () => {
    const other = await startConnectProxy(sts.port)
    proxy.connects.length = 0
    try {
      const result = await job.run({
        inputs: { ...BASE, ...viaProxy, 'http-proxy': proxy.url },
        env: { http_proxy: other.url }
      })
      expect(result.exitCode).toBe(0)
      expect(proxy.connects).toEqual(['sts.proxy-test.invalid:8080'])
      expect(other.connects).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('goes direct for a host NO_PROXY lists', async () => {
    proxy.connects.length = 0
    const result = await job.run({
      inputs: { ...BASE, 'retry-max-attempts': '1', ...viaProxy },
      env: { HTTP_PROXY: proxy.url, NO_PROXY: '.proxy-test.invalid' }
    })
    expect(proxy.connects).toEqual([])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(
      'loopback guard: refused a connection to sts.proxy-test.invalid'
    )
  })
})

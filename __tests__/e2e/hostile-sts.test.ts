/**
 * Answers shaped by whoever sits between the action and STS (a plain-http sts-endpoint, an
 * intercepting proxy): whatever they hold, no workflow command but the action's own reaches
 * the log, the credentials are masked before any line about the answer, and a failed step
 * exports nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_USER } from '../../local-sts/server.js'
import {
  assumeRoleAnswer,
  callerIdentityAnswer,
  errorAnswer,
  scopedAnswer,
  startHostileSts,
  type HostileSts
} from '../support/hostile-sts.js'
import type { StepResult } from './harness.js'
import { useLocalJob } from './local-job.js'

const INJECTION = '\n::stop-commands::INJECTED\r\n::add-mask::INJECTED\n::error::INJECTED'
const GOOD_ARN = 'arn:aws:sts::111122223333:assumed-role/deploy/gh-run'

const local = useLocalJob()
let hostile: HostileSts
beforeAll(async () => {
  hostile = await startHostileSts()
})
afterAll(async () => hostile.close())

const run = (inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  local.job.run({
    inputs: {
      'role-to-assume': 'arn:aws:iam::111122223333:role/deploy',
      'aws-region': 'us-east-1',
      'aws-access-key-id': DEFAULT_USER.accessKeyId,
      'aws-secret-access-key': DEFAULT_USER.secretAccessKey,
      'sts-endpoint': hostile.url,
      'retry-max-attempts': '1',
      ...inputs
    },
    env,
    secrets: hostile.secrets
  })

/** Lines the runner would take as a command that the action did not mean to issue. */
function foreignCommands(stdout: string): string[] {
  return stdout
    .split(/\r\n|\r|\n/)
    .filter(line => /^\s*(::|##\[)/.test(line))
    .filter(
      line =>
        /^\s*(::|##\[)[a-z-]*(::)?INJECTED/.test(line) ||
        !/^::(add-mask|debug|error|warning|notice)( [^:]*)?::/.test(line)
    )
}

function failedSafely(result: StepResult): string {
  expect(result.exitCode).toBe(1)
  expect(foreignCommands(result.stdout)).toEqual([])
  expect(result.env).toEqual({})
  expect(result.outputs).toEqual({})
  expect(result.errors).toHaveLength(1)
  // Not even escaped into an annotation: the text was neutralised before it got there.
  expect(result.stdout).not.toMatch(/%0A::|%0D%0A::/)
  return result.errors[0]
}

describe('a hostile STS endpoint', () => {
  it('cannot issue workflow commands through an error code, message or request id', async () => {
    hostile.answer(
      errorAnswer(400, `AccessDenied${INJECTION}`, `nope${INJECTION}`, `r${INJECTION}`)
    )
    const error = failedSafely(await run())
    expect(error).toContain('AssumeRole failed: AccessDenied\\u000a::stop-commands::INJECTED')
    expect(hostile.actions).toEqual(['AssumeRole'])
  })

  it('cannot issue them through the retry log line either', async () => {
    hostile.answer(errorAnswer(500, `InternalError${INJECTION}`, 'boom'))
    const result = await run({ 'retry-max-attempts': '2', 'retry-max-seconds': '5' })
    failedSafely(result)
    expect(result.stdout).toMatch(/^Attempt 1 of 2 failed: InternalError\\u000a::stop-commands/m)
    expect(hostile.actions).toEqual(['AssumeRole', 'AssumeRole'])
  })

  it('refuses an assumed-role ARN that is not of the STS form, after masking the credentials', async () => {
    hostile.answer(assumeRoleAnswer(hostile, { arn: `${GOOD_ARN}${INJECTION}` }))
    const result = await run()
    const error = failedSafely(result)
    expect(error).toContain(
      "answer's Arn 'arn:aws:sts::111122223333:assumed-role/deploy/gh-run\\u000a::stop"
    )
    expect(error).toContain('it may not come from STS')
    const lines = result.stdout.split('\n')
    const firstError = lines.findIndex(line => line.startsWith('::error'))
    for (const secret of hostile.secrets.slice(-3)) {
      const mask = lines.indexOf(`::add-mask::${secret}`)
      expect(mask).toBeGreaterThan(-1)
      expect(mask).toBeLessThan(firstError)
    }
  })

  it('refuses an AssumedRoleId holding a command', async () => {
    hostile.answer(
      assumeRoleAnswer(hostile, {
        arn: GOOD_ARN,
        assumedRoleId: `AROAEXAMPLEEXAMPLE01:gh-run${INJECTION}`
      })
    )
    expect(failedSafely(await run())).toContain("answer's AssumedRoleId")
  })

  it('refuses a crafted caller identity in verify-credentials', async () => {
    hostile.answer(
      assumeRoleAnswer(hostile, { arn: GOOD_ARN }),
      callerIdentityAnswer(`${GOOD_ARN}${INJECTION}`)
    )
    const error = failedSafely(await run({ 'verify-credentials': 'true' }))
    expect(error).toContain("GetCallerIdentity answer's Arn")
    expect(hostile.actions).toEqual(['AssumeRole', 'GetCallerIdentity'])
  })

  it('refuses a crafted scoped session in mode: scope', async () => {
    hostile.answer(scopedAnswer(hostile, GOOD_ARN, `SS1${INJECTION}`))
    const result = await local.job.run({
      inputs: {
        mode: 'scope',
        'aws-region': 'us-east-1',
        'sts-endpoint': hostile.url,
        'retry-max-attempts': '1',
        'inline-session-policy':
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
      },
      env: {
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE01',
        AWS_SECRET_ACCESS_KEY: 'secret-of-the-environment',
        AWS_SESSION_TOKEN: 'token-of-the-environment'
      },
      secrets: [...hostile.secrets, 'secret-of-the-environment', 'token-of-the-environment']
    })
    expect(failedSafely(result)).toContain("answer's ScopedSessionId")
  })

  it.each([
    ['a cut-off body', { ...errorAnswer(200, 'x', 'y'), cutAfter: 40 }],
    ['an HTML page', { status: 200, contentType: 'text/html', body: `<html>${INJECTION}</html>` }],
    [
      'an HTML error page',
      { status: 502, contentType: 'text/html', body: `<h1>${INJECTION}</h1>` }
    ],
    [
      'truncated credentials XML',
      {
        status: 200,
        contentType: 'text/xml',
        body: '<AssumeRoleResponse><AssumeRoleResult><Credentials>'
      }
    ]
  ])('fails cleanly on %s', async (_name, answer) => {
    hostile.answer(answer)
    failedSafely(await run())
  })
})

/**
 * Hub → target in one step (via-roles): the job's OIDC token (or keys) assumes a role in a
 * central account, whose session assumes the deploy role in a workload account; each hop one
 * STS request, the session policy on the last one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { LocalGitHubOidc } from '../../local-sts/github-oidc.js'
import { DEFAULT_USER, type LocalSts } from '../../local-sts/server.js'
import { Job, startOidcAndSts } from './harness.js'

const HUB = 'arn:aws:iam::111122223333:role/hub'
const TARGET = 'arn:aws:iam::444455556666:role/deploy'
const POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::releases/*"}]}'

let sts: LocalSts
let oidc: LocalGitHubOidc
let oidcEnv: Record<string, string>
let close: () => Promise<void>
let job: Job

beforeAll(async () => {
  ;({ oidc, sts, oidcEnv, close } = await startOidcAndSts([
    { arn: HUB, webIdentity: { subjects: ['repo:octo-org/octo-repo:*'] } },
    // Only the hub's sessions may assume the target, as in a hub-and-spoke set-up.
    { arn: TARGET, trustedPrincipals: [HUB] }
  ]))
})
afterAll(async () => close())
beforeEach(() => {
  sts.reset()
  job = new Job(sts, { secrets: () => [...oidc.tokens, oidc.requestToken] })
})

const BASE = {
  'aws-region': 'eu-west-1',
  'role-to-assume': TARGET,
  'via-roles': HUB,
  'inline-session-policy': POLICY,
  'allowed-account-ids': '444455556666'
}

describe('via-roles', () => {
  it('passes through the hub with the OIDC token, then assumes the target with the policy on that hop only', async () => {
    const result = await job.run({ inputs: BASE, env: oidcEnv })
    expect(result.exitCode).toBe(0)
    expect(result.errors).toEqual([])
    const [first, second] = sts.requests
    expect(sts.requests).toHaveLength(2)
    expect(first.action).toBe('AssumeRoleWithWebIdentity')
    expect(first.params).toMatchObject({ RoleArn: HUB, DurationSeconds: '900' })
    expect(first.params.Policy).toBeUndefined()
    const hub = sts.issued.find(s => s.roleArn === HUB)!
    expect(second.action).toBe('AssumeRole')
    expect(second.accessKeyId).toBe(hub.accessKeyId)
    expect(second.params).toMatchObject({
      RoleArn: TARGET,
      Policy: POLICY,
      DurationSeconds: '3600'
    })
    const target = sts.issued[sts.issued.length - 1]
    expect(result.outputs.arn).toBe(target.arn)
    expect(result.outputs['aws-account-id']).toBe('444455556666')
    expect(result.env.AWS_ACCESS_KEY_ID).toBe(target.accessKeyId)
    // Each hop's identity: in the log and in the job summary.
    expect(result.stdout).toContain(`Hop 1 of 2: ${hub.arn}.`)
    expect(result.summary).toContain(`| Through | 1. \`${hub.arn}\` |`)
    expect(result.summary).toContain(target.arn)
  })

  it('sends the policy on every hop with session-policy-on-every-hop, from static keys too', async () => {
    const result = await job.run({
      inputs: {
        ...BASE,
        'aws-access-key-id': DEFAULT_USER.accessKeyId,
        'aws-secret-access-key': DEFAULT_USER.secretAccessKey,
        'session-policy-on-every-hop': 'true'
      }
    })
    expect(result.exitCode).toBe(0)
    expect(sts.requests.map(r => [r.action, r.params.RoleArn, r.params.Policy])).toEqual([
      ['AssumeRole', HUB, POLICY],
      ['AssumeRole', TARGET, POLICY]
    ])
    expect(sts.requests[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
  })

  it('checks the chained one-hour cap and the target account before the first request', async () => {
    const long = await job.run({
      inputs: { ...BASE, 'role-duration-seconds': '7200' },
      env: oidcEnv
    })
    expect(long.exitCode).toBe(1)
    expect(long.errors).toEqual([
      expect.stringContaining('role-duration-seconds: is 7200, but with via-roles')
    ])
    const account = await job.run({
      inputs: { ...BASE, 'allowed-account-ids': '111122223333' },
      env: oidcEnv
    })
    expect(account.exitCode).toBe(1)
    expect(account.errors).toEqual([
      expect.stringContaining('444455556666, which is not in allowed-account-ids')
    ])
    expect(sts.requests).toEqual([])
  })

  it('names the hop whose trust refused it', async () => {
    const result = await job.run({
      inputs: { ...BASE, 'via-roles': 'arn:aws:iam::111122223333:role/unknown' },
      env: oidcEnv
    })
    expect(result.exitCode).toBe(1)
    expect(result.env).toEqual({})
    expect(result.errors).toEqual([
      expect.stringContaining('AssumeRoleWithWebIdentity failed: AccessDenied')
    ])
  })
})

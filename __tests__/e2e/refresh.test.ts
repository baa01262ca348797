/**
 * refresh: true through the bundled action: the main step writes a profile whose
 * credential_process is the bundled launcher; later steps, as a workflow's code runs them, read
 * it through the AWS SDK's own loaders (fromIni, fromProcess) and the AWS CLI; the cache
 * answers until the session nears its end, then the launcher asks GitHub for a new OIDC token
 * and STS for a new session with the same session policy, once for any number of callers; the
 * post step leaves nothing behind.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startLocalGitHubOidc, type LocalGitHubOidc } from '../../local-sts/github-oidc.js'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { spawnCli, type CliRun } from './cli-harness.js'
import { Job, ROOT, type StepResult } from './harness.js'

const ROLE = 'arn:aws:iam::111122223333:role/long-job'
const KEY_ROLE = 'arn:aws:iam::111122223333:role/instance-assumable'
const POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::artifacts/*' }]
}
const INPUTS = {
  'role-to-assume': ROLE,
  'aws-region': 'eu-west-1',
  'inline-session-policy': JSON.stringify(POLICY, null, 2),
  'managed-session-policies': 'ReadOnlyAccess',
  refresh: 'true'
}
const LATER_STEP = join(ROOT, '__tests__/support/later-step.mjs')
const GUARD = pathToFileURL(join(ROOT, '__tests__/support/loopback-guard.mjs')).href

let oidc: LocalGitHubOidc
let sts: LocalSts
/** The local STS clock runs this far behind, so a test can issue a session that ends soon. */
let skewMs = 0
let job: Job
let oidcSeen = 0

beforeAll(async () => {
  oidc = await startLocalGitHubOidc()
  sts = await startLocalSts({
    identityProviders: [oidc.provider('sts.amazonaws.com')],
    roles: [
      { arn: ROLE, maxSessionDuration: 7200, webIdentity: {} },
      { arn: KEY_ROLE, trustedPrincipals: [DEFAULT_USER.arn] }
    ],
    now: () => new Date(Date.now() + skewMs)
  })
})
afterAll(async () => {
  await sts.close()
  await oidc.close()
})
beforeEach(() => {
  sts.reset()
  skewMs = 0
  oidcSeen = oidc.requests.length
  job = new Job(sts, { secrets: () => [...oidc.tokens, oidc.requestToken] })
})

const oidcEnv = () => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
})
const tokenRequests = () => oidc.requests.length - oidcSeen
const webIdentityRequests = () =>
  sts.requests.filter(request => request.action === 'AssumeRoleWithWebIdentity')

async function mainStep(inputs: Record<string, string> = INPUTS, env = {}): Promise<StepResult> {
  const main = await job.run({ inputs, env: { ...oidcEnv(), ...env } })
  expect({ exitCode: main.exitCode, errors: main.errors }).toEqual({ exitCode: 0, errors: [] })
  return main
}

/** What a later step of the same job has: the runner's variables, the OIDC ones, the exports. */
function laterStepEnv(main: StepResult, extra: Record<string, string | undefined> = {}) {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: job.dir,
    NODE_OPTIONS: `--import=${GUARD}`,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: sts.url,
    // The SDK's notice about its future Node support, on Node 20: not this test's business.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    RUNNER_TEMP: job.dir,
    ...oidcEnv(),
    ...main.env,
    ...extra
  }
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1]))
  )
}

async function laterStep(
  main: StepResult,
  loader: 'ini' | 'process',
  call = false,
  extra: Record<string, string | undefined> = {}
): Promise<{ accessKeyId: string; expiration: string; arn?: string }> {
  const run = await spawnCli([LATER_STEP, loader, ...(call ? ['call'] : [])], {
    cwd: job.dir,
    env: laterStepEnv(main, extra)
  })
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' })
  return JSON.parse(run.stdout)
}

/** The profile's credential_process, run as the SDKs run it: through the shell. */
function runCredentialProcess(main: StepResult, extra = {}): Promise<CliRun> {
  return spawnCli(['-c', credentialProcess(main)], {
    command: '/bin/sh',
    cwd: job.dir,
    env: laterStepEnv(main, extra)
  })
}

function credentialProcess(main: StepResult): string {
  const config = readFileSync(main.env.AWS_CONFIG_FILE, 'utf8')
  return /^credential_process = (.*)$/m.exec(config)![1]
}

function settingsFile(main: StepResult): string {
  return /--settings-file (\S+)$/.exec(credentialProcess(main))![1].replace(/^'|'$/g, '')
}

const refreshFolders = () =>
  readdirSync(job.dir).filter(name => name.startsWith('scoped-role-refresh-'))

describe('refresh: true', () => {
  it('writes a profile whose credential_process is the bundled launcher, with no secret on disk', async () => {
    const main = await mainStep()
    const issued = sts.issued.at(-1)!
    expect(main.outputs.arn).toBe(issued.arn)
    // No fixed keys for the later steps: the profile, and where its files are.
    expect(main.env).toEqual({
      AWS_PROFILE: 'scoped-role',
      AWS_CONFIG_FILE: join(job.dir, 'no-aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(job.dir, 'no-aws', 'credentials')
    })
    const command = credentialProcess(main)
    expect(command).toBe(
      `${process.execPath} ${join(ROOT, 'dist', 'cli.cjs')} credential-process --settings-file ${settingsFile(main)}`
    )
    expect(existsSync(main.env.AWS_SHARED_CREDENTIALS_FILE)).toBe(false)
    expect(readFileSync(main.env.AWS_CONFIG_FILE, 'utf8')).toContain('region = eu-west-1')

    const file = settingsFile(main)
    expect(dirname(dirname(file))).toBe(job.dir)
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const text = readFileSync(file, 'utf8')
    const [request] = webIdentityRequests()
    expect(JSON.parse(text)).toMatchObject({
      roleArn: ROLE,
      region: 'eu-west-1',
      audience: 'sts.amazonaws.com',
      source: { kind: 'oidc' },
      policy: {
        inline: request.params.Policy,
        managedArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess']
      },
      durationSeconds: 3600,
      roleSessionName: request.params.RoleSessionName
    })
    for (const secret of [
      issued.accessKeyId,
      issued.secretAccessKey,
      issued.sessionToken,
      ...oidc.tokens,
      oidc.requestToken
    ]) {
      expect(text).not.toContain(secret)
    }
  })

  it("is read by the SDK's fromIni and fromProcess from the cache the main step filled", async () => {
    const main = await mainStep()
    const issued = sts.issued.at(-1)!
    expect([webIdentityRequests().length, tokenRequests()]).toEqual([1, 1])

    const viaIni = await laterStep(main, 'ini', true)
    expect(viaIni).toEqual({
      accessKeyId: issued.accessKeyId,
      expiration: issued.expiration.toISOString(),
      arn: issued.arn
    })
    const viaProcess = await laterStep(main, 'process')
    expect(viaProcess.accessKeyId).toBe(issued.accessKeyId)
    // Both answered from the cache: no new token, no new session; one GetCallerIdentity.
    expect([webIdentityRequests().length, tokenRequests()]).toEqual([1, 1])
    expect(sts.requests.map(request => request.action)).toEqual([
      'AssumeRoleWithWebIdentity',
      'GetCallerIdentity'
    ])
  })

  it('renews a session near its end with a new OIDC token and the identical session policy, once for ten callers', async () => {
    // Issued by a clock 896 s behind: the 900 s session ends 4 s from now.
    skewMs = -896_000
    const main = await mainStep({ ...INPUTS, 'role-duration-seconds': '900' })
    skewMs = 0
    const first = sts.issued.at(-1)!
    const cache = join(dirname(settingsFile(main)), 'credentials.json')
    const refreshAfter = Date.parse(JSON.parse(readFileSync(cache, 'utf8')).RefreshAfter)
    expect(refreshAfter).toBeLessThan(first.expiration.getTime())
    // Bounded: the cache turns stale a few seconds from now.
    while (Date.now() <= refreshAfter) await new Promise(resolve => setTimeout(resolve, 100))

    sts.setDelay(300)
    const callers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => laterStep(main, i % 2 === 0 ? 'ini' : 'process'))
    )
    const renewed = sts.issued.at(-1)!
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId)
    expect(new Set(callers.map(caller => caller.accessKeyId))).toEqual(
      new Set([renewed.accessKeyId])
    )
    // One new token, one new session, for all ten.
    expect(tokenRequests()).toBe(2)
    const requests = webIdentityRequests()
    expect(requests).toHaveLength(2)
    const { WebIdentityToken: firstToken, ...asked } = requests[0].params
    const { WebIdentityToken: secondToken, ...askedAgain } = requests[1].params
    expect(askedAgain).toEqual(asked)
    expect(askedAgain.Policy).toBe(JSON.stringify(POLICY))
    expect(askedAgain['PolicyArns.member.1.arn']).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess')
    expect(secondToken).not.toBe(firstToken)
    expect(renewed.policy).toBe(first.policy)
    expect(renewed.policyArns).toEqual(first.policyArns)
  })

  it('reports a failed renewal on one line of stderr with a non-zero exit, nothing secret', async () => {
    const main = await mainStep()
    rmSync(join(dirname(settingsFile(main)), 'credentials.json'))
    sts.injectFault(
      {
        status: 403,
        code: 'AccessDenied',
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity'
      },
      1
    )
    const denied = await runCredentialProcess(main)
    expect(denied.status).toBe(1)
    expect(denied.stdout).toBe('')
    expect(denied.stderr).toMatch(/^scoped-role: error: [^\n]*AccessDenied[^\n]*\n$/)
    expect(denied.stderr).toContain('trust policy')

    // Without the job's OIDC variables (a process started with a cleared environment).
    const cut = await runCredentialProcess(main, {
      ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined
    })
    expect(cut.status).toBe(1)
    expect(cut.stderr).toMatch(
      /^scoped-role: error: Cannot renew the session: [^\n]*id-token: write[^\n]*\n$/
    )

    // The SDK shows the same line.
    const sdk = await spawnCli([LATER_STEP, 'process'], {
      cwd: job.dir,
      env: laterStepEnv(main, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined })
    })
    expect(sdk.status).not.toBe(0)
    expect(sdk.stderr).toContain('Cannot renew the session')
    for (const run of [denied, cut, sdk]) {
      for (const secret of [
        ...oidc.tokens,
        oidc.requestToken,
        ...sts.issued.map(i => i.secretAccessKey)
      ]) {
        expect(run.stderr).not.toContain(secret)
      }
    }
  })

  it('the post step removes the profile, the settings file and the cache', async () => {
    const config = join(job.dir, 'no-aws', 'config')
    mkdirSync(dirname(config))
    writeFileSync(config, '[profile other]\nregion = us-east-1\n')
    const main = await mainStep()
    await laterStep(main, 'ini')
    expect(refreshFolders()).toHaveLength(1)
    const post = await job.run({ step: 'post', state: main.state, env: oidcEnv() })
    expect(post.exitCode).toBe(0)
    expect(post.warnings).toEqual([])
    expect(readFileSync(config, 'utf8')).toBe('[profile other]\nregion = us-east-1\n')
    expect(refreshFolders()).toEqual([])
    expect(post.env).toMatchObject({
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '',
      AWS_SHARED_CREDENTIALS_FILE: ''
    })
  })

  it('leaves a profile another step has replaced since', async () => {
    const main = await mainStep()
    const config = main.env.AWS_CONFIG_FILE
    const replaced = '[profile scoped-role]\nregion = us-east-1\n'
    writeFileSync(config, replaced)
    const post = await job.run({ step: 'post', state: main.state, env: oidcEnv() })
    expect(post.exitCode).toBe(0)
    expect(readFileSync(config, 'utf8')).toBe(replaced)
    expect(post.stdout).toContain("Left profile 'scoped-role'")
    expect(refreshFolders()).toEqual([])
  })

  it('unsets inherited keys for the later steps, which would win over the profile', async () => {
    const main = await mainStep(INPUTS, {
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
    })
    expect(main.env).toMatchObject({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'scoped-role'
    })
    expect(main.stdout).toContain(
      'Unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY for the later steps'
    )
    const later = await laterStep(main, 'ini')
    expect(later.accessKeyId).toBe(sts.issued.at(-1)!.accessKeyId)
  })

  it('renews from a source profile of the default chain (a self-hosted runner), not from itself', async () => {
    const credentials = join(job.dir, 'no-aws', 'credentials')
    const config = join(job.dir, 'no-aws', 'config')
    mkdirSync(dirname(config))
    writeFileSync(
      credentials,
      `[runner]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`
    )
    writeFileSync(config, '[profile runner]\nregion = eu-west-1\n')
    const main = await job.run({
      inputs: { ...INPUTS, 'role-to-assume': KEY_ROLE },
      env: { AWS_PROFILE: 'runner' }
    })
    expect(main.errors).toEqual([])
    expect(JSON.parse(readFileSync(settingsFile(main), 'utf8')).source).toEqual({
      kind: 'environment',
      profile: 'runner'
    })
    rmSync(join(dirname(settingsFile(main)), 'credentials.json'))
    const later = await laterStep(main, 'ini')
    const assumed = sts.requests.filter(request => request.action === 'AssumeRole')
    expect(assumed).toHaveLength(2)
    expect(assumed[1].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    expect(assumed[1].params.Policy).toBe(assumed[0].params.Policy)
    expect(later.accessKeyId).toBe(sts.issued.at(-1)!.accessKeyId)
  })

  it('works with the AWS CLI v2 where installed', async () => {
    const aws = '/root/.pyenv/shims/aws'
    const version = spawnSync(aws, ['--version'], { encoding: 'utf8' })
    if (!/^aws-cli\/2\./.test(`${version.stdout}${version.stderr}`)) {
      console.warn(
        `skipped: the AWS CLI v2 is not installed here (${aws} --version: ${(version.stdout || version.stderr || String(version.error)).trim()})`
      )
      return
    }
    const main = await mainStep()
    const arn = execFileSync(
      aws,
      [
        'sts',
        'get-caller-identity',
        '--endpoint-url',
        sts.url,
        '--query',
        'Arn',
        '--output',
        'text'
      ],
      { env: laterStepEnv(main), encoding: 'utf8' }
    ).trim()
    expect(arn).toBe(main.outputs.arn)
    expect(webIdentityRequests()).toHaveLength(1)
  })
})

describe('refresh: true refuses what it cannot renew, before any request', () => {
  const refused = async (inputs: Record<string, string>, env = {}): Promise<string> => {
    const result = await job.run({
      inputs: { ...INPUTS, ...inputs },
      env: { ...oidcEnv(), ...env }
    })
    expect(result.exitCode).toBe(1)
    expect(sts.requests).toEqual([])
    expect(result.env).toEqual({})
    expect(result.errors).toHaveLength(1)
    expect(refreshFolders()).toEqual([])
    return result.errors[0]
  }

  it('static keys given as inputs', async () => {
    expect(
      await refused({
        'aws-access-key-id': DEFAULT_USER.accessKeyId,
        'aws-secret-access-key': DEFAULT_USER.secretAccessKey
      })
    ).toMatch(
      /^aws-access-key-id: .*keep the secret access key on disk.*Use GitHub OIDC \(permissions: id-token: write\)/
    )
  })

  it('role chaining from credentials that expire', async () => {
    expect(await refused({ 'role-chaining': 'true' })).toMatch(
      /^role-chaining: .*cannot be renewed.*Use GitHub OIDC/
    )
  })

  it('fixed keys in the environment when no OIDC token can be had', async () => {
    expect(
      await refused(
        {},
        {
          ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
          AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
          AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
        }
      )
    ).toMatch(/^refresh: .*AWS_ACCESS_KEY_ID.*instance role/)
  })

  it('mode: scope', async () => {
    expect(
      await refused({ mode: 'scope', 'role-to-assume': '', 'managed-session-policies': '' })
    ).toMatch(/^refresh: cannot be used in mode: scope.*mode: assume with GitHub OIDC/)
  })

  it('fixed keys as variables or outputs', async () => {
    expect(await refused({ 'export-env': 'true' })).toMatch(/^export-env: .*AWS_PROFILE/)
    expect(await refused({ 'output-credentials': 'true' })).toMatch(/^output-credentials: /)
  })
})

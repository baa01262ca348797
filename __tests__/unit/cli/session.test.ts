import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../../local-sts/server.js'
import { UsageError } from '../../../src/cli/options.js'
import {
  credentialProcess,
  envExports,
  sessionVariables,
  startSession,
  type TerminalSession
} from '../../../src/cli/session.js'
import type { SessionRequest } from '../../../src/cli/request.js'
import { InputError } from '../../../src/shared/errors.js'
import { recordingTerminal, withProcessEnv } from '../../support/cli-process.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const OTHER_USER = {
  accessKeyId: 'AKIAOTHERUSER0EXAMPLE',
  secretAccessKey: 'other/user/secret/key/EXAMPLEKEY000000000',
  arn: 'arn:aws:iam::111122223333:user/other'
}
const ENV_KEYS = {
  AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey
}
/** What the machine running the tests may have set, and a terminal session must not depend on. */
const CLEAN = {
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_PROFILE: undefined,
  AWS_DEFAULT_PROFILE: undefined,
  USER: 'tester',
  USERNAME: undefined,
  // main sets it: the SDK's notice about Node versions is not about this program.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
}

let sts: LocalSts
let dir: string

beforeAll(async () => {
  sts = await startLocalSts({ users: [DEFAULT_USER, OTHER_USER], mfaCode: '123456' })
})
afterAll(async () => sts.close())
beforeEach(() => {
  // With AWS_PROFILE and keys both set the SDK warns on the console; which it takes is tested.
  const warn = console.warn.bind(console)
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('Multiple credential sources detected')) warn(...args)
  })
  sts.reset()
  dir = mkdtempSync(join(tmpdir(), 'scoped-role-session-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  jest.restoreAllMocks()
})

const request = (inputs: SessionRequest['inputs'], profile?: string): SessionRequest => ({
  inputs: { 'role-to-assume': ROLE, 'sts-endpoint': sts.url, ...inputs },
  ...(profile === undefined ? {} : { profile })
})

/** startSession with env keys and a region unless the test says otherwise. */
async function start(
  inputs: SessionRequest['inputs'] = {},
  env: Record<string, string | undefined> = {},
  options: { verbose?: boolean; profile?: string } = {}
) {
  const { terminal, text } = recordingTerminal(options.verbose)
  const run = () => startSession(request(inputs, options.profile), terminal)
  const result = await withProcessEnv(
    { ...CLEAN, ...ENV_KEYS, AWS_REGION: 'eu-west-1', ...env },
    () =>
      run().then(
        session => ({ session, error: undefined }),
        (error: unknown) => ({ session: undefined, error: error as Error })
      )
  )
  return { ...result, terminal, stderr: text() }
}

const assumeRequests = () => sts.requests.filter(r => r.action === 'AssumeRole')

describe('startSession', () => {
  it("assumes the role through the core's pipeline and hands on the session", async () => {
    const { session, error, stderr } = await start({ 'aws-region': 'us-west-2' })
    expect(error).toBeUndefined()
    const issued = sts.issued.at(-1)!
    expect(session).toEqual({
      credentials: {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
        expiration: issued.expiration
      },
      region: 'us-west-2',
      arn: issued.arn
    })
    expect(issued.roleArn).toBe(ROLE)
    expect(assumeRequests()).toHaveLength(1)
    expect(assumeRequests()[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    // Quiet unless asked: a credential_process or env prints nothing else.
    expect(stderr).toBe('')
  })

  it('says what it did when verbose, in the names of the options', async () => {
    const { session, stderr } = await start({}, {}, { verbose: true })
    expect(stderr).toContain(
      `scoped-role: Assumed ${session!.arn}; the credentials expire at ${session!.credentials.expiration.toISOString()}.\n`
    )
    expect(stderr).not.toMatch(/role-to-assume|inline-session-policy/)
    expect(stderr.split('\n').length).toBeGreaterThan(2)
  })

  it('warns about the session policy in the names of the options', async () => {
    const policy =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}'
    const { stderr } = await start({ 'inline-session-policy': policy })
    expect(stderr).toBe(
      'scoped-role: warning: --policy: statement 1 combines "Allow" with "NotAction": it allows every action of every service except those listed (iam:*), including services added later. List the actions the step needs in "Action" instead.\n'
    )
  })

  it.each([
    ['the user', { USER: 'alice' }, 'scoped-role-alice'],
    ['USERNAME on Windows', { USER: '', USERNAME: 'bob' }, 'scoped-role-bob'],
    ['USER before USERNAME', { USER: 'alice', USERNAME: 'bob' }, 'scoped-role-alice'],
    ['a cleaned user name', { USER: 'Jane Doe!' }, 'scoped-role-Jane_Doe'],
    ['at most 64 characters', { USER: 'a'.repeat(80) }, `scoped-role-${'a'.repeat(52)}`],
    [
      'no trailing punctuation after the cut',
      { USER: `${'a'.repeat(51)}.-x` },
      `scoped-role-${'a'.repeat(51)}`
    ],
    ['no trailing punctuation', { USER: 'al.' }, 'scoped-role-al']
  ])('names the session after %s', async (_, env, name) => {
    await start({}, env)
    expect(sts.issued.at(-1)!.sessionName).toBe(name)
  })

  it('names the session after the account when the environment names no user', async () => {
    await start({}, { USER: undefined, USERNAME: undefined })
    let user = ''
    try {
      user = userInfo().username
    } catch {
      // No passwd entry: the session is named after the tool.
    }
    const expected = user === '' ? 'scoped-role' : `scoped-role-${user}`
    expect(sts.issued.at(-1)!.sessionName).toBe(expected.replace(/[^\w+=,.@-]+/g, '_'))
  })

  it('keeps the session name given', async () => {
    await start({ 'role-session-name': 'mine' })
    expect(sts.issued.at(-1)!.sessionName).toBe('mine')
  })

  it('exports nothing and writes no job summary, whatever the environment holds', async () => {
    const summary = join(dir, 'summary.md')
    const envFile = join(dir, 'env')
    writeFileSync(summary, '')
    writeFileSync(envFile, '')
    const { error } = await start(
      {},
      { GITHUB_STEP_SUMMARY: summary, GITHUB_ENV: envFile, GITHUB_OUTPUT: envFile }
    )
    expect(error).toBeUndefined()
    expect(sts.issued).not.toHaveLength(0)
    expect(readFileSync(summary, 'utf8')).toBe('')
    expect(readFileSync(envFile, 'utf8')).toBe('')
  })

  it("ignores a GitHub job's token request variables: a terminal is never a job", async () => {
    const { error } = await start(
      {},
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'job-token',
        GITHUB_ACTIONS: 'true'
      }
    )
    expect(error).toBeUndefined()
    expect(sts.requests.map(r => r.action)).toEqual(['AssumeRole'])
  })

  describe('the source credentials', () => {
    const config = (): string => {
      const file = join(dir, 'config')
      writeFileSync(
        file,
        [
          '[profile other]',
          `aws_access_key_id = ${OTHER_USER.accessKeyId}`,
          `aws_secret_access_key = ${OTHER_USER.secretAccessKey}`,
          'region = ap-south-1',
          '[default]',
          `aws_access_key_id = ${DEFAULT_USER.accessKeyId}`,
          `aws_secret_access_key = ${DEFAULT_USER.secretAccessKey}`,
          'region = sa-east-1',
          ''
        ].join('\n')
      )
      return file
    }

    it('come from the environment keys when no profile is named', async () => {
      await start({}, { AWS_CONFIG_FILE: config() })
      expect(assumeRequests()[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    })

    it('come from --profile over the environment keys', async () => {
      await start({}, { AWS_CONFIG_FILE: config() }, { profile: 'other' })
      expect(assumeRequests()[0].accessKeyId).toBe(OTHER_USER.accessKeyId)
    })

    it('come from AWS_PROFILE over the environment keys', async () => {
      await start({}, { AWS_CONFIG_FILE: config(), AWS_PROFILE: 'other' })
      expect(assumeRequests()[0].accessKeyId).toBe(OTHER_USER.accessKeyId)
    })

    it.each([
      ['no secret key', { AWS_SECRET_ACCESS_KEY: undefined }],
      ['no access key', { AWS_ACCESS_KEY_ID: undefined }]
    ])('come from the default chain with %s in the environment', async (_, env) => {
      await start({}, { AWS_CONFIG_FILE: config(), ...env })
      expect(assumeRequests()[0].accessKeyId).toBe(DEFAULT_USER.accessKeyId)
    })

    it('fail with how to log in when there are none', async () => {
      const { error } = await start(
        {},
        { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }
      )
      expect(error?.message).toContain(
        'Log in first (e.g. aws sso login), name a profile with --profile or AWS_PROFILE'
      )
      expect(error?.message).toContain('a terminal has no GitHub OIDC token')
      expect(sts.requests).toHaveLength(0)
    })
  })

  describe('the region', () => {
    const configWith = (text: string): string => {
      const file = join(dir, 'config')
      writeFileSync(file, text)
      return file
    }
    const PROFILES = [
      '[default]',
      'region = sa-east-1',
      '[profile dev]',
      'region = ap-south-1',
      `aws_access_key_id = ${OTHER_USER.accessKeyId}`,
      `aws_secret_access_key = ${OTHER_USER.secretAccessKey}`,
      ''
    ].join('\n')

    it.each([
      ['the default profile', {}, undefined, 'sa-east-1'],
      ['--profile', {}, 'dev', 'ap-south-1'],
      ['AWS_PROFILE', { AWS_PROFILE: 'dev' }, undefined, 'ap-south-1'],
      ['AWS_DEFAULT_PROFILE', { AWS_DEFAULT_PROFILE: 'dev' }, undefined, 'ap-south-1'],
      ['--profile over AWS_PROFILE', { AWS_PROFILE: 'nope' }, 'dev', 'ap-south-1'],
      [
        'AWS_PROFILE over AWS_DEFAULT_PROFILE',
        { AWS_PROFILE: 'dev', AWS_DEFAULT_PROFILE: 'nope' },
        undefined,
        'ap-south-1'
      ]
    ])(
      'comes from the profile of %s without --region or AWS_REGION',
      async (_, env, profile, region) => {
        const { session, error } = await start(
          {},
          { AWS_REGION: undefined, AWS_CONFIG_FILE: configWith(PROFILES), ...env },
          { profile }
        )
        expect(error).toBeUndefined()
        expect(session!.region).toBe(region)
      }
    )

    it.each([
      ['AWS_REGION', { AWS_REGION: 'eu-north-1' }, 'eu-north-1'],
      [
        'AWS_DEFAULT_REGION',
        { AWS_REGION: undefined, AWS_DEFAULT_REGION: 'eu-north-1' },
        'eu-north-1'
      ]
    ])('comes from %s before the profile', async (_, env, region) => {
      const { session } = await start({}, { AWS_CONFIG_FILE: configWith(PROFILES), ...env })
      expect(session!.region).toBe(region)
    })

    it('comes from --region first', async () => {
      const { session } = await start(
        { 'aws-region': 'ca-central-1' },
        { AWS_CONFIG_FILE: configWith(PROFILES) }
      )
      expect(session!.region).toBe('ca-central-1')
    })

    it.each([
      ['default', {}, undefined],
      ['dev', {}, 'dev'],
      ['dev', { AWS_PROFILE: 'dev' }, undefined]
    ])(
      "is an input error when profile '%s' names none, before any request",
      async (name, env, profile) => {
        const { error } = await start(
          {},
          {
            AWS_REGION: undefined,
            AWS_CONFIG_FILE: configWith('[profile x]\nregion = x\n'),
            ...env
          },
          { profile }
        )
        expect(error).toBeInstanceOf(InputError)
        expect(error!.message).toBe(
          `aws-region: is not set: no --region, no AWS_REGION and no region in profile '${name}'. Pass e.g. --region eu-west-1, or add region = eu-west-1 to the profile.`
        )
        expect(sts.requests).toHaveLength(0)
      }
    )
  })

  describe('MFA', () => {
    const SERIAL = 'arn:aws:iam::111122223333:mfa/me'

    it('sends the code given, and masks it', async () => {
      const { error, terminal } = await start({
        'mfa-serial-number': SERIAL,
        'mfa-token-code': '123456'
      })
      expect(error).toBeUndefined()
      expect(assumeRequests()[0].params).toMatchObject({
        SerialNumber: SERIAL,
        TokenCode: '123456'
      })
      expect(terminal.redact('code 123456')).toBe('code ***')
    })

    it('asks for the code without a terminal only to say how to pass it', async () => {
      const { error } = await start({ 'mfa-serial-number': SERIAL })
      expect(error).toBeInstanceOf(InputError)
      expect(error!.message).toBe(
        `mfa-token-code: is not given, and there is no terminal to ask for the code of ${SERIAL}. Pass --mfa-code with the 6-digit code the device shows now.`
      )
      expect(sts.requests).toHaveLength(0)
    })

    it('checks the other options before asking for the code', async () => {
      const { error, stderr } = await start({
        'mfa-serial-number': SERIAL,
        'role-duration-seconds': '60',
        'inline-session-policy':
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}'
      })
      expect(error!.message).toMatch(/^role-duration-seconds: '60' is not a whole number/)
      expect(stderr).toBe('')
    })

    it('warns about the policy before asking for the code', async () => {
      const { error, stderr } = await start({
        'mfa-serial-number': SERIAL,
        'inline-session-policy':
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}'
      })
      expect(error!.message).toMatch(/^mfa-token-code: is not given/)
      expect(stderr).toMatch(/^scoped-role: warning: --policy: statement 1 combines/)
    })
  })

  it("masks the proxy's password", async () => {
    const { terminal } = await start({
      'http-proxy': 'http://user:proxy-password@127.0.0.1:9',
      'retry-max-attempts': '1'
    })
    expect(terminal.redact('proxy-password')).toBe('***')
  })

  it('refuses a proxy it cannot use, before any request', async () => {
    const { error } = await start({ 'http-proxy': 'socks5://127.0.0.1:9' })
    expect(error).toBeInstanceOf(Error)
    expect(sts.requests).toHaveLength(0)
  })
})

describe('credentialProcess', () => {
  const env = () => ({ ...CLEAN, ...ENV_KEYS, AWS_REGION: 'eu-west-1' })

  it('asks STS every time without a cache file', async () => {
    const { terminal } = recordingTerminal()
    const answers = await withProcessEnv(env(), async () => [
      await credentialProcess(request({}), undefined, terminal),
      await credentialProcess(request({}), undefined, terminal)
    ])
    expect(assumeRequests()).toHaveLength(2)
    const issued = sts.issued.at(-1)!
    expect(answers[1]).toEqual({
      Version: 1,
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: issued.expiration.toISOString()
    })
  })

  it('answers from the cache file while it is fresh', async () => {
    const { terminal } = recordingTerminal()
    const file = join(dir, 'cache', 'answer.json')
    const answers = await withProcessEnv(env(), async () => [
      await credentialProcess(request({}), file, terminal),
      await credentialProcess(request({}), file, terminal)
    ])
    expect(assumeRequests()).toHaveLength(1)
    expect(answers[1]).toEqual(answers[0])
    expect(answers[0].AccessKeyId).toBe(sts.issued.at(-1)!.accessKeyId)
  })
})

const SESSION: TerminalSession = {
  credentials: {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: "it's/a\\secret+",
    sessionToken: 'token=="quoted"',
    expiration: new Date('2030-01-02T03:04:05.000Z')
  },
  region: 'eu-west-1',
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/me'
}

describe('sessionVariables', () => {
  it('names the credentials, both region variables and the expiry', () => {
    expect(sessionVariables(SESSION)).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: "it's/a\\secret+",
      AWS_SESSION_TOKEN: 'token=="quoted"',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05.000Z'
    })
  })
})

describe('envExports', () => {
  it('writes sh, unsetting the profiles and quoting every value', () => {
    expect(envExports(SESSION, 'sh')).toBe(
      [
        'unset AWS_PROFILE AWS_DEFAULT_PROFILE',
        "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'",
        "export AWS_SECRET_ACCESS_KEY='it'\\''s/a\\secret+'",
        `export AWS_SESSION_TOKEN='token=="quoted"'`,
        "export AWS_REGION='eu-west-1'",
        "export AWS_DEFAULT_REGION='eu-west-1'",
        "export AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05.000Z'",
        ''
      ].join('\n')
    )
  })

  it('writes fish, escaping quotes and backslashes', () => {
    expect(envExports(SESSION, 'fish')).toBe(
      [
        'set -e AWS_PROFILE',
        'set -e AWS_DEFAULT_PROFILE',
        "set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE'",
        "set -gx AWS_SECRET_ACCESS_KEY 'it\\'s/a\\\\secret+'",
        `set -gx AWS_SESSION_TOKEN 'token=="quoted"'`,
        "set -gx AWS_REGION 'eu-west-1'",
        "set -gx AWS_DEFAULT_REGION 'eu-west-1'",
        "set -gx AWS_CREDENTIAL_EXPIRATION '2030-01-02T03:04:05.000Z'",
        ''
      ].join('\n')
    )
  })

  it('writes PowerShell, doubling single quotes', () => {
    expect(envExports(SESSION, 'powershell')).toBe(
      [
        'Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue',
        'Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue',
        "$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'",
        "$Env:AWS_SECRET_ACCESS_KEY = 'it''s/a\\secret+'",
        `$Env:AWS_SESSION_TOKEN = 'token=="quoted"'`,
        "$Env:AWS_REGION = 'eu-west-1'",
        "$Env:AWS_DEFAULT_REGION = 'eu-west-1'",
        "$Env:AWS_CREDENTIAL_EXPIRATION = '2030-01-02T03:04:05.000Z'",
        ''
      ].join('\n')
    )
  })

  it('writes dotenv with JSON-quoted values', () => {
    expect(envExports(SESSION, 'dotenv')).toBe(
      [
        'AWS_ACCESS_KEY_ID="ASIAEXAMPLE"',
        'AWS_SECRET_ACCESS_KEY="it\'s/a\\\\secret+"',
        'AWS_SESSION_TOKEN="token==\\"quoted\\""',
        'AWS_REGION="eu-west-1"',
        'AWS_DEFAULT_REGION="eu-west-1"',
        'AWS_CREDENTIAL_EXPIRATION="2030-01-02T03:04:05.000Z"',
        ''
      ].join('\n')
    )
  })

  it('writes JSON, indented, with a final newline', () => {
    expect(envExports(SESSION, 'json')).toBe(
      `${JSON.stringify(sessionVariables(SESSION), null, 2)}\n`
    )
    expect(envExports(SESSION, 'json')).toMatch(/^\{\n {2}"AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",\n/)
  })

  it('refuses another format, listing the formats', () => {
    expect(() => envExports(SESSION, 'bash')).toThrow(
      new UsageError(
        "--format 'bash' is not a format; write one of sh, fish, powershell, dotenv, json."
      )
    )
    try {
      envExports(SESSION, 'bash')
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).command).toBe('env')
    }
  })

  it('quotes every value so a shell runs none of it', () => {
    const hostile = { ...SESSION, region: "x'; rm -rf / #" }
    expect(envExports(hostile, 'sh')).toContain("export AWS_REGION='x'\\''; rm -rf / #'")
    expect(envExports(hostile, 'fish')).toContain("set -gx AWS_REGION 'x\\'; rm -rf / #'")
    expect(envExports(hostile, 'powershell')).toContain("$Env:AWS_REGION = 'x''; rm -rf / #'")
  })
})

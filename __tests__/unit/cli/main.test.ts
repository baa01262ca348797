import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../../local-sts/server.js'
import { main } from '../../../src/cli/main.js'
import { COMMANDS, commandHelp } from '../../../src/cli/options.js'
import { VERSION } from '../../../src/cli/version.js'
import { TEST_UPSTREAM_VARIABLE } from '../../../src/cli/record.js'
import { captureStdio, withProcessEnv } from '../../support/cli-process.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const GOOD_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'

let sts: LocalSts
let dir: string

beforeAll(async () => {
  sts = await startLocalSts()
})
afterAll(async () => sts.close())
beforeEach(() => {
  sts.reset()
  dir = mkdtempSync(join(tmpdir(), 'scoped-role-main-'))
  mkdirSync(join(dir, '.git'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** main(argv) with source keys, a cache and config of its own, and its output. */
function run(argv: readonly string[], env: Record<string, string | undefined> = {}) {
  return withProcessEnv(
    {
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      AWS_PROFILE: undefined,
      XDG_CACHE_HOME: join(dir, 'cache'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env
    },
    () =>
      captureStdio(async () => {
        const status = await main(argv)
        envAfterRun = { ...process.env }
        return status
      })
  )
}

/** The environment the last run left behind, before the test's variables were put back. */
let envAfterRun: Record<string, string | undefined> = {}

const assumeRequests = () => sts.requests.filter(r => r.action === 'AssumeRole')

/** The session options that send a request to the local STS. */
const session = () => ['--role', ROLE, '--endpoint', sts.url]

const usage = (message: string, command?: string) =>
  `scoped-role: error: ${message}\nscoped-role: see: scoped-role ${command ? `${command} ` : ''}--help\n`

const GENERAL_HELP = [
  `scoped-role ${VERSION}: assume an AWS IAM role with a session policy, checked before STS sees it.`,
  '',
  'Usage: scoped-role COMMAND [PRESET] [options]',
  '',
  'Commands:',
  '  exec                run COMMAND with the narrowed session in its environment',
  '  env                 print the narrowed session as shell exports',
  "  credential-process  print the session for a profile's credential_process, cached",
  '  check               check session policy files offline, as the action does before STS',
  '  record              run COMMAND as it is, record its AWS calls, propose the session policy they need',
  '',
  'scoped-role COMMAND --help lists the options of a command; --version prints the version.',
  '',
  'Presets: [NAME] sections in .scoped-role.ini (the nearest above the working directory) or in',
  "the user's config.ini ($XDG_CONFIG_HOME/scoped-role, default ~/.config/scoped-role; on Windows",
  '%APPDATA%\\scoped-role); keys are the options without the dashes. Options given override them.',
  '',
  'Source credentials come from the AWS SDK default chain (environment, --profile or AWS_PROFILE,',
  'SSO, credential_process, instance roles).',
  '',
  "Exit status: exec ends with the command's status (128+N after signal N); otherwise 0 on",
  'success, 1 when AWS or the session policy check says no (check: findings), 2 for a usage',
  'error or an invalid option.',
  ''
].join('\n')

describe('main: help and version', () => {
  it.each(['--version', '-V'])('prints the version for %s', async flag => {
    expect(await run([flag, 'ignored'])).toEqual({ value: 0, stdout: `${VERSION}\n`, stderr: '' })
  })

  it.each(['--help', '-h', 'help'])('prints the general help on stdout for %s', async flag => {
    expect(await run([flag])).toEqual({ value: 0, stdout: GENERAL_HELP, stderr: '' })
  })

  it('prints the general help on stderr, as a usage error, without a command', async () => {
    expect(await run([])).toEqual({ value: 2, stdout: '', stderr: GENERAL_HELP })
  })

  it.each(COMMANDS.map(c => [c.name, c] as const))(
    "prints %s's own help for --help, whatever else is given",
    async (name, command) => {
      expect(await run([name, '--help'])).toEqual({
        value: 0,
        stdout: commandHelp(command),
        stderr: ''
      })
    }
  )
})

describe('main: usage errors', () => {
  it('names the nearest command for a misspelt one', async () => {
    expect(await run(['exce'])).toEqual({
      value: 2,
      stdout: '',
      stderr: usage(
        "'exce' is not a command (did you mean 'exec'?); the commands are exec, env, credential-process, check, record."
      )
    })
  })

  it('lists the commands for a word that is none', async () => {
    expect((await run(['deploy'])).stderr).toBe(
      usage(
        "'deploy' is not a command; the commands are exec, env, credential-process, check, record."
      )
    )
  })

  it("points at the command's help for a mistake in its options", async () => {
    expect(await run(['env', '--rgion', 'x'])).toEqual({
      value: 2,
      stdout: '',
      stderr: usage('unknown option --rgion; did you mean --region?', 'env')
    })
  })

  it.each([
    ['exec', ['--role', ROLE]],
    ['exec', ['--role', ROLE, '--']],
    ['record', []],
    ['record', ['--format', 'json', '--']]
  ])('asks %s for the command to run after --', async (name, args) => {
    expect(await run([name, ...args])).toEqual({
      value: 2,
      stdout: '',
      stderr: usage('give the command to run after --, e.g. -- aws sts get-caller-identity.', name)
    })
  })

  it.each(['env', 'credential-process'])('refuses a command to run for %s', async name => {
    expect(await run([name, '--role', ROLE, '--', 'ls'])).toEqual({
      value: 2,
      stdout: '',
      stderr: usage(`scoped-role ${name} runs no command; remove the -- and what follows.`, name)
    })
    expect(sts.requests).toHaveLength(0)
  })

  it('checks the env format before asking STS', async () => {
    expect(await run(['env', ...session(), '--format', 'bash'])).toEqual({
      value: 2,
      stdout: '',
      stderr: usage(
        "--format 'bash' is not a format; write one of sh, fish, powershell, dotenv, json.",
        'env'
      )
    })
    expect(sts.requests).toHaveLength(0)
  })

  it("points a preset's usage error at the command's help", async () => {
    const result = await run(['env', 'nopreset', ...session()])
    expect(result.value).toBe(2)
    expect(result.stderr).toMatch(/^scoped-role: error: no preset named 'nopreset' \(looked in /)
    expect(result.stderr).toMatch(/\nscoped-role: see: scoped-role env --help\n$/)
    expect(sts.requests).toHaveLength(0)
  })

  it('refuses a second positional argument, saying where the command goes for exec', async () => {
    expect((await run(['exec', 'preview', 'aws', '--', 'ls'])).stderr).toBe(
      usage("unexpected 'aws'; put -- before the command to run.", 'exec')
    )
    expect((await run(['env', 'preview', 'aws'])).stderr).toBe(usage("unexpected 'aws'.", 'env'))
  })

  it('runs a record with a command, and serves one with --serve alone', async () => {
    const bad = { [TEST_UPSTREAM_VARIABLE]: 'http://example.com' }
    const upstream = usage(
      `${TEST_UPSTREAM_VARIABLE} must be http://127.0.0.1:PORT (it is for tests); unset it.`,
      'record'
    )
    // --serve takes no format: only a recording of a command reads it.
    expect((await run(['record', '--serve', dir, '--format', 'nope'], bad)).stderr).toBe(upstream)
    expect((await run(['record', '--format', 'nope', '--', 'true'], bad)).stderr).toBe(
      usage("--format 'nope' is not a format; write one of summary, json.", 'record')
    )
    expect((await run(['record', '--', 'true'], bad)).stderr).toBe(upstream)
  })
})

describe('main: check', () => {
  it('checks the files named and exits with the findings', async () => {
    const good = join(dir, 'good.json')
    const bad = join(dir, 'bad.json')
    writeFileSync(good, GOOD_POLICY)
    writeFileSync(bad, GOOD_POLICY.replace('s3:GetObject', 's3:GetObjekt'))
    expect(await run(['check', good])).toEqual({ value: 0, stdout: '', stderr: '' })
    const failed = await run(['check', good, bad])
    expect(failed.value).toBe(1)
    expect(failed.stdout).toMatch(
      new RegExp(`^${bad}:1:\\d+: error: statement 1 has "s3:GetObjekt"`)
    )
  })

  it('reports its usage errors with the check help', async () => {
    expect(await run(['check'])).toEqual({
      value: 2,
      stdout: '',
      stderr: usage(
        'name at least one policy file, e.g. scoped-role check policies/*.json.',
        'check'
      )
    })
  })
})

describe('main: sessions', () => {
  it('prints the session as exports for env', async () => {
    const result = await run(['env', ...session()])
    const issued = sts.issued.at(-1)!
    expect(result.value).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain(`export AWS_ACCESS_KEY_ID='${issued.accessKeyId}'\n`)
    expect(result.stdout).toMatch(/^unset AWS_PROFILE AWS_DEFAULT_PROFILE\n/)
  })

  it('prints the format asked for', async () => {
    const result = await run(['env', ...session(), '--format=json'])
    expect(JSON.parse(result.stdout).AWS_ACCESS_KEY_ID).toBe(sts.issued.at(-1)!.accessKeyId)
  })

  it('says what happens on stderr with --verbose', async () => {
    const result = await run(['env', ...session(), '--verbose'])
    expect(result.stderr).toContain(`scoped-role: Assumed ${sts.issued.at(-1)!.arn}; `)
  })

  it('silences the SDK notice about Node versions, unless the user set it', async () => {
    const after = async (value: string | undefined) => {
      await run(['env', ...session()], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: value })
      return envAfterRun.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
    }
    expect(await after(undefined)).toBe('true')
    expect(await after('false')).toBe('false')
  })

  it('answers credential-process from its cache until --no-cache', async () => {
    const first = await run(['credential-process', ...session()])
    const second = await run(['credential-process', ...session()])
    expect(first.value).toBe(0)
    expect(second).toEqual(first)
    expect(assumeRequests()).toHaveLength(1)
    const issued = sts.issued.at(-1)!
    expect(JSON.parse(first.stdout)).toEqual({
      Version: 1,
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: issued.expiration.toISOString()
    })
    expect(first.stdout.endsWith('}\n')).toBe(true)
    const fresh = await run(['credential-process', ...session(), '--no-cache'])
    expect(assumeRequests()).toHaveLength(2)
    expect(JSON.parse(fresh.stdout).AccessKeyId).toBe(sts.issued.at(-1)!.accessKeyId)
  })

  it('renews from a settings file, failing in one line when it cannot be read', async () => {
    const file = join(dir, 'missing', 'settings.json')
    const result = await run(['credential-process', '--settings-file', file])
    expect(result.value).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      new RegExp(`^scoped-role: error: Cannot read the refresh settings ${file}: ENOENT[^\\n]*\\n$`)
    )
  })

  it('runs the command of exec with the session, and ends with its status', async () => {
    const out = join(dir, 'child.json')
    const script = `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env)); process.exit(7)`
    const result = await run(['exec', ...session(), '--', process.execPath, '-e', script], {
      AWS_PROFILE: undefined,
      AWS_DEFAULT_PROFILE: 'broad'
    })
    expect(result.value).toBe(7)
    const env = JSON.parse(readFileSync(out, 'utf8'))
    expect(env.AWS_ACCESS_KEY_ID).toBe(sts.issued.at(-1)!.accessKeyId)
    expect(env.AWS_DEFAULT_PROFILE).toBeUndefined()
  })
})

describe('main: failures', () => {
  it('maps an input error to the option, with status 2', async () => {
    expect(await run(['env', ...session(), '--duration', 'abc'])).toEqual({
      value: 2,
      stdout: '',
      stderr:
        "scoped-role: error: --duration: 'abc' is not a whole number of seconds from 900 (15 minutes) to 43200 (12 hours). Write e.g. 3600; the role's maximum session duration must also allow it.\n"
    })
  })

  it('shows each line of a multi-line error on its own, with status 2 for input', async () => {
    const result = await run([
      'env',
      ...session(),
      '--policy',
      '{"Statement":[{"Effect":"Allow"},{"Effect":"Deny"}]}'
    ])
    expect(result.value).toBe(2)
    const lines = result.stderr.split('\n')
    expect(lines[0]).toBe('scoped-role: error: --policy: has 4 problems:')
    expect(lines).toHaveLength(6)
    expect(
      lines.slice(1, 5).every(line => line.startsWith('scoped-role: error: - statement '))
    ).toBe(true)
  })

  it('maps an action error to the options, with status 1', async () => {
    expect(await run(['env', ...session(), '--allowed-account', '999999999999'])).toEqual({
      value: 1,
      stdout: '',
      stderr:
        'scoped-role: error: The role is in account 111122223333, which is not in --allowed-account (999999999999). Nothing was exported. Check --role, or add the account to --allowed-account.\n'
    })
  })

  it('shows any other error as it is, without its blank lines, with status 1', async () => {
    // The cache folder's path is in the message: input names in it are not about any option.
    const cache = join(dir, 'role-to-assume: x\n \n\naws-region')
    const folder = join(cache, 'scoped-role', 'credential-process')
    mkdirSync(folder, { recursive: true })
    chmodSync(folder, 0o777)
    const head = join(dir, 'role-to-assume: x')
    const tail = 'aws-region/scoped-role/credential-process'
    expect(await run(['credential-process', ...session()], { XDG_CACHE_HOME: cache })).toEqual({
      value: 1,
      stdout: '',
      stderr: [
        `scoped-role: error: the credential cache directory ${head}`,
        `scoped-role: error: ${tail} can be written by other accounts; run chmod 700 ${head}`,
        `scoped-role: error: ${tail}, or choose another cache directory`,
        ''
      ].join('\n')
    })
    expect(assumeRequests()).toHaveLength(0)
  })

  it('says STS said no, with status 1', async () => {
    sts.injectFault({ status: 403, code: 'AccessDenied', message: 'not authorized to assume' })
    const result = await run(['env', ...session(), '--retry-max-attempts', '1'])
    expect(result.value).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^scoped-role: error: .*not authorized to assume/)
  })
})

/**
 * The bundled command line against the local STS endpoint: exec, env, credential-process (as
 * the AWS SDK's own credential_process loader runs it), presets, the MFA prompt on a
 * pseudo-terminal, and the errors a person sees.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { dirname, join } from 'node:path'
import { DEFAULT_USER, startLocalSts, type LocalSts } from '../../local-sts/server.js'
import { CLI, Terminal, spawnCli } from './cli-harness.js'
import { ROOT } from './harness.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const MFA_ROLE = 'arn:aws:iam::111122223333:role/release'
const MFA_SERIAL = 'arn:aws:iam::111122223333:mfa/octocat'
const BASE = [`--role`, ROLE, '--region', 'eu-west-1']
const POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::artifacts/*' }]
}
/** The variables a narrowed session gives a process. */
const SESSION_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE'
]
/** A child that reports those variables and its arguments, then exits with the status it is told to. */
const REPORT = [
  'node',
  '-e',
  `console.log(JSON.stringify({ env: Object.fromEntries(${JSON.stringify(SESSION_VARIABLES)}.map(name => [name, process.env[name] ?? null])), args: process.argv.slice(1) })); process.exit(Number(process.argv[1]))`
]

/** What those variables must hold for the session STS issued last: no profile to fall back to. */
function sessionEnvironment(region = 'eu-west-1'): Record<string, string | null> {
  const issued = sts.issued.at(-1)!
  return {
    AWS_ACCESS_KEY_ID: issued.accessKeyId,
    AWS_SECRET_ACCESS_KEY: issued.secretAccessKey,
    AWS_SESSION_TOKEN: issued.sessionToken,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_CREDENTIAL_EXPIRATION: issued.expiration.toISOString(),
    AWS_PROFILE: null,
    AWS_DEFAULT_PROFILE: null
  }
}

let sts: LocalSts
let terminal: Terminal

beforeAll(async () => {
  sts = await startLocalSts({
    roles: [{ arn: ROLE }, { arn: MFA_ROLE, requireMfa: true }],
    mfaCode: '123456'
  })
})
afterAll(async () => sts.close())
beforeEach(() => {
  sts.reset()
  terminal = new Terminal(sts)
})

const stsRequests = (action = 'AssumeRole'): number =>
  sts.requests.filter(request => request.action === action).length

describe('scoped-role exec', () => {
  it('runs the command with the narrowed session, without the profile it came from, and exits with its status', async () => {
    // The source identity comes from a named profile, as on a laptop.
    const credentials = join(terminal.home, 'credentials')
    writeFileSync(
      credentials,
      `[broad]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`
    )
    const run = await terminal.run(
      [
        'exec',
        ...BASE,
        '--policy',
        JSON.stringify(POLICY),
        '--managed',
        'ReadOnlyAccess',
        '--',
        ...REPORT,
        '7',
        'two words'
      ],
      {
        env: {
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
          AWS_SHARED_CREDENTIALS_FILE: credentials,
          AWS_PROFILE: 'broad',
          AWS_DEFAULT_PROFILE: 'broad'
        }
      }
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(7)
    expect(JSON.parse(run.stdout)).toEqual({ env: sessionEnvironment(), args: ['7', 'two words'] })
    const issued = sts.issued.at(-1)!
    expect(issued.roleArn).toBe(ROLE)
    expect(issued.sourceArn).toBe(DEFAULT_USER.arn)
    expect(JSON.parse(issued.policy!)).toEqual(POLICY)
    expect(issued.policyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess'])
    expect(issued.sessionName).toBe('scoped-role-octocat')
  })

  it('passes stdin through and exits 0 with the command', async () => {
    const run = await terminal.run(
      ['exec', ...BASE, '--', 'node', '-e', 'process.stdin.pipe(process.stdout)'],
      { input: 'piped through\n' }
    )
    expect(run).toMatchObject({ status: 0, stdout: 'piped through\n', stderr: '' })
  })

  it('ends with the signal that ended the command', async () => {
    const run = await terminal.run([
      'exec',
      ...BASE,
      '--',
      'node',
      '-e',
      "process.kill(process.pid, 'SIGTERM')"
    ])
    expect(run.signal).toBe('SIGTERM')
  })

  it('passes a SIGTERM sent to it on to the command', async () => {
    const run = await terminal.run(
      [
        'exec',
        ...BASE,
        '--',
        'node',
        '-e',
        "process.on('SIGTERM', () => { console.log('command got SIGTERM'); process.exit(42) }); console.log('ready'); setInterval(() => {}, 1000)"
      ],
      {
        started: child =>
          child.stdout!.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('ready')) child.kill('SIGTERM')
          })
      }
    )
    expect(run.stdout).toContain('command got SIGTERM')
    expect(run.status).toBe(42)
  })

  it('says so when the command does not exist: 127, as a shell', async () => {
    const run = await terminal.run(['exec', ...BASE, '--', 'no-such-command-here'])
    expect(run.status).toBe(127)
    expect(run.stderr).toBe(
      "scoped-role: error: cannot run 'no-such-command-here': not found on PATH.\n"
    )
  })

  it('refuses bad options before any request, one line per problem naming the option', async () => {
    const run = await terminal.run([
      'exec',
      '--role',
      'not a role',
      '--region',
      'eu-west-1',
      '--',
      'true'
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(
      /^scoped-role: error: --role: 'not a role' contains a space at character 4; /
    )
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    const typo = await terminal.run(['exec', ...BASE, '--polcy', '{}', '--', 'true'])
    expect(typo.status).toBe(2)
    expect(typo.stderr).toContain('unknown option --polcy; did you mean --policy?')
    const noCommand = await terminal.run(['exec', ...BASE])
    expect(noCommand.status).toBe(2)
    expect(sts.requests).toHaveLength(0)
  })

  it('refuses a proxy that STS would bypass, without showing its password', async () => {
    const run = await terminal.run([
      'exec',
      ...BASE,
      '--proxy',
      'http://builder:Pr0xy%2Fpass@127.0.0.1:9',
      '--',
      'true'
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^scoped-role: error: --proxy: .*would not be used/)
    expect(run.stderr).not.toMatch(/Pr0xy/)
    expect(sts.requests).toHaveLength(0)
  })

  it('words the core messages for a terminal: no job, step or workflow to speak of', async () => {
    const runnerWords = /\b(job|step|workflow|this action|actions\/checkout)\b/i
    const missing = await terminal.run(['exec', ...BASE, '--policy-file', 'no.json', '--', 'true'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(
      /^scoped-role: error: --policy-file: cannot read '.*no\.json' \(.*ENOENT.*\)\. Give a path relative to the working directory \(in a preset, relative to the preset's file\), and check that the file is there\.\n$/
    )
    sts.injectFault({ status: 400, code: 'Throttling', message: 'Rate exceeded' }, 5)
    const throttled = await terminal.run([
      'exec',
      ...BASE,
      '--retry-max-attempts',
      '2',
      '--',
      'true'
    ])
    expect(throttled.status).toBe(1)
    expect(throttled.stderr).toContain(
      'this is usually passing throttling or an outage. Run the command again; if it repeats, raise --retry-max-attempts or --retry-max-seconds'
    )
    sts.reset()
    const noSource = await terminal.run(['exec', ...BASE, '--', 'true'], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }
    })
    expect(noSource.status).toBe(1)
    expect(noSource.stderr).toContain('a terminal has no GitHub OIDC token')
    expect(noSource.stderr).toContain('Log in first (e.g. aws sso login)')
    for (const run of [missing, throttled, noSource]) {
      expect(run.stderr).not.toMatch(runnerWords)
      expect(run.stderr).not.toContain('    at ')
    }
    expect(sts.requests.filter(request => request.action === 'AssumeRole')).toHaveLength(0)
  })

  it('explains a refusal by STS in one line, without a stack trace or a secret, and runs nothing', async () => {
    const run = await terminal.run([
      'exec',
      '--role',
      'arn:aws:iam::111122223333:role/unknown',
      '--region',
      'eu-west-1',
      '--',
      'node',
      '-e',
      "console.log('ran')"
    ])
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^scoped-role: error: .*AccessDenied/)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('scoped-role env', () => {
  it('prints exports that sh evaluates to the session, removing the inherited profile', async () => {
    const run = await terminal.run(['env', ...BASE])
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('')
    const shell = await spawnCli(
      [
        '-c',
        'AWS_PROFILE=broad; export AWS_PROFILE; eval "$1"; shift; exec "$@"',
        'sh',
        run.stdout,
        ...REPORT,
        '0'
      ],
      { command: 'sh', cwd: terminal.home, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }
    )
    expect(JSON.parse(shell.stdout).env).toEqual(sessionEnvironment())
  })

  it('prints fish, PowerShell, dotenv and JSON', async () => {
    const tokens: Record<string, { output: string; token: string }> = {}
    for (const format of ['fish', 'powershell', 'dotenv', 'json']) {
      const run = await terminal.run(['env', ...BASE, '--format', format])
      expect(run.status).toBe(0)
      tokens[format] = { output: run.stdout, token: sts.issued.at(-1)!.sessionToken }
    }
    const { fish, powershell, dotenv, json } = tokens
    expect(fish.output).toContain(`set -gx AWS_SESSION_TOKEN '${fish.token}'`)
    expect(fish.output).toContain('set -e AWS_PROFILE')
    expect(powershell.output).toContain(`$Env:AWS_SESSION_TOKEN = '${powershell.token}'`)
    expect(dotenv.output).toContain(`AWS_SESSION_TOKEN="${dotenv.token}"`)
    expect(JSON.parse(json.output).AWS_SESSION_TOKEN).toBe(json.token)
  })

  it('refuses an unknown format before asking STS', async () => {
    const run = await terminal.run(['env', ...BASE, '--format', 'zsh'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      "--format 'zsh' is not a format; write one of sh, fish, powershell, dotenv, json."
    )
    expect(sts.requests).toHaveLength(0)
  })
})

describe('scoped-role credential-process', () => {
  /** An AWS config file whose profile runs the CLI, as a person would write it. */
  function configWithProfile(extra = ''): string {
    const env = terminal.env()
    const assignments = [
      'HOME',
      'NODE_OPTIONS',
      'AWS_EC2_METADATA_DISABLED',
      'AWS_ENDPOINT_URL_STS',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'XDG_CACHE_HOME',
      'XDG_CONFIG_HOME'
    ].map(name => `${name}=${env[name]}`)
    const file = join(terminal.home, 'aws-config')
    writeFileSync(
      file,
      `[profile narrowed]\ncredential_process = env ${assignments.join(' ')} ${process.execPath} ${CLI} credential-process ${BASE.join(' ')} --managed ReadOnlyAccess${extra}\n`
    )
    return file
  }

  async function loadThroughSdk(configFilepath: string) {
    const { fromProcess } = await import('@aws-sdk/credential-provider-process')
    // A new provider each time: the SDK's own memoising must not hide a second process run.
    return fromProcess({
      profile: 'narrowed',
      configFilepath,
      filepath: join(terminal.home, 'no-credentials'),
      ignoreCache: true
    })()
  }

  it("is read by the SDK's credential_process loader, and a second process answers from the cache", async () => {
    const config = configWithProfile()
    const first = await loadThroughSdk(config)
    const second = await loadThroughSdk(config)
    const issued = sts.issued.at(-1)!
    expect(first).toMatchObject({
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiration: issued.expiration
    })
    expect(second.accessKeyId).toBe(first.accessKeyId)
    expect(stsRequests()).toBe(1)
    expect(issued.policyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess'])

    const dir = join(terminal.home, 'cache', 'scoped-role', 'credential-process')
    const [file] = readdirSync(dir).filter(name => name.endsWith('.json'))
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600)
  })

  it('asks STS again once the cached session is near its expiry', async () => {
    const run = () => terminal.run(['credential-process', ...BASE])
    const first = JSON.parse((await run()).stdout)
    const dir = join(terminal.home, 'cache', 'scoped-role', 'credential-process')
    const file = join(
      dir,
      readdirSync(dir).find(name => name.endsWith('.json'))!
    )
    const entry = JSON.parse(readFileSync(file, 'utf8'))
    writeFileSync(
      file,
      JSON.stringify({ ...entry, RefreshAfter: new Date(Date.now() - 1000).toISOString() })
    )
    const second = JSON.parse((await run()).stdout)
    expect(first).toMatchObject({ Version: 1 })
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId)
    expect(stsRequests()).toBe(2)
  })

  it('makes one STS request for ten processes started together', async () => {
    sts.setDelay(300)
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => terminal.run(['credential-process', ...BASE]))
    )
    expect(runs.map(run => run.status)).toEqual(Array(10).fill(0))
    expect(new Set(runs.map(run => JSON.parse(run.stdout).AccessKeyId)).size).toBe(1)
    expect(stsRequests()).toBe(1)
  })

  it('answers a fresh cache from the launcher alone, with the key the command line stored under', async () => {
    // A preset and a policy file: the launcher derives the key from both, as the command line does.
    writeFileSync(join(terminal.home, 'work', 'policy.json'), JSON.stringify(POLICY))
    writeFileSync(
      join(terminal.home, 'work', '.scoped-role.ini'),
      `[preview]\nrole = ${ROLE}\nregion = eu-west-1\npolicy-file = policy.json\n`
    )
    const args = ['credential-process', 'preview', '--managed', 'ReadOnlyAccess']
    const filled = await terminal.run(args)
    expect(filled.status).toBe(0)
    // The launcher without the command line beside it: whatever it answers, it answers alone.
    const lone = join(terminal.home, 'launcher-only', 'scoped-role.cjs')
    mkdirSync(dirname(lone))
    copyFileSync(CLI, lone)
    const run = (argv: readonly string[]) =>
      spawnCli([lone, ...argv], { cwd: join(terminal.home, 'work'), env: terminal.env() })
    const cached = await run(args)
    expect(cached).toMatchObject({ status: 0, stderr: '' })
    expect(JSON.parse(cached.stdout)).toEqual(JSON.parse(filled.stdout))
    expect(stsRequests()).toBe(1)

    // Any other request is the command line's: here, missing, a one-line error.
    for (const other of [[...args, '--duration', '1800'], [...args, '--help'], ['--version']]) {
      const missed = await run(other)
      expect(missed.status).toBe(1)
      expect(missed.stdout).toBe('')
      expect(missed.stderr).toMatch(/^scoped-role: error: cannot load \S+cli\.js: Error.*\n$/)
    }
    expect(stsRequests()).toBe(1)
  })

  it('keys the cache by the options and never stores the MFA code', async () => {
    const mfa = ['--role', MFA_ROLE, '--region', 'eu-west-1', '--mfa-serial', MFA_SERIAL]
    const first = await terminal.run(['credential-process', ...mfa, '--mfa-code', '123456'])
    expect(first.status).toBe(0)
    // A later code (the device shows a new one every 30 s) finds the same session.
    const second = await terminal.run(['credential-process', ...mfa, '--mfa-code', '654321'])
    expect(JSON.parse(second.stdout).AccessKeyId).toBe(JSON.parse(first.stdout).AccessKeyId)
    const other = await terminal.run(['credential-process', ...BASE, '--duration', '1800'])
    expect(JSON.parse(other.stdout).AccessKeyId).not.toBe(JSON.parse(first.stdout).AccessKeyId)
    expect(stsRequests()).toBe(2)
    const dir = join(terminal.home, 'cache', 'scoped-role', 'credential-process')
    for (const name of readdirSync(dir)) {
      expect(readFileSync(join(dir, name), 'utf8')).not.toContain('123456')
    }
  })
})

describe('presets', () => {
  function writeRepositoryPresets(text: string): void {
    writeFileSync(join(terminal.home, 'work', '.scoped-role.ini'), text)
  }

  it('runs a preset from the repository, with options given on the command line winning', async () => {
    mkdirSync(join(terminal.home, 'work', 'policies'))
    writeFileSync(
      join(terminal.home, 'work', 'policies', 'preview.json'),
      JSON.stringify(POLICY, null, 2)
    )
    writeRepositoryPresets(
      `# presets of this repository\n[preview]\nrole = ${ROLE}\nregion = eu-west-1\nmanaged = ReadOnlyAccess\npolicy-file = policies/preview.json\nforbid = iam:Create*, s3:Delete*\n`
    )
    const nested = join(terminal.home, 'work', 'infra')
    mkdirSync(nested)
    const run = await terminal.run(
      ['exec', 'preview', '--duration', '1800', '--', ...REPORT, '0'],
      { cwd: nested }
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const issued = sts.issued.at(-1)!
    expect(JSON.parse(issued.policy!)).toEqual(POLICY)
    expect(issued.policyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess'])
    expect(issued.durationSeconds).toBe(1800)
  })

  it("prefers the user's preset of the same name", async () => {
    writeRepositoryPresets(
      `[preview]\nrole = arn:aws:iam::111122223333:role/unknown\nregion = eu-west-1\n`
    )
    mkdirSync(join(terminal.home, 'config', 'scoped-role'), { recursive: true })
    writeFileSync(
      join(terminal.home, 'config', 'scoped-role', 'config.ini'),
      `[preview]\nrole = ${ROLE}\nregion = eu-west-1\n`
    )
    const run = await terminal.run(['exec', 'preview', '--', 'true'])
    expect(run.status).toBe(0)
    expect(sts.issued.at(-1)!.roleArn).toBe(ROLE)
  })

  it('refuses a repository preset file that is a link to a device, before any request', async () => {
    const file = join(terminal.home, 'work', '.scoped-role.ini')
    rmSync(file, { force: true })
    symlinkSync('/dev/zero', file)
    try {
      const run = await terminal.run(['exec', 'preview', '--', 'true'])
      expect(run.status).toBe(2)
      expect(run.stderr).toMatch(
        /^scoped-role: error: cannot read the preset file .*\.scoped-role\.ini: it /
      )
      expect(sts.requests).toHaveLength(0)
    } finally {
      rmSync(file, { force: true })
    }
  })

  it('refuses unknown keys with the nearest one, unknown presets, and a repository choosing the endpoint', async () => {
    writeRepositoryPresets(`[preview]\nrole = ${ROLE}\nmanged = ReadOnlyAccess\n`)
    const typo = await terminal.run(['exec', 'preview', '--', 'true'])
    expect(typo.status).toBe(2)
    expect(typo.stderr).toContain(
      ".scoped-role.ini:3: 'manged' is not a preset key; did you mean 'managed'?"
    )

    writeRepositoryPresets(`[preview]\nrole = ${ROLE}\n`)
    const unknown = await terminal.run(['exec', 'previwe', '--', 'true'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain("no preset named 'previwe'")
    expect(unknown.stderr).toContain("did you mean 'preview'?")

    writeRepositoryPresets(`[preview]\nrole = ${ROLE}\nendpoint = http://127.0.0.1:1\n`)
    const endpoint = await terminal.run(['exec', 'preview', '--', 'true'])
    expect(endpoint.status).toBe(2)
    expect(endpoint.stderr).toContain(
      "'endpoint' may not be set in a repository's .scoped-role.ini"
    )
    expect(sts.requests).toHaveLength(0)
  })
})

describe('the MFA prompt', () => {
  const mfaArgs = ['exec', '--role', MFA_ROLE, '--region', 'eu-west-1', '--mfa-serial', MFA_SERIAL]

  /** Runs the CLI on a pseudo-terminal (util-linux script) and types `typed` at the prompt. */
  function onTerminal(
    args: string[],
    typed: string
  ): Promise<{ status: number | null; output: string }> {
    const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`
    const command = [process.execPath, CLI, ...args].map(quote).join(' ')
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qefc', command, '/dev/null'], {
        cwd: terminal.home,
        env: terminal.env({ TERM: 'dumb' }),
        stdio: ['pipe', 'pipe', 'pipe']
      })
      let output = ''
      let answered = false
      child.stdout.setEncoding('utf8').on('data', chunk => {
        output += chunk
        if (!answered && output.includes('MFA code for')) {
          answered = true
          child.stdin.write(typed)
        }
      })
      child.on('error', reject)
      child.on('close', status => {
        child.stdin.destroy()
        resolve({ status, output })
      })
    })
  }

  it('asks for the code on a terminal without echoing it, then assumes the role with it', async () => {
    const { status, output } = await onTerminal(
      [...mfaArgs, '--', 'node', '-e', "console.log('command ran')"],
      '123456\r'
    )
    expect(output).toContain(`MFA code for ${MFA_SERIAL}: `)
    expect(output).toContain('command ran')
    expect(output).not.toContain('123456')
    expect(status).toBe(0)
    const request = sts.requests.find(r => r.action === 'AssumeRole')!
    expect(request.params).toMatchObject({ SerialNumber: MFA_SERIAL, TokenCode: '123456' })
    terminal.assertNoLeaks(output)
  })

  it('refuses a code that is not six digits before asking STS', async () => {
    const { status, output } = await onTerminal([...mfaArgs, '--', 'true'], '12x\r')
    expect(status).toBe(2)
    expect(output).toContain('--mfa-code: must be exactly 6 digits.')
    expect(sts.requests).toHaveLength(0)
  })

  it('fails with a clear error when there is no terminal to ask', async () => {
    const run = await terminal.run([...mfaArgs, '--', 'true'])
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(
      `scoped-role: error: --mfa-code: is not given, and there is no terminal to ask for the code of ${MFA_SERIAL}. Pass --mfa-code with the 6-digit code the device shows now.\n`
    )
    expect(sts.requests).toHaveLength(0)
  })
})

describe('scoped-role check', () => {
  const good = JSON.stringify(POLICY, null, 2)
  const bad = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" },
    {
      "Sid": "Admin",
      "Effect": "Allow",
      "Action": ["s3:GetObjekt", "iam:PassRole"],
      "Resource": "*"
    }
  ]
}
`
  const write = (name: string, text: string): string => {
    writeFileSync(join(terminal.home, 'work', name), text)
    return name
  }

  it('exits 0 for clean files and 1 with file:line:col findings', async () => {
    write('good.json', good)
    write('bad.json', bad)
    write(
      'broken.json',
      '{\n  "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow" x } ]\n}\n'
    )
    const clean = await terminal.run(['check', 'good.json'])
    expect(clean).toMatchObject({ status: 0, stdout: '', stderr: '' })
    const findings = await terminal.run(['check', 'good.json', 'bad.json', 'broken.json'])
    expect(findings.status).toBe(1)
    expect(findings.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^bad\.json:8:18: error: statement 2 \(Sid "Admin"\) has "s3:GetObjekt" in "Action", which is not an IAM action .*Did you mean "s3:GetObject"/
      ),
      expect.stringMatching(
        /^broken\.json:3:38: error: is not valid JSON: unexpected 'x' at line 3, column 38 \(expected ',' or '}'\)\./
      ),
      ''
    ])
  })

  it('reports forbidden actions as GitHub annotations and as JSON', async () => {
    write('bad.json', bad.replace('s3:GetObjekt', 's3:GetObject'))
    const github = await terminal.run([
      'check',
      '--forbid',
      'iam:Pass*',
      '--format',
      'github',
      'bad.json'
    ])
    expect(github.status).toBe(1)
    expect(github.stdout).toBe(
      '::error file=bad.json,line=8,col=34,title=scoped-role check::statement 2 (Sid "Admin") allows iam:PassRole (forbidden by iam:Pass*). Narrow its Action, or add an unconditional Deny of them on "*".\n'
    )
    const json = await terminal.run([
      'check',
      '--forbid',
      'iam:Pass*',
      '--format',
      'json',
      'bad.json'
    ])
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ file: 'bad.json', line: 8, column: 34, severity: 'error' })
    ])
  })

  it('checks managed policies with forbid too, and shows warnings without failing', async () => {
    write('good.json', good)
    const managed = await terminal.run([
      'check',
      '--managed',
      'IAMFullAccess',
      '--forbid',
      'iam:PassRole',
      'good.json'
    ])
    expect(managed.status).toBe(1)
    expect(managed.stdout).toMatch(
      /^good\.json:1:1: error: managed policy arn:aws:iam::aws:policy\/IAMFullAccess statement 1 allows iam:PassRole/
    )
    write(
      'wide.json',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }]
      })
    )
    const wide = await terminal.run(['check', 'wide.json'])
    expect(wide.status).toBe(0)
    expect(wide.stdout).toMatch(/^wide\.json:1:\d+: warning: statement 1 allows every action/)
  })

  it('exits 2 on usage errors', async () => {
    write('good.json', good)
    for (const args of [
      ['check'],
      ['check', 'missing.json'],
      ['check', '--format', 'xml', 'good.json'],
      ['check', '--forbid', 'iam:Pas', 'good.json'],
      ['check', '--managed', 'ReadOnlyAcess', 'good.json'],
      ['check', '--role', ROLE, 'good.json']
    ]) {
      const run = await terminal.run(args)
      expect({ args, status: run.status }).toEqual({ args, status: 2 })
      expect(run.stdout).toBe('')
    }
  })
})

describe('help and version', () => {
  it('prints help per command and the version', async () => {
    const version = await terminal.run(['--version'])
    expect(version.stdout).toBe(
      `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`
    )
    for (const command of ['exec', 'env', 'credential-process', 'check']) {
      const help = await terminal.run([command, '--help'])
      expect(help.status).toBe(0)
      expect(help.stdout).toMatch(new RegExp(`^Usage: scoped-role ${command} `))
    }
    const general = await terminal.run(['--help'])
    expect(general.stdout).toContain('Commands:')
    const none = await terminal.run([])
    expect(none.status).toBe(2)
  })
})

import { describe, expect, it } from '@jest/globals'
import {
  CHECK_FORMATS,
  COMMANDS,
  CONFIG_OPTION,
  ENV_FORMATS,
  HELP_OPTION,
  RECORD_FORMATS,
  SESSION_OPTIONS,
  UsageError,
  VERBOSE_OPTION,
  commandHelp,
  parseArgs,
  withFlagNames,
  type Command
} from '../../../src/cli/options.js'

const command = (name: Command['name']): Command => COMMANDS.find(c => c.name === name)!
const EXEC = command('exec')

/** The UsageError parseArgs throws, checked for its class and command. */
function refusal(argv: readonly string[], of: Command = EXEC): string {
  try {
    parseArgs(argv, of)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).name).toBe('UsageError')
    expect((error as UsageError).command).toBe(of.name)
    return (error as Error).message
  }
  throw new Error('accepted')
}

/** Each session option and the action input it stands for. */
const INPUT_OF_FLAG: ReadonlyArray<[string, string]> = [
  ['role', 'role-to-assume'],
  ['region', 'aws-region'],
  ['policy', 'inline-session-policy'],
  ['policy-file', 'inline-session-policy-file'],
  ['managed', 'managed-session-policies'],
  ['session-name', 'role-session-name'],
  ['duration', 'role-duration-seconds'],
  ['external-id', 'role-external-id'],
  ['mfa-serial', 'mfa-serial-number'],
  ['mfa-code', 'mfa-token-code'],
  ['forbid', 'forbid-actions'],
  ['require-session-policy', 'require-session-policy'],
  ['tag', 'role-session-tags'],
  ['transitive-tag', 'transitive-tag-keys'],
  ['source-identity', 'source-identity'],
  ['allowed-account', 'allowed-account-ids'],
  ['verify', 'verify-credentials'],
  ['endpoint', 'sts-endpoint'],
  ['fips', 'use-fips-endpoint'],
  ['proxy', 'http-proxy'],
  ['retry-max-attempts', 'retry-max-attempts'],
  ['retry-max-seconds', 'retry-max-seconds'],
  ['request-timeout-seconds', 'request-timeout-seconds']
]

describe('the options', () => {
  it('stand each for one action input, except --profile', () => {
    expect(SESSION_OPTIONS.filter(o => o.input !== undefined).map(o => [o.flag, o.input])).toEqual(
      INPUT_OF_FLAG
    )
    expect(SESSION_OPTIONS.filter(o => o.input === undefined).map(o => o.flag)).toEqual(['profile'])
  })

  it('repeat the list options and take no value for the switches', () => {
    const of = (kind: string) => SESSION_OPTIONS.filter(o => o.kind === kind).map(o => o.flag)
    expect(of('list')).toEqual(['managed', 'forbid', 'tag', 'transitive-tag', 'allowed-account'])
    expect(of('switch')).toEqual(['require-session-policy', 'verify', 'fips'])
  })

  it('may all be set in a preset, except the two that say where requests go', () => {
    expect(SESSION_OPTIONS.every(o => o.preset)).toBe(true)
    expect(SESSION_OPTIONS.filter(o => o.destination).map(o => o.flag)).toEqual([
      'endpoint',
      'proxy'
    ])
    expect(SESSION_OPTIONS.filter(o => o.destination === false)).toHaveLength(
      SESSION_OPTIONS.length - 2
    )
  })

  it('of one run only may not be set in a preset', () => {
    for (const option of [CONFIG_OPTION, VERBOSE_OPTION, HELP_OPTION]) {
      expect(option.preset).toBe(false)
      expect(option.input).toBeUndefined()
    }
    const local = COMMANDS.flatMap(c => c.options).filter(o => !SESSION_OPTIONS.includes(o))
    expect(local.every(o => !o.preset && o.input === undefined && !o.destination)).toBe(true)
    expect([CONFIG_OPTION.kind, VERBOSE_OPTION.kind, HELP_OPTION.kind]).toEqual([
      'value',
      'switch',
      'switch'
    ])
  })

  it('name the formats each command writes', () => {
    expect(ENV_FORMATS).toEqual(['sh', 'fish', 'powershell', 'dotenv', 'json'])
    expect(CHECK_FORMATS).toEqual(['text', 'github', 'json'])
    expect(RECORD_FORMATS).toEqual(['summary', 'json'])
  })

  it('give each command its own kinds: a switch, a value, a list', () => {
    const kinds = (name: Command['name']) =>
      Object.fromEntries(command(name).options.map(o => [o.flag, o.kind]))
    expect(kinds('env').format).toBe('value')
    expect(kinds('credential-process')).toMatchObject({
      'no-cache': 'switch',
      'settings-file': 'value'
    })
    expect(kinds('check')).toEqual({
      forbid: 'list',
      managed: 'list',
      region: 'value',
      format: 'value',
      help: 'switch'
    })
    expect(kinds('record')).toEqual({
      out: 'value',
      format: 'value',
      serve: 'value',
      verbose: 'switch',
      help: 'switch'
    })
  })
})

describe('commandHelp', () => {
  const SESSION_HELP = (width: number) =>
    [
      ['--role ARN|NAME', 'role to assume (a bare name uses the source account)'],
      ['--region REGION', 'region (default: AWS_REGION, then the profile)'],
      ['--policy JSON', 'inline session policy'],
      ['--policy-file PATH', 'inline session policy from a file'],
      ['--managed NAME|ARN', 'managed session policy; repeatable'],
      ['--session-name NAME', 'role session name (default: scoped-role-USER)'],
      ['--duration SECONDS', 'session duration, 900 to 43200 (default 3600)'],
      ['--external-id ID', "external id the role's trust policy asks for"],
      ['--mfa-serial ARN', 'MFA device; the code is asked for on the terminal'],
      ['--mfa-code CODE', 'MFA code, instead of being asked'],
      ['--profile NAME', 'source profile (default: AWS_PROFILE, then the default chain)'],
      ['--forbid PATTERN', 'fail if the session policies allow it, e.g. iam:*; repeatable'],
      ['--require-session-policy', 'fail without a session policy'],
      ['--tag KEY=VALUE', 'session tag; repeatable'],
      ['--transitive-tag KEY', 'transitive session tag key; repeatable'],
      ['--source-identity NAME', 'source identity'],
      ['--allowed-account ID', 'fail unless the role is in this account; repeatable'],
      ['--verify', 'check the new credentials with GetCallerIdentity'],
      ['--endpoint URL', 'STS endpoint (default: the regional one)'],
      ['--fips', 'use the FIPS endpoint'],
      ['--proxy URL', 'proxy for STS (default: HTTPS_PROXY)'],
      ['--retry-max-attempts N', 'STS attempts, 1 to 20 (default 3)'],
      ['--retry-max-seconds N', 'time for all attempts, 1 to 600 (default 30)'],
      ['--request-timeout-seconds N', 'time per request, 1 to 300 (default 10)']
    ].map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)
  const COMMON_HELP = (width: number) =>
    [
      ['--config FILE', 'preset file (default: see scoped-role --help)'],
      ['--verbose', 'say what happens, on stderr'],
      ['--help', 'show this help']
    ].map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)

  it('shows exec: usage, summary, and every option with its placeholder, aligned', () => {
    expect(commandHelp(EXEC)).toBe(
      [
        'Usage: scoped-role exec [PRESET] [options] -- COMMAND [ARGS...]',
        '',
        'Run COMMAND with the narrowed session in its environment.',
        '',
        'Options:',
        ...SESSION_HELP(27),
        ...COMMON_HELP(27),
        ''
      ].join('\n')
    )
  })

  it('shows env with its formats', () => {
    expect(commandHelp(command('env'))).toBe(
      [
        'Usage: scoped-role env [PRESET] [options]',
        '',
        'Print the narrowed session as shell exports.',
        '',
        'Options:',
        ...SESSION_HELP(39),
        '  --format sh|fish|powershell|dotenv|json  output format (default sh)',
        ...COMMON_HELP(39),
        ''
      ].join('\n')
    )
  })

  it('shows credential-process with its cache and settings file options', () => {
    expect(commandHelp(command('credential-process'))).toBe(
      [
        'Usage: scoped-role credential-process [PRESET] [options]',
        '',
        "Print the session for a profile's credential_process, cached.",
        '',
        'Options:',
        ...SESSION_HELP(27),
        '  --no-cache                   always ask STS, and do not store the answer',
        "  --settings-file PATH         renew the session of a profile the action's refresh: true wrote (no other option)",
        ...COMMON_HELP(27),
        ''
      ].join('\n')
    )
  })

  it('shows check with the session options it shares and its own', () => {
    expect(commandHelp(command('check'))).toBe(
      [
        'Usage: scoped-role check [options] FILE...',
        '',
        'Check session policy files offline, as the action does before STS.',
        '',
        'Options:',
        '  --forbid PATTERN           fail if the session policies allow it, e.g. iam:*; repeatable',
        '  --managed NAME|ARN         managed session policy; repeatable',
        "  --region REGION            region whose partition ARNs must be in (default: aws's)",
        '  --format text|github|json  output format (default text)',
        '  --help                     show this help',
        ''
      ].join('\n')
    )
  })

  it('shows record', () => {
    expect(commandHelp(command('record'))).toBe(
      [
        'Usage: scoped-role record [options] -- COMMAND [ARGS...]',
        '',
        'Run COMMAND as it is, record its AWS calls, propose the session policy they need.',
        '',
        'Options:',
        '  --out FILE             also write the proposed policy to FILE',
        '  --format summary|json  report format (default summary)',
        "  --serve DIR            record for later processes instead of a command (the action's record: true)",
        '  --verbose              say what happens, on stderr',
        '  --help                 show this help',
        ''
      ].join('\n')
    )
  })

  it('lists the commands in the order the general help shows them', () => {
    expect(COMMANDS.map(c => c.name)).toEqual([
      'exec',
      'env',
      'credential-process',
      'check',
      'record'
    ])
  })
})

describe('parseArgs', () => {
  it('reads --flag value, --flag=value, switches and positional arguments', () => {
    const args = parseArgs(
      ['preview', '--role', 'arn:x', '--region=eu-west-1', '--verify', '-', '--policy=a=b'],
      EXEC
    )
    expect(args).toEqual({
      values: new Map([
        ['role', 'arn:x'],
        ['region', 'eu-west-1'],
        ['verify', 'true'],
        ['policy', 'a=b']
      ]),
      positional: ['preview', '-']
    })
    expect(args.rest).toBeUndefined()
  })

  it('takes an empty value after =, and a value that looks like an option after a space', () => {
    expect(parseArgs(['--external-id='], EXEC).values.get('external-id')).toBe('')
    expect(parseArgs(['--external-id', '--verify'], EXEC).values).toEqual(
      new Map([['external-id', '--verify']])
    )
  })

  it('hands what follows -- on as it is, options included', () => {
    expect(parseArgs(['--role', 'r', '--', 'aws', '--region', 'x', '--'], EXEC)).toEqual({
      values: new Map([['role', 'r']]),
      positional: [],
      rest: ['aws', '--region', 'x', '--']
    })
    expect(parseArgs(['--'], EXEC)).toEqual({ values: new Map(), positional: [], rest: [] })
  })

  it('collects a repeated list option in order', () => {
    expect(parseArgs(['--managed', 'A', '--managed=B', '--forbid', 'iam:*'], EXEC).values).toEqual(
      new Map([
        ['managed', ['A', 'B']],
        ['forbid', ['iam:*']]
      ])
    )
  })

  it('accepts a switch given twice', () => {
    expect(parseArgs(['--verify', '--verify'], EXEC).values).toEqual(new Map([['verify', 'true']]))
  })

  it('refuses a value option given twice', () => {
    expect(refusal(['--role', 'a', '--role=b'])).toBe('--role is given twice; give it once.')
  })

  it('refuses a value for a switch', () => {
    expect(refusal(['--verify=false'])).toBe('--verify takes no value; write --verify alone.')
  })

  it('refuses a value option at the end without its value, showing what one looks like', () => {
    expect(refusal(['--duration'])).toBe('--duration needs a value, e.g. --duration SECONDS.')
    expect(refusal(['--role', 'r', '--region'])).toBe(
      '--region needs a value, e.g. --region REGION.'
    )
  })

  it.each(['-r', '-h', '-rfoo', '-=x'])('refuses the short option %s', arg => {
    expect(refusal([arg])).toBe(`unknown option '${arg}'; options are spelt out, e.g. --role.`)
  })

  it('refuses a misspelt option with the nearest one', () => {
    expect(refusal(['--polcy', '{}'])).toBe('unknown option --polcy; did you mean --policy?')
    expect(refusal(['--rgion=eu-west-1'])).toBe('unknown option --rgion; did you mean --region?')
  })

  it("refuses another command's option, naming that command", () => {
    expect(refusal(['--format', 'json'])).toBe(
      'unknown option --format; it belongs to scoped-role env.'
    )
    expect(refusal(['--serve', 'dir'], command('env'))).toBe(
      'unknown option --serve; it belongs to scoped-role record.'
    )
    expect(refusal(['--role', 'r'], command('check'))).toBe(
      'unknown option --role; it belongs to scoped-role exec.'
    )
    // A checked file is always an inline policy, so the switch could never fail a check.
    expect(refusal(['--require-session-policy'], command('check'))).toBe(
      'unknown option --require-session-policy; it belongs to scoped-role exec.'
    )
  })

  it('refuses an option of no command with a full stop', () => {
    expect(refusal(['--nonsense'])).toBe('unknown option --nonsense.')
    expect(refusal(['--x'], command('record'))).toBe('unknown option --x.')
  })
})

describe('withFlagNames', () => {
  it.each(INPUT_OF_FLAG)("says which option a message is about: --%s for '%s: '", (flag, input) => {
    expect(withFlagNames(`${input}: is not right.`)).toBe(`--${flag}: is not right.`)
  })

  it.each(INPUT_OF_FLAG)('turns an example inside the text into --%s VALUE', (flag, input) => {
    expect(withFlagNames(`Write e.g. ${input}: x, or ${input}: y.`)).toBe(
      `Write e.g. --${flag} x, or --${flag} y.`
    )
  })

  it.each(INPUT_OF_FLAG)('turns each mention of the input into --%s', (flag, input) => {
    expect(withFlagNames(`${input} and (${input}) with ${input}.`)).toBe(
      `--${flag} and (--${flag}) with --${flag}.`
    )
  })

  it('maps the head and the text of one message', () => {
    expect(
      withFlagNames(
        'role-session-tags: needs role-to-assume. Write role-to-assume: arn:aws:iam::1:role/x'
      )
    ).toBe('--tag: needs --role. Write --role arn:aws:iam::1:role/x')
  })

  it('leaves names inside longer words, and a head without its space, as they are', () => {
    const text =
      'my-role-to-assume role-to-assume-2 role-to-assumed xrole-to-assume role-to-assume_x ' +
      'inline-session-policy-file'
    expect(withFlagNames(text)).toBe(
      'my-role-to-assume role-to-assume-2 role-to-assumed xrole-to-assume role-to-assume_x ' +
        '--policy-file'
    )
    expect(withFlagNames('role-to-assume:x')).toBe('--role:x')
    expect(withFlagNames('The role: aws-region')).toBe('The role: --region')
  })

  it('leaves an example whose name ends a longer word as it is', () => {
    const text = 'Write my-role-to-assume: a or xrole-to-assume: b, then role-to-assume: c.'
    expect(withFlagNames(text)).toBe(
      'Write my-role-to-assume: a or xrole-to-assume: b, then --role c.'
    )
  })

  it('maps a head only at the very start, and a name after it as text', () => {
    expect(withFlagNames(' role-to-assume: x')).toBe(' --role x')
    expect(withFlagNames('aws-region: role-to-assume: x')).toBe('--region: --role x')
  })

  it('takes the word undefined for no option, although --profile stands for no input', () => {
    expect(withFlagNames('undefined: the value is undefined.')).toBe(
      'undefined: the value is undefined.'
    )
  })

  it('leaves a message that names no input alone', () => {
    expect(withFlagNames('STS said no.')).toBe('STS said no.')
    expect(withFlagNames('')).toBe('')
  })
})

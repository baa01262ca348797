import type { InputName } from '../settings/input-names.js'
import { closestNames } from '../shared/suggest.js'

/**
 * The command line's options. Those that name an action input are turned into the same raw
 * input record the action reads, so the same checks, messages and defaults apply to both.
 */
export interface OptionSpec {
  flag: string
  /** value: one string; list: repeatable, joined one a line; switch: no value. */
  kind: 'value' | 'list' | 'switch'
  /** The action input it stands for; none for options of the terminal alone. */
  input?: InputName
  /** What the value looks like, for --help. */
  placeholder?: string
  help: string
  /** May be set in a preset (options of one command or run, such as --format, may not). */
  preset: boolean
  /** Where a request goes: only the user's own config file or the command line may set it. */
  destination?: boolean
}

const session = (
  flag: string,
  input: InputName | undefined,
  kind: OptionSpec['kind'],
  placeholder: string | undefined,
  help: string,
  destination = false
): OptionSpec => ({ flag, input, kind, placeholder, help, preset: true, destination })

/** Options of exec, env and credential-process: what to assume and how. */
export const SESSION_OPTIONS: readonly OptionSpec[] = [
  session(
    'role',
    'role-to-assume',
    'value',
    'ARN|NAME',
    'role to assume (a bare name uses the source account)'
  ),
  session(
    'region',
    'aws-region',
    'value',
    'REGION',
    'region (default: AWS_REGION, then the profile)'
  ),
  session('policy', 'inline-session-policy', 'value', 'JSON', 'inline session policy'),
  session(
    'policy-file',
    'inline-session-policy-file',
    'value',
    'PATH',
    'inline session policy from a file'
  ),
  session(
    'managed',
    'managed-session-policies',
    'list',
    'NAME|ARN',
    'managed session policy; repeatable'
  ),
  session(
    'session-name',
    'role-session-name',
    'value',
    'NAME',
    'role session name (default: scoped-role-USER)'
  ),
  session(
    'duration',
    'role-duration-seconds',
    'value',
    'SECONDS',
    'session duration, 900 to 43200 (default 3600)'
  ),
  session(
    'external-id',
    'role-external-id',
    'value',
    'ID',
    "external id the role's trust policy asks for"
  ),
  session(
    'mfa-serial',
    'mfa-serial-number',
    'value',
    'ARN',
    'MFA device; the code is asked for on the terminal'
  ),
  session('mfa-code', 'mfa-token-code', 'value', 'CODE', 'MFA code, instead of being asked'),
  session(
    'profile',
    undefined,
    'value',
    'NAME',
    'source profile (default: AWS_PROFILE, then the default chain)'
  ),
  session(
    'forbid',
    'forbid-actions',
    'list',
    'PATTERN',
    'fail if the session policies allow it, e.g. iam:*; repeatable'
  ),
  session(
    'require-session-policy',
    'require-session-policy',
    'switch',
    undefined,
    'fail without a session policy'
  ),
  session('tag', 'role-session-tags', 'list', 'KEY=VALUE', 'session tag; repeatable'),
  session(
    'transitive-tag',
    'transitive-tag-keys',
    'list',
    'KEY',
    'transitive session tag key; repeatable'
  ),
  session('source-identity', 'source-identity', 'value', 'NAME', 'source identity'),
  session(
    'allowed-account',
    'allowed-account-ids',
    'list',
    'ID',
    'fail unless the role is in this account; repeatable'
  ),
  session(
    'verify',
    'verify-credentials',
    'switch',
    undefined,
    'check the new credentials with GetCallerIdentity'
  ),
  session(
    'endpoint',
    'sts-endpoint',
    'value',
    'URL',
    'STS endpoint (default: the regional one)',
    true
  ),
  session('fips', 'use-fips-endpoint', 'switch', undefined, 'use the FIPS endpoint'),
  session('proxy', 'http-proxy', 'value', 'URL', 'proxy for STS (default: HTTPS_PROXY)', true),
  session(
    'retry-max-attempts',
    'retry-max-attempts',
    'value',
    'N',
    'STS attempts, 1 to 20 (default 3)'
  ),
  session(
    'retry-max-seconds',
    'retry-max-seconds',
    'value',
    'N',
    'time for all attempts, 1 to 600 (default 30)'
  ),
  session(
    'request-timeout-seconds',
    'request-timeout-seconds',
    'value',
    'N',
    'time per request, 1 to 300 (default 10)'
  )
]

const local = (
  flag: string,
  kind: OptionSpec['kind'],
  placeholder: string | undefined,
  help: string
): OptionSpec => ({ flag, kind, placeholder, help, preset: false })

export const CONFIG_OPTION = local(
  'config',
  'value',
  'FILE',
  'preset file (default: see scoped-role --help)'
)
export const VERBOSE_OPTION = local('verbose', 'switch', undefined, 'say what happens, on stderr')
export const HELP_OPTION = local('help', 'switch', undefined, 'show this help')

export const ENV_FORMATS = ['sh', 'fish', 'powershell', 'dotenv', 'json'] as const
export const CHECK_FORMATS = ['text', 'github', 'json'] as const
export const RECORD_FORMATS = ['summary', 'json'] as const

export interface Command {
  name: 'exec' | 'env' | 'credential-process' | 'check' | 'record'
  usage: string
  summary: string
  options: readonly OptionSpec[]
}

const COMMON = [CONFIG_OPTION, VERBOSE_OPTION, HELP_OPTION]

export const COMMANDS: readonly Command[] = [
  {
    name: 'exec',
    usage: 'scoped-role exec [PRESET] [options] -- COMMAND [ARGS...]',
    summary: 'run COMMAND with the narrowed session in its environment',
    options: [...SESSION_OPTIONS, ...COMMON]
  },
  {
    name: 'env',
    usage: 'scoped-role env [PRESET] [options]',
    summary: 'print the narrowed session as shell exports',
    options: [
      ...SESSION_OPTIONS,
      local('format', 'value', ENV_FORMATS.join('|'), 'output format (default sh)'),
      ...COMMON
    ]
  },
  {
    name: 'credential-process',
    usage: 'scoped-role credential-process [PRESET] [options]',
    summary: "print the session for a profile's credential_process, cached",
    options: [
      ...SESSION_OPTIONS,
      local('no-cache', 'switch', undefined, 'always ask STS, and do not store the answer'),
      local(
        'settings-file',
        'value',
        'PATH',
        "renew the session of a profile the action's refresh: true wrote (no other option)"
      ),
      ...COMMON
    ]
  },
  {
    name: 'check',
    usage: 'scoped-role check [options] FILE...',
    summary: 'check session policy files offline, as the action does before STS',
    options: [
      SESSION_OPTIONS.find(o => o.flag === 'forbid')!,
      SESSION_OPTIONS.find(o => o.flag === 'managed')!,
      local('region', 'value', 'REGION', "region whose partition ARNs must be in (default: aws's)"),
      local('format', 'value', CHECK_FORMATS.join('|'), 'output format (default text)'),
      HELP_OPTION
    ]
  },
  {
    name: 'record',
    usage: 'scoped-role record [options] -- COMMAND [ARGS...]',
    summary: 'run COMMAND as it is, record its AWS calls, propose the session policy they need',
    options: [
      local('out', 'value', 'FILE', 'also write the proposed policy to FILE'),
      local('format', 'value', RECORD_FORMATS.join('|'), 'report format (default summary)'),
      local(
        'serve',
        'value',
        'DIR',
        "record for later processes instead of a command (the action's record: true)"
      ),
      VERBOSE_OPTION,
      HELP_OPTION
    ]
  }
]

/** A mistake in how the command was called: exit status 2, before anything else happens. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command['name']
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface ParsedArgs {
  /** By flag name: the value, the values of a list, or 'true' for a switch. */
  values: Map<string, string | string[]>
  positional: string[]
  /** What followed `--`, for exec. */
  rest?: string[]
}

/**
 * `--flag value`, `--flag=value`, switches, and `--` ending the options. Unknown options are
 * errors with the nearest known one: a misspelt --polcy must not run without a session policy.
 */
export function parseArgs(argv: readonly string[], command: Command): ParsedArgs {
  const values = new Map<string, string | string[]>()
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') return { values, positional, rest: argv.slice(i + 1) }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg !== '-') {
        throw new UsageError(
          `unknown option '${arg}'; options are spelt out, e.g. --role.`,
          command.name
        )
      }
      positional.push(arg)
      continue
    }
    const equals = arg.indexOf('=')
    const flag = arg.slice(2, equals === -1 ? undefined : equals)
    const spec = command.options.find(option => option.flag === flag)
    if (spec === undefined) throw unknownOption(flag, command)
    let value: string
    if (spec.kind === 'switch') {
      if (equals !== -1) {
        throw new UsageError(`--${flag} takes no value; write --${flag} alone.`, command.name)
      }
      value = 'true'
    } else if (equals !== -1) {
      value = arg.slice(equals + 1)
    } else {
      if (i + 1 >= argv.length) {
        throw new UsageError(
          `--${flag} needs a value, e.g. --${flag} ${spec.placeholder}.`,
          command.name
        )
      }
      value = argv[++i]
    }
    if (spec.kind === 'list') {
      const list = (values.get(flag) as string[] | undefined) ?? []
      values.set(flag, [...list, value])
    } else {
      if (values.has(flag) && spec.kind === 'value') {
        throw new UsageError(`--${flag} is given twice; give it once.`, command.name)
      }
      values.set(flag, value)
    }
  }
  return { values, positional }
}

function unknownOption(flag: string, command: Command): UsageError {
  const near = closestNames(
    flag,
    command.options.map(option => option.flag),
    1
  )
  // Not this command: it has no option of that name, or this would not be called.
  const elsewhere = COMMANDS.find(other => other.options.some(option => option.flag === flag))
  return new UsageError(
    `unknown option --${flag}` +
      (near.length > 0
        ? `; did you mean --${near[0]}?`
        : elsewhere
          ? `; it belongs to scoped-role ${elsewhere.name}.`
          : '.'),
    command.name
  )
}

/** --help for one command: usage, then each option with its placeholder, aligned. */
export function commandHelp(command: Command): string {
  const rows = command.options.map(option => [
    `--${option.flag}${option.placeholder ? ` ${option.placeholder}` : ''}`,
    option.help
  ])
  const width = Math.max(...rows.map(([left]) => left.length))
  return [
    `Usage: ${command.usage}`,
    '',
    `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`,
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    ''
  ].join('\n')
}

/**
 * The core's messages name the action's inputs; at a terminal the options stand for them. A
 * leading `role-to-assume: ` says which option a message is about and becomes `--role: `;
 * inside the text `role-to-assume: arn:…` (an example) becomes `--role arn:…`.
 */
export function withFlagNames(message: string): string {
  // In any order: no input's name followed by ': ' starts another's, and the look-arounds
  // below keep a name from matching inside a longer one (inline-session-policy-file).
  const mapped = SESSION_OPTIONS.filter(option => option.input !== undefined)
  let head = ''
  let body = message
  for (const option of mapped) {
    if (message.startsWith(`${option.input}: `)) {
      head = `--${option.flag}: `
      body = message.slice(option.input!.length + 2)
      break
    }
  }
  for (const option of mapped) {
    // Input names are lower-case words and dashes: nothing to escape in a pattern.
    const name = option.input!
    body = body
      .replace(new RegExp(`(?<![\\w-])${name}: `, 'g'), `--${option.flag} `)
      .replace(new RegExp(`(?<![\\w-])${name}(?![\\w-])`, 'g'), `--${option.flag}`)
  }
  return head + body
}

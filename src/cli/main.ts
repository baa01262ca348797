import { ActionError, InputError } from '../shared/errors.js'
import { closestNames } from '../shared/suggest.js'
import {
  COMMANDS,
  ENV_FORMATS,
  UsageError,
  commandHelp,
  parseArgs,
  withFlagNames,
  type ParsedArgs
} from './options.js'
import { REPOSITORY_FILE } from './presets.js'
import { lookUpCache, processOutput, refreshSettingsFile } from './cached-answer.js'
import { currentPlace, resolveRequest } from './request.js'
import { Terminal, writeAll } from './terminal.js'
import { VERSION } from './version.js'

/**
 * The terminal front: arguments → command. Only what every run needs is loaded up front; the
 * AWS SDK and the policy data are imported when a command gets that far, so a credential
 * process answering from its cache starts about as fast as node itself.
 */
export async function main(argv: readonly string[]): Promise<number> {
  // As inherited: what exec hands on, before this process sets anything for itself.
  const place = currentPlace()
  const [name, ...rest] = argv
  if (name === '--version' || name === '-V') {
    await writeAll(process.stdout, `${VERSION}\n`)
    return 0
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await writeAll(name === undefined ? process.stderr : process.stdout, generalHelp())
    return name === undefined ? 2 : 0
  }
  let terminal = new Terminal(process.stderr, false)
  const command = COMMANDS.find(candidate => candidate.name === name)
  try {
    if (command === undefined) {
      const near = closestNames(
        name,
        COMMANDS.map(c => c.name),
        1
      )
      throw new UsageError(
        `'${name}' is not a command${near.length > 0 ? ` (did you mean '${near[0]}'?)` : ''}; the commands are ${COMMANDS.map(c => c.name).join(', ')}.`
      )
    }
    const args = parseArgs(rest, command)
    if (args.values.has('help')) {
      await writeAll(process.stdout, commandHelp(command))
      return 0
    }
    terminal = new Terminal(process.stderr, args.values.has('verbose'))
    if (command.name === 'check') {
      const { runCheck } = await import('./check.js')
      return await runCheck(args)
    }
    const runsCommand =
      command.name === 'exec' || (command.name === 'record' && !args.values.has('serve'))
    if (runsCommand && (args.rest === undefined || args.rest.length === 0)) {
      throw new UsageError(
        'give the command to run after --, e.g. -- aws sts get-caller-identity.',
        command.name
      )
    }
    if (command.name === 'record') {
      const { runRecord, serveRecording } = await import('./record.js')
      if (args.values.has('serve')) return await serveRecording(args, place.env)
      return await runRecord(args, place.env, terminal)
    }
    if (!runsCommand && args.rest !== undefined) {
      throw new UsageError(
        `scoped-role ${command.name} runs no command; remove the -- and what follows.`,
        command.name
      )
    }
    // The bundled SDK is fixed: its notice about future SDK releases and older Node versions
    // is about a different program, and a terminal would show it on every run.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    // Only credential-process has --settings-file: parseArgs refuses it for the others.
    const settingsFile = refreshSettingsFile(args)
    if (settingsFile !== undefined) {
      const { renewingProcess } = await import('./refresh.js')
      return await renewingProcess(settingsFile, terminal)
    }
    const request = resolveRequest(command, args, place)
    if (command.name === 'credential-process') {
      // The launcher answers a fresh cache before this module loads; run directly, this
      // does the same: no SDK, no policy data, one small file read.
      const { file, cached } = lookUpCache(args, request, place)
      if (cached !== undefined) {
        await writeAll(process.stdout, processOutput(cached))
        return 0
      }
      const { credentialProcess } = await import('./session.js')
      await writeAll(
        process.stdout,
        processOutput(await credentialProcess(request, file, terminal))
      )
      return 0
    }
    if (command.name === 'env') envFormat(args)
    const { startSession, envExports } = await import('./session.js')
    const session = await startSession(request, terminal)
    if (command.name === 'env') {
      await writeAll(process.stdout, envExports(session, envFormat(args)))
      return 0
    }
    const { runChild } = await import('./exec.js')
    return await runChild(args.rest!, place.env, session, terminal)
  } catch (error) {
    return report(error, terminal, command?.name)
  }
}

/** Checked before any request: a typo in --format must not cost an STS call. */
function envFormat(args: ParsedArgs): string {
  const format = (args.values.get('format') as string | undefined) ?? 'sh'
  if (!(ENV_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format '${format}' is not a format; write one of ${ENV_FORMATS.join(', ')}.`,
      'env'
    )
  }
  return format
}

/** One line per problem on stderr, with the fix; never a stack trace, never a secret. */
function report(error: unknown, terminal: Terminal, command: string | undefined): number {
  if (error instanceof UsageError) {
    terminal.error(error.message)
    terminal.note(`see: scoped-role ${error.command ?? command ?? ''} --help`.replace(/ +/g, ' '))
    return 2
  }
  const message = error instanceof Error ? error.message : String(error)
  const lines = (
    error instanceof InputError || error instanceof ActionError ? withFlagNames(message) : message
  ).split('\n')
  for (const line of lines.filter(line => line.trim() !== '')) terminal.error(line)
  return error instanceof InputError ? 2 : 1
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length))
  return [
    `scoped-role ${VERSION}: assume an AWS IAM role with a session policy, checked before STS sees it.`,
    '',
    'Usage: scoped-role COMMAND [PRESET] [options]',
    '',
    'Commands:',
    ...COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'scoped-role COMMAND --help lists the options of a command; --version prints the version.',
    '',
    `Presets: [NAME] sections in ${REPOSITORY_FILE} (the nearest above the working directory) or in`,
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
}

import { isAbsolute } from 'node:path'
import {
  readCachedCredentials,
  refreshCacheFile,
  type ProcessCredentials
} from '../aws/credential-cache.js'
import { COMMANDS, UsageError, parseArgs, type ParsedArgs } from './options.js'
import {
  cacheFile,
  currentPlace,
  resolveRequest,
  type Place,
  type SessionRequest
} from './request.js'

/**
 * The credential-process cache as both entry points consult it: the launcher (dist/cli.cjs),
 * which answers a loop of AWS CLI calls without loading the command line, and the command line
 * itself. One lookup, so the two can never disagree on the file or on what counts as fresh.
 */

export interface CacheLookup {
  /** The file this request's credentials are kept in; none with --no-cache. */
  file?: string
  /** What it holds, while fresh enough to hand out. */
  cached?: ProcessCredentials
}

export function lookUpCache(args: ParsedArgs, request: SessionRequest, place: Place): CacheLookup {
  if (args.values.has('no-cache')) return {}
  const file = cacheFile(request, place)
  return { file, cached: readCachedCredentials(file) }
}

/**
 * credential-process --settings-file: the profile the action's refresh: true wrote. It says
 * everything about the session, so it takes no preset and no other option but --verbose.
 */
export function refreshSettingsFile(args: ParsedArgs): string | undefined {
  const value = args.values.get('settings-file')
  if (typeof value !== 'string') return undefined
  const other = [...args.values.keys()].find(flag => flag !== 'settings-file' && flag !== 'verbose')
  if (other !== undefined || args.positional.length > 0) {
    throw new UsageError(
      `--settings-file names everything about the session; remove ${other === undefined ? `'${args.positional[0]}'` : `--${other}`}.`,
      'credential-process'
    )
  }
  if (!isAbsolute(value)) {
    throw new UsageError(
      `--settings-file needs an absolute path, not '${value}'.`,
      'credential-process'
    )
  }
  return value
}

/** What credential-process prints: one line of Version 1 JSON. */
export const processOutput = (credentials: ProcessCredentials): string =>
  `${JSON.stringify(credentials)}\n`

/**
 * The output of `scoped-role ARGV` when the cache alone can give it, else undefined: another
 * command, --help, no fresh cache, or any mistake in the arguments, which the command line
 * then reports with its usual message.
 */
export function cachedAnswer(
  argv: readonly string[],
  place: Place = currentPlace()
): string | undefined {
  const [name, ...rest] = argv
  const command = COMMANDS.find(candidate => candidate.name === name)
  if (command?.name !== 'credential-process') return undefined
  try {
    const args = parseArgs(rest, command)
    if (args.values.has('help') || args.rest !== undefined) return undefined
    const settings = refreshSettingsFile(args)
    const { cached } =
      settings !== undefined
        ? { cached: readCachedCredentials(refreshCacheFile(settings)) }
        : lookUpCache(args, resolveRequest(command, args, place), place)
    return cached === undefined ? undefined : processOutput(cached)
  } catch {
    return undefined
  }
}

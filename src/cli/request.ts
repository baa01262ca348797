import { createHash } from 'node:crypto'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { InputName } from '../settings/input-names.js'
import type { RawInputs } from '../settings/input-rules.js'
import { FileRefused, readBoundedTextFile } from '../shared/bounded-file.js'
import { SESSION_OPTIONS, UsageError, type Command, type ParsedArgs } from './options.js'
import { findPreset, presetDirectory, presetSources, type Preset } from './presets.js'

/** What exec, env and credential-process were asked for, as the action's raw inputs. */
export interface SessionRequest {
  /** Only the inputs given; the rest are empty, as an action step without them. */
  inputs: Partial<RawInputs>
  /** The source profile (--profile); else the SDK's default chain decides. */
  profile?: string
  preset?: string
}

export interface Place {
  env: Record<string, string | undefined>
  cwd: string
  home: string
  platform: NodeJS.Platform
}

/** This process's place: the environment as inherited, before anything here sets a variable. */
export function currentPlace(): Place {
  return {
    env: { ...process.env },
    cwd: process.cwd(),
    home: process.env.HOME || homedir(),
    platform: process.platform
  }
}

/**
 * Preset values first, then the command line's, option by option. Relative paths are read
 * from the directory of the file that names them (the preset's) or the working directory.
 */
export function resolveRequest(command: Command, args: ParsedArgs, place: Place): SessionRequest {
  if (args.positional.length > 1) {
    throw new UsageError(
      `unexpected '${args.positional[1]}'` +
        (command.name === 'exec' ? '; put -- before the command to run.' : '.'),
      command.name
    )
  }
  const name = args.positional[0]
  let preset: Preset | undefined
  if (name !== undefined) {
    const config = args.values.get('config') as string | undefined
    preset = findPreset(
      name,
      presetSources(
        place.env,
        place.cwd,
        place.home,
        place.platform,
        config && resolve(place.cwd, config)
      ),
      readOptionalText
    )
  }
  const request: SessionRequest = { inputs: {}, preset: name }
  for (const spec of SESSION_OPTIONS) {
    const fromArgs = args.values.get(spec.flag)
    const fromPreset = preset?.values.get(spec.flag)
    const value = fromArgs ?? fromPreset
    if (value === undefined) continue
    const base =
      fromArgs !== undefined || preset === undefined ? place.cwd : presetDirectory(preset)
    const text = Array.isArray(value) ? value.join('\n') : value
    if (spec.input === undefined) {
      request.profile = text
    } else if (spec.flag === 'policy-file' && text !== '') {
      request.inputs[spec.input] = isAbsolute(text) ? text : resolve(base, text)
    } else {
      request.inputs[spec.input] = text
    }
  }
  return request
}

/**
 * A preset file may come with a repository: only a regular file of a size a preset could have,
 * so a link to a device or a FIFO cannot stall or exhaust the command.
 */
const MAX_PRESET_FILE_BYTES = 256 * 1024

function readOptionalText(path: string): string | undefined {
  try {
    return readBoundedTextFile(path, { maxBytes: MAX_PRESET_FILE_BYTES }).text
  } catch (error) {
    if (error instanceof FileRefused && !error.reason.startsWith('ENOENT')) {
      throw new UsageError(`cannot read the preset file ${path}: it ${error.reason}.`)
    }
    return undefined
  }
}

/** Every input of the action: the given ones, the rest empty. */
export function rawInputs(request: SessionRequest, names: readonly InputName[]): RawInputs {
  const raw = {} as RawInputs
  for (const name of names) raw[name] = request.inputs[name] ?? ''
  return raw
}

/** Environment variables that change which credentials or session a request ends up with. */
const KEY_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_ROLE_ARN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE'
]

/**
 * The cache file for a request: a hash of the options, the policy file's text and the
 * variables that pick the source. Never of a secret value, and never of the MFA code, which
 * changes every 30 seconds while the session it unlocked stays good.
 */
export function cacheFile(request: SessionRequest, place: Place): string {
  const inputs = { ...request.inputs }
  delete inputs['mfa-token-code']
  const policyFile = inputs['inline-session-policy-file']
  const key = {
    version: 1,
    // By code unit, not localeCompare: that starts ICU's collator, a third of a cached answer's time.
    inputs: Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1))),
    policyFileText: policyFile === undefined ? undefined : readOptionalText(policyFile),
    profile: request.profile,
    env: KEY_VARIABLES.map(name => place.env[name] ?? null)
  }
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32)
  return join(cacheDirectory(place), 'credential-process', `${hash}.json`)
}

/** The user's cache directory, as each platform keeps it. */
export function cacheDirectory(place: Place): string {
  if (place.platform === 'win32') {
    return join(
      place.env.LOCALAPPDATA || join(place.home, 'AppData', 'Local'),
      'scoped-role',
      'Cache'
    )
  }
  if (place.platform === 'darwin' && !place.env.XDG_CACHE_HOME) {
    return join(place.home, 'Library', 'Caches', 'scoped-role')
  }
  return join(place.env.XDG_CACHE_HOME || join(place.home, '.cache'), 'scoped-role')
}

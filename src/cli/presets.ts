import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { closestNames } from '../shared/suggest.js'
import { SESSION_OPTIONS, UsageError } from './options.js'

/**
 * Named presets, so `scoped-role exec preview -- terraform plan` is all a person types. An INI
 * file, one section per preset, keys spelt like the options without the dashes:
 *
 *   [preview]
 *   role = arn:aws:iam::123456789012:role/deploy
 *   managed = ReadOnlyAccess
 *   policy-file = policies/preview.json   # relative to this file
 *   forbid = iam:*, s3:Delete*
 *
 * Lists are comma-separated. The repository's `.scoped-role.ini` (the nearest one above the
 * working directory) and the user's `config.ini` are read; a preset in the user's file wins.
 */
export const REPOSITORY_FILE = '.scoped-role.ini'

export interface PresetSource {
  path: string
  /** Written by whoever wrote the repository, not by the user. */
  origin: 'repository' | 'user' | 'option'
}

export interface Preset {
  name: string
  source: PresetSource
  values: Map<string, string | string[]>
}

/** Where presets are looked for, most trusted first. */
export function presetSources(
  env: Record<string, string | undefined>,
  cwd: string,
  home: string,
  platform: NodeJS.Platform,
  configOption?: string
): PresetSource[] {
  if (configOption !== undefined) return [{ path: configOption, origin: 'option' }]
  const configHome =
    platform === 'win32'
      ? env.APPDATA || join(home, 'AppData', 'Roaming')
      : env.XDG_CONFIG_HOME || join(home, '.config')
  const sources: PresetSource[] = [
    { path: join(configHome, 'scoped-role', 'config.ini'), origin: 'user' }
  ]
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, REPOSITORY_FILE)
    if (existsSync(candidate)) {
      sources.push({ path: candidate, origin: 'repository' })
      break
    }
    // The repository's root is as far as a repository's file can come from.
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break
  }
  return sources
}

const SECTION = /^\[\s*([A-Za-z0-9_.-]{1,64})\s*\]$/
const ENTRY = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/

/** Every preset of one file, or a UsageError naming the file, line and fix. */
export function parsePresetFile(text: string, source: PresetSource): Map<string, Preset> {
  const presets = new Map<string, Preset>()
  let current: Preset | undefined
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, index) => {
    const where = `${source.path}:${index + 1}`
    const line = stripComment(raw).trim()
    if (line === '') return
    const section = SECTION.exec(line)
    if (section !== null) {
      if (presets.has(section[1])) {
        throw new UsageError(`${where}: preset [${section[1]}] is defined twice; merge the two.`)
      }
      current = { name: section[1], source, values: new Map() }
      presets.set(current.name, current)
      return
    }
    if (line.startsWith('[')) {
      throw new UsageError(
        `${where}: '${line}' is not a preset header; write e.g. [preview] (letters, digits, . _ -).`
      )
    }
    const entry = ENTRY.exec(line)
    if (entry === null) throw new UsageError(`${where}: '${line}' is not key = value.`)
    if (current === undefined) {
      throw new UsageError(`${where}: '${entry[1]}' comes before any [preset] header; add one.`)
    }
    const [, key, value] = entry
    const spec = SESSION_OPTIONS.find(option => option.flag === key)
    if (spec === undefined) {
      const near = closestNames(
        key,
        SESSION_OPTIONS.map(option => option.flag),
        1
      )
      throw new UsageError(
        `${where}: '${key}' is not a preset key${near.length > 0 ? `; did you mean '${near[0]}'?` : '.'} Keys are the options of scoped-role exec without the dashes.`
      )
    }
    if (spec.destination && source.origin === 'repository') {
      // A repository could otherwise send the user's signed requests to a host of its choosing.
      throw new UsageError(
        `${where}: '${key}' may not be set in a repository's ${REPOSITORY_FILE}; it says where requests signed with your credentials go. Set it in your own config file or pass --${key}.`
      )
    }
    if (current.values.has(key)) {
      throw new UsageError(`${where}: '${key}' is set twice in [${current.name}]; keep one.`)
    }
    if (spec.kind === 'list') {
      current.values.set(
        key,
        value
          .split(',')
          .map(item => item.trim())
          .filter(item => item !== '')
      )
    } else if (spec.kind === 'switch') {
      if (!/^(true|false)$/i.test(value)) {
        throw new UsageError(`${where}: '${key}' is '${value}'; write true or false.`)
      }
      current.values.set(key, value.toLowerCase())
    } else {
      current.values.set(key, value)
    }
  })
  return presets
}

/**
 * A `#` or `;` starts a comment at the start of a line or after a space, so a value such as a
 * policy with `#` inside a string stays whole.
 */
function stripComment(line: string): string {
  const match = /(^|\s)[#;]/.exec(line)
  return match === null ? line : line.slice(0, match.index)
}

/** The named preset from the most trusted file that has it, or an error listing the names. */
export function findPreset(
  name: string,
  sources: readonly PresetSource[],
  readText: (path: string) => string | undefined
): Preset {
  const known: string[] = []
  for (const source of sources) {
    const text = readText(source.path)
    if (text === undefined) {
      if (source.origin === 'option') {
        throw new UsageError(`--config: cannot read '${source.path}'.`)
      }
      continue
    }
    const presets = parsePresetFile(text, source)
    const preset = presets.get(name)
    if (preset !== undefined) return preset
    known.push(...presets.keys())
  }
  const near = closestNames(name, known, 1)
  const searched = sources.map(source => source.path).join(', ')
  throw new UsageError(
    `no preset named '${name}' (looked in ${searched})` +
      (near.length > 0
        ? `; did you mean '${near[0]}'?`
        : known.length > 0
          ? `; the presets are ${[...new Set(known)].join(', ')}.`
          : `; add a [${name}] section to one of those files, or put -- before the command.`)
  )
}

/** The directory relative paths in a preset are read from. */
export function presetDirectory(preset: Preset): string {
  return dirname(preset.source.path)
}

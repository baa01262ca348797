import {
  checkProfileWritable,
  hasSection,
  readIfPresent,
  removeSection,
  sectionName,
  sectionValue,
  upsertSection,
  writePrivate,
  type ProfileFiles
} from './profiles.js'

/**
 * A profile whose credentials come from a `credential_process` (refresh: true): the config file
 * gets the command and the region, the credentials file nothing, so no key is ever on disk in
 * the shared files and every SDK or AWS CLI call asks the command.
 */

/**
 * The command line as the readers split it: the AWS CLI with shlex (POSIX) or the Windows
 * rules, the JavaScript SDK through /bin/sh or cmd.exe. Quoting that all of them read the same
 * way: single quotes on POSIX; double quotes on Windows, where a path with `"` or `%` (which
 * cmd.exe would expand) cannot be written safely and is refused.
 */
export function credentialProcessCommand(
  argv: readonly string[],
  platform: NodeJS.Platform = process.platform
): string {
  return argv
    .map(arg => {
      if (/[\r\n\0]/.test(arg)) throw new Error(`${JSON.stringify(arg)} has a line break`)
      if (platform === 'win32') {
        if (/["%]/.test(arg)) {
          throw new Error(
            `${arg} holds " or %, which a credential_process on Windows cannot quote (cmd.exe expands %)`
          )
        }
        return /^[\w@+=:,./\\-]+$/.test(arg) ? arg : `"${arg}"`
      }
      return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
    })
    .join(' ')
}

/** Writes `[profile NAME]` with the command and region; a same-named profile only when asked. */
export function writeProcessProfile(write: {
  profile: string
  files: ProfileFiles
  command: string
  region: string
  overwrite: boolean
}): void {
  const { profile, files } = write
  const { credentialsText, configText } = checkProfileWritable(profile, files, write.overwrite)
  // Keys of an older profile of the name would win over the command in every reader.
  const stale = sectionName('credentials', profile)
  if (hasSection(credentialsText, stale)) {
    writePrivate(files.credentials, removeSection(credentialsText, stale))
  }
  writePrivate(
    files.config,
    upsertSection(configText, sectionName('config', profile), {
      credential_process: write.command,
      region: write.region
    })
  )
}

/**
 * The post step: removes the section only while it still runs the command this step wrote
 * (another job on a shared self-hosted HOME may have replaced it since). Returns whether it did.
 */
export function removeProcessProfile(profile: string, config: string, command: string): boolean {
  const text = readIfPresent(config)
  const name = sectionName('config', profile)
  if (sectionValue(text, name, 'credential_process') !== command) return false
  writePrivate(config, removeSection(text, name))
  return true
}

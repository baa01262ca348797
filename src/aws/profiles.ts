import { createHash } from 'node:crypto'
import { chmodSync, lstatSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { ActionError, InputError } from '../shared/errors.js'
import { writePrivateFile } from '../shared/private-file.js'
import { homeFolder, isInside, pathsFor } from './home.js'

/**
 * Named profiles in the shared `credentials` and `config` files, so one job can hold several
 * narrowed sessions at once (e.g. a read-only one for plan, a scoped writer for apply). The
 * text transforms are pure; only writeProfile/removeProfile touch the disk.
 */

export interface ProfileFiles {
  credentials: string
  config: string
  /**
   * Later steps need AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE to find the files: they are
   * not at ~/.aws/…, or (Windows) HOME and USERPROFILE name different folders, so the AWS CLI
   * and the SDKs would each look in another ~/.aws.
   */
  custom: boolean
  /** Windows only: why the credentials file may be readable by others (see windowsExposure). */
  exposure?: string
}

export function profileFiles(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform
): ProfileFiles {
  const home = homeFolder(env, platform)
  const { join, isAbsolute, resolve } = pathsFor(platform)
  const defaults = {
    credentials: join(home.path, '.aws', 'credentials'),
    config: join(home.path, '.aws', 'config')
  }
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || defaults.credentials
  const config = env.AWS_CONFIG_FILE || defaults.config
  // A relative path is read against whatever directory each later tool runs in, and would put
  // the keys into the workspace, where an upload or a commit step may pick them up.
  for (const [variable, path] of [
    ['AWS_SHARED_CREDENTIALS_FILE', credentials],
    ['AWS_CONFIG_FILE', config]
  ] as const) {
    if (!isAbsolute(path)) {
      throw new InputError(
        'aws-profile',
        `${variable} is the relative path '${path}'; the profile would be written relative to the current directory (the workspace).`,
        `Set ${variable} to an absolute path outside the workspace, e.g. \${{ runner.temp }}/aws/${basename(path) || 'credentials'}.`
      )
    }
  }
  if (resolve(credentials) === resolve(config)) {
    throw new InputError(
      'aws-profile',
      `AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE both name ${credentials}; writing the config would replace the credentials.`,
      'Point them at two different files, e.g. .../aws/credentials and .../aws/config.'
    )
  }
  const exposure = platform === 'win32' ? windowsExposure(credentials, home.path) : undefined
  return {
    credentials,
    config,
    custom:
      credentials !== defaults.credentials ||
      config !== defaults.config ||
      home.disputedBy !== undefined,
    ...(exposure !== undefined ? { exposure } : {})
  }
}

/**
 * On Windows a file mode limits nothing: Node maps 0600 to "not read-only", and who may read the
 * file is decided by the access rules it inherits from its folder. Under the user's profile
 * folder (the default ~/.aws) those admit only that user, SYSTEM and administrators, so the
 * action relies on that folder, and says so when the credentials are to go anywhere else.
 */
export function windowsExposure(credentials: string, home: string): string | undefined {
  if (isInside(credentials, home, 'win32')) return undefined
  return `${credentials} is outside the user's profile folder (${home}). On Windows a file mode does not restrict readers: the file takes the access rules of its folder, which may let other accounts read these credentials. Leave AWS_SHARED_CREDENTIALS_FILE unset, or point it inside ${home}.`
}

/** The section header of a profile: `[name]` in credentials, `[profile name]` in config (but `[default]`). */
export function sectionName(file: 'credentials' | 'config', profile: string): string {
  return file === 'config' && profile !== 'default' ? `profile ${profile}` : profile
}

// A trailing `#` or `;` comment is allowed, as the AWS SDKs and botocore allow it: a header missed
// here would leave the next section inside the one being removed, or a profile looking absent.
// `[\s\S]` rather than `.`, which stops at the \r a CRLF file leaves on each line.
const HEADER = /^\s*\[([^\]]+)\]\s*(?:[#;][\s\S]*)?$/
const BLANK_OR_COMMENT = /^\s*(?:[#;][\s\S]*)?$/

export function hasSection(text: string, name: string): boolean {
  return text.split('\n').some(line => HEADER.exec(line)?.[1].trim() === name)
}

/** Removes one section (its header and lines up to the next header), keeping everything else as it was. */
export function removeSection(text: string, name: string): string {
  const out: string[] = []
  let skipping = false
  // Comments and blank lines right above a header describe that header's section, so they are
  // held back while skipping and kept if the next header ends the removed section.
  let held: string[] = []
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line)
    if (header) {
      const wasSkipping = skipping
      skipping = header[1].trim() === name
      if (wasSkipping && !skipping) {
        // One blank line already separates what came before; the removal should not add another.
        const seamIsBlank = out.length === 0 || out[out.length - 1].trim() === ''
        while (seamIsBlank && held.length > 0 && held[0].trim() === '') held.shift()
        out.push(...held)
      }
    }
    if (!skipping) out.push(line)
    else if (BLANK_OR_COMMENT.test(line)) held.push(line)
    // A key, or the header of a section being removed: what was held belongs to that section.
    else held = []
  }
  // A section removed at the end took the file's final newline with it; a blank line left above
  // it (in a CRLF file a bare '\r') becomes that newline. Otherwise the file's last line, '', is
  // still there.
  if (text.endsWith('\n')) {
    if (out.at(-1) === '\r') out[out.length - 1] = ''
    else if (out.at(-1) !== '') out.push('')
  }
  return out.join('\n')
}

export function upsertSection(text: string, name: string, entries: Record<string, string>): string {
  // A file saved with Windows line endings keeps them, so it is not left with mixed endings.
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const kept = removeSection(text, name).replace(/\s+$/, '')
  const section = [`[${name}]`, ...Object.entries(entries).map(([k, v]) => `${k} = ${v}`)].join(eol)
  return `${kept === '' ? '' : `${kept}${eol}${eol}`}${section}${eol}`
}

export interface ProfileWrite {
  profile: string
  files: ProfileFiles
  /** Long-term keys (keys without a role) have no session token. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  region: string
  overwrite: boolean
}

/**
 * Writes the profile into both files: mode 0600 in a 0700 directory, other profiles kept, a
 * profile of the same name replaced only when asked, and never through a symlink (which could
 * send the secret somewhere the workflow did not mean).
 */
export function writeProfile(write: ProfileWrite): void {
  const { profile, files } = write
  const { credentialsText, configText } = checkProfileWritable(profile, files, write.overwrite)
  writePrivate(
    files.credentials,
    upsertSection(credentialsText, sectionName('credentials', profile), {
      aws_access_key_id: write.credentials.accessKeyId,
      aws_secret_access_key: write.credentials.secretAccessKey,
      ...(write.credentials.sessionToken !== undefined && {
        aws_session_token: write.credentials.sessionToken
      })
    })
  )
  writePrivate(
    files.config,
    upsertSection(configText, sectionName('config', profile), { region: write.region })
  )
}

/** Called before STS too, so a name clash or a symlink fails the step before any request. */
export function checkProfileWritable(
  profile: string,
  files: ProfileFiles,
  overwrite: boolean
): { credentialsText: string; configText: string } {
  const credentialsText = readIfPresent(files.credentials)
  const configText = readIfPresent(files.config)
  if (
    !overwrite &&
    (hasSection(credentialsText, sectionName('credentials', profile)) ||
      hasSection(configText, sectionName('config', profile)))
  ) {
    throw new InputError(
      'aws-profile',
      `a profile named '${profile}' already exists in ${files.credentials} or ${files.config}.`,
      'Choose another name, or set overwrite-aws-profile: true to replace it.'
    )
  }
  return { credentialsText, configText }
}

/**
 * What the post step keeps to recognise its own profile: a digest of the access key id it wrote,
 * never the key id itself (state is not masked).
 */
export function accessKeyDigest(accessKeyId: string): string {
  return createHash('sha256').update(accessKeyId).digest('hex')
}

/** The value of `key` in a section, as the SDKs read it (`key = value`). */
export function sectionValue(text: string, name: string, key: string): string | undefined {
  let inside = false
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line)
    if (header) {
      inside = header[1].trim() === name
      continue
    }
    const entry = /^\s*([^=\s]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (inside && entry?.[1] === key) return entry[2]
  }
  return undefined
}

/**
 * The post step: takes out exactly the sections this profile added, and only while the
 * credentials section still holds the key this run wrote. On a self-hosted runner another job
 * may share HOME and have written a profile of the same name since; that one stays.
 * Returns whether it removed anything.
 */
export function removeProfile(
  profile: string,
  files: Pick<ProfileFiles, 'credentials' | 'config'>,
  keyDigest: string
): boolean {
  const written = sectionValue(
    readIfPresent(files.credentials),
    sectionName('credentials', profile),
    'aws_access_key_id'
  )
  if (written === undefined || accessKeyDigest(written) !== keyDigest) return false
  for (const [file, path] of [
    ['credentials', files.credentials],
    ['config', files.config]
  ] as const) {
    const text = readIfPresent(path)
    const name = sectionName(file, profile)
    if (hasSection(text, name)) writePrivate(path, removeSection(text, name))
  }
  return true
}

export function readIfPresent(path: string): string {
  refuseSymlink(path)
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
}

function refuseSymlink(path: string): void {
  for (const candidate of [path, dirname(path)]) {
    let isLink: boolean
    try {
      isLink = lstatSync(candidate).isSymbolicLink()
    } catch {
      continue
    }
    if (isLink) {
      throw new ActionError(
        `${candidate} is a symbolic link; credentials are not written through links. Point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE at a regular file.`,
        'Profile file is a symlink'
      )
    }
  }
}

export function writePrivate(path: string, text: string): void {
  const directory = dirname(path)
  const created = mkdirSync(directory, { recursive: true, mode: 0o700 })
  // Tighten ~/.aws, but never a folder the workflow chose that others may share.
  if (created !== undefined || basename(directory) === '.aws') chmodSync(directory, 0o700)
  writePrivateFile(path, text)
}

import * as core from '@actions/core'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  REFRESH_SETTINGS_FILE,
  processCredentials,
  refreshCacheFile,
  storeCredentials
} from '../aws/credential-cache.js'
import { credentialProcessCommand, writeProcessProfile } from '../aws/process-profile.js'
import { profileFiles } from '../aws/profiles.js'
import type { AssumedSession } from '../aws/sts.js'
import { refreshFileFor } from '../flows/refresh.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import type { AssumeSettings } from '../settings/settings.js'
import { ActionError } from '../shared/errors.js'
import type { SourceChoice } from '../sources/choose.js'
import {
  REFRESH_FOLDER_PREFIX,
  rememberExportedVariables,
  rememberRefreshProfile
} from './state.js'

/**
 * refresh: true at the runner edge. The profile's credential_process is the command line's
 * launcher, run by the node that runs this step (process.execPath: the runner's own node, or
 * in a container job the one the runner mounts into the container, which the later steps of
 * that container share), with a settings file in RUNNER_TEMP. Every path is as this step sees
 * it, which is how the later steps of the same job see it too.
 */

/** The launcher beside this bundle (dist/cli.cjs). */
const LAUNCHER = 'cli.cjs'

/**
 * Variables that win over AWS_PROFILE in the SDKs or the AWS CLI (which reads
 * AWS_DEFAULT_PROFILE first): left in place they would hand out fixed keys, or another profile,
 * instead of the one that renews itself.
 */
const WINNING_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_DEFAULT_PROFILE'
]

export interface RefreshPlace {
  temp: string
  launcher: string
}

/** Checked before any request: where the files go, and that the command can be written. */
export function prepareRefresh(): RefreshPlace {
  const temp = process.env.RUNNER_TEMP
  if (!temp || !isAbsolute(temp)) {
    throw new ActionError(
      'refresh: true keeps its settings in RUNNER_TEMP, which is not set to an absolute path here. Run the step on a GitHub Actions runner, or set refresh: false.',
      'Cannot refresh here'
    )
  }
  const launcher = join(dirname(fileURLToPath(import.meta.url)), LAUNCHER)
  if (!existsSync(launcher)) {
    throw new ActionError(
      `refresh: true runs ${launcher}, which this copy of the action lacks. Use a released version of the action.`,
      'Cannot refresh here'
    )
  }
  try {
    command({ temp, launcher }, join(temp, `${REFRESH_FOLDER_PREFIX}XXXXXX`, REFRESH_SETTINGS_FILE))
  } catch (error) {
    throw new ActionError(
      `refresh: true cannot write a credential_process here: ${(error as Error).message}. Set refresh: false.`,
      'Cannot refresh here'
    )
  }
  return { temp, launcher }
}

const command = (place: RefreshPlace, settingsFile: string): string =>
  credentialProcessCommand([
    process.execPath,
    place.launcher,
    'credential-process',
    '--settings-file',
    settingsFile
  ])

/**
 * Writes the settings file (no secret), fills the cache with the session just checked, writes
 * the profile, and points the later steps at it. No fixed key is exported.
 */
export function exportRefreshProfile(
  run: {
    session: AssumedSession
    source: SourceChoice
    settings: AssumeSettings
    policy: SessionPolicy
  },
  place: RefreshPlace,
  forgotten: readonly string[]
): void {
  const { settings, session } = run
  const profile = settings.awsProfile!
  const files = profileFiles(process.env)
  if (files.exposure !== undefined) core.warning(files.exposure)
  // mkdtemp: private (0700) and unguessable, so nothing can be planted in it beforehand.
  const directory = mkdtempSync(join(place.temp, REFRESH_FOLDER_PREFIX))
  const settingsFile = join(directory, REFRESH_SETTINGS_FILE)
  const line = command(place, settingsFile)
  try {
    const file = refreshFileFor(settings, run.policy, run.source, session, process.env)
    writeFileSync(settingsFile, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    storeCredentials(
      refreshCacheFile(settingsFile),
      processCredentials(session.credentials),
      Date.now()
    )
    writeProcessProfile({
      profile,
      files,
      command: line,
      region: settings.region,
      overwrite: settings.overwriteAwsProfile
    })
  } catch (error) {
    rmSync(directory, { recursive: true, force: true })
    throw error
  }
  if (settings.cleanupCredentials) {
    rememberRefreshProfile({ profile, config: files.config, command: line, directory })
  }
  const variables: Record<string, string> = {}
  const winning = WINNING_VARIABLES.filter(name => process.env[name] || forgotten.includes(name))
  for (const name of winning) variables[name] = ''
  variables.AWS_PROFILE = profile
  // Later steps find files outside ~/.aws only through these.
  if (files.custom) {
    variables.AWS_SHARED_CREDENTIALS_FILE = files.credentials
    variables.AWS_CONFIG_FILE = files.config
  }
  if (settings.cleanupCredentials) rememberExportedVariables(Object.keys(variables))
  for (const [name, value] of Object.entries(variables)) core.exportVariable(name, value)
  if (winning.length > 0) {
    core.info(
      `Unset ${winning.join(', ')} for the later steps: they would win over AWS_PROFILE=${profile}.`
    )
  }
  core.info(
    `Wrote profile '${profile}' to ${files.config}: its credential_process renews the session from ${run.source.label.replace(/ \(.*\)$/, '')} with the same session policy, ${settings.durationSeconds} s at a time, until the end of the job. Later steps get AWS_PROFILE=${profile}.`
  )
}

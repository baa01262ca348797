import * as core from '@actions/core'
import { removeProfile } from '../aws/profiles.js'
import { rmSync } from 'node:fs'
import { basename, isAbsolute } from 'node:path'
import { removeProcessProfile } from '../aws/process-profile.js'
import { stopRecording } from './record.js'
import {
  REFRESH_FOLDER_PREFIX,
  exportedVariablesToClean,
  refreshProfileToRemove,
  writtenProfileToRemove
} from './state.js'

/**
 * The post step: blanks the variables the main step exported and removes the profile it wrote,
 * as recorded in its state (never a guessed list). A problem here is a warning: the job's own result must not depend on it.
 */
export async function runCleanup(): Promise<void> {
  // The recording is a report, not a credential: it is written even when cleanup is skipped.
  try {
    await stopRecording()
  } catch (error) {
    core.warning(`Could not report the recorded AWS calls: ${(error as Error).message}`)
  }
  // The job-wide switch of aws-actions/configure-aws-credentials. action.yml's post-if already
  // keeps the runner from starting this step; a runner that ignores post-if gets the same.
  if ((process.env.AWS_SKIP_CLEANUP_STEP ?? '').toLowerCase() === 'true') {
    core.info(
      'AWS_SKIP_CLEANUP_STEP is true: the exported variables and the profile are left as they are.'
    )
    return
  }
  try {
    const names = exportedVariablesToClean()
    for (const name of names) core.exportVariable(name, '')
    if (names.length > 0) core.info(`Cleared ${names.join(', ')}.`)
  } catch (error) {
    core.warning(`Could not clear the exported AWS credentials: ${(error as Error).message}`)
  }
  try {
    const written = writtenProfileToRemove()
    if (written !== undefined) {
      if (removeProfile(written.profile, written, written.keyDigest)) {
        core.info(
          `Removed profile '${written.profile}' from ${written.credentials} and ${written.config}.`
        )
      } else {
        core.info(
          `Left profile '${written.profile}' in ${written.credentials}: it no longer holds the credentials this step wrote (another job or step has replaced it).`
        )
      }
    }
  } catch (error) {
    core.warning(`Could not remove the AWS profile this step wrote: ${(error as Error).message}`)
  }
  try {
    removeRefreshProfile()
  } catch (error) {
    core.warning(
      `Could not remove the refreshing profile or its files: ${(error as Error).message}`
    )
  }
}

/** refresh: true: the profile (while it is still ours), the settings file and the cache. */
function removeRefreshProfile(): void {
  const written = refreshProfileToRemove()
  if (written === undefined) return
  if (removeProcessProfile(written.profile, written.config, written.command)) {
    core.info(`Removed profile '${written.profile}' from ${written.config}.`)
  } else {
    core.info(
      `Left profile '${written.profile}' in ${written.config}: it no longer runs the command this step wrote (another job or step has replaced it).`
    )
  }
  // Only a folder this action made: the state names it, and its name says whose it is.
  if (
    isAbsolute(written.directory) &&
    basename(written.directory).startsWith(REFRESH_FOLDER_PREFIX)
  ) {
    rmSync(written.directory, { recursive: true, force: true })
    core.info(`Removed ${written.directory} (the refresh settings and cache).`)
  }
}

import * as core from '@actions/core'

/** Names the main step saves for the post step; both entry points use these, nothing else. */
const EXPORTED_VARIABLES = 'exported-variables'

/** Saved before exporting, so even a step that fails mid-export is cleaned up afterwards. */
export function rememberExportedVariables(names: readonly string[]): void {
  core.saveState(EXPORTED_VARIABLES, JSON.stringify(names))
}

export function exportedVariablesToClean(): string[] {
  const saved = core.getState(EXPORTED_VARIABLES)
  if (saved === '') return []
  const names: unknown = JSON.parse(saved)
  if (!Array.isArray(names) || !names.every(n => typeof n === 'string' && /^[A-Z_]+$/.test(n))) {
    throw new Error(`the saved state '${EXPORTED_VARIABLES}' is not a list of variable names`)
  }
  return names
}

const WRITTEN_PROFILE = 'written-profile'

export interface WrittenProfile {
  profile: string
  credentials: string
  config: string
  /** accessKeyDigest of the key written: the post step removes the section only while it holds it. */
  keyDigest: string
}

/** Saved only once the files are written: a step that failed to write owns no profile to remove. */
export function rememberWrittenProfile(profile: WrittenProfile): void {
  core.saveState(WRITTEN_PROFILE, JSON.stringify(profile))
}

export function writtenProfileToRemove(): WrittenProfile | undefined {
  const saved = core.getState(WRITTEN_PROFILE)
  if (saved === '') return undefined
  const profile = JSON.parse(saved) as WrittenProfile
  if (
    typeof profile.profile !== 'string' ||
    typeof profile.credentials !== 'string' ||
    typeof profile.config !== 'string' ||
    typeof profile.keyDigest !== 'string'
  ) {
    throw new Error(`the saved state '${WRITTEN_PROFILE}' is not a profile`)
  }
  return profile
}

const REFRESH_PROFILE = 'refresh-profile'
/** The folder in RUNNER_TEMP that holds a refreshing profile's settings and cache. */
export const REFRESH_FOLDER_PREFIX = 'scoped-role-refresh-'

/** refresh: true: the profile's config section, the command it runs, and the folder of its files. */
export interface RefreshProfile {
  profile: string
  config: string
  /** The credential_process written: the post step removes the section only while it runs this. */
  command: string
  /** Holds the settings file and the cache; in RUNNER_TEMP. */
  directory: string
}

export function rememberRefreshProfile(profile: RefreshProfile): void {
  core.saveState(REFRESH_PROFILE, JSON.stringify(profile))
}

export function refreshProfileToRemove(): RefreshProfile | undefined {
  const saved = core.getState(REFRESH_PROFILE)
  if (saved === '') return undefined
  const profile = JSON.parse(saved) as RefreshProfile
  if (
    !['profile', 'config', 'command', 'directory'].every(
      key => typeof profile[key as keyof RefreshProfile] === 'string'
    )
  ) {
    throw new Error(`the saved state '${REFRESH_PROFILE}' is not a profile`)
  }
  return profile
}

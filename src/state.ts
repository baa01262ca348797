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

import { InputError } from '../shared/errors.js'
import { INPUT_NAMES } from './input-names.js'
import { editDistance } from '../shared/suggest.js'

/**
 * The runner only warns about an input the action does not declare ("Unexpected input"), so a
 * misspelt safety input (`forbid-action`, `allowed_account_ids`, `require-session-polcy`)
 * would silently switch its check off while the step succeeds. The runner passes every input
 * as INPUT_<NAME> (upper-cased, spaces to `_`, hyphens kept), undeclared ones included, so they
 * can be seen here: one close to a declared name, or about a session policy, fails the step;
 * any other is a warning that names the real inputs.
 */
export interface UndeclaredInputs {
  error?: InputError
  warnings: string[]
}

// The declared names hold no spaces, so upper-casing is the whole of the runner's mapping for them.
const DECLARED = new Set(INPUT_NAMES.map(name => `INPUT_${name.toUpperCase()}`))

/** How many edits still count as a typo of a name this long: one for short names, up to three. */
export function typoDistance(length: number): number {
  return Math.min(3, Math.max(1, Math.floor(length / 6)))
}

/** The declared input an undeclared name most likely meant, if it is close enough to be a typo. */
export function intendedInput(written: string): string | undefined {
  const normalised = written.toLowerCase().replace(/[_ ]/g, '-')
  let best: { name: string; distance: number } | undefined
  for (const name of INPUT_NAMES) {
    const distance = editDistance(normalised, name, typoDistance(name.length))
    if (distance <= typoDistance(name.length) && (best === undefined || distance < best.distance))
      best = { name, distance }
  }
  return best?.name
}

export function checkUndeclaredInputs(envNames: Iterable<string>): UndeclaredInputs {
  const errors: Array<{ written: string; meant?: string }> = []
  const warnings: string[] = []
  for (const envName of envNames) {
    if (!envName.startsWith('INPUT_') || DECLARED.has(envName)) continue
    const written = envName.slice('INPUT_'.length).toLowerCase()
    const meant = intendedInput(written)
    if (meant !== undefined || written.includes('polic')) {
      errors.push({ written, meant })
    } else {
      warnings.push(
        `'${written}' is not an input of this action and was ignored. The inputs are: ${INPUT_NAMES.join(', ')}.`
      )
    }
  }
  if (errors.length === 0) return { warnings }
  const [first] = errors
  const others = errors.slice(1).map(e => `'${e.written}'`)
  return {
    warnings,
    error: new InputError(
      first.written,
      `is not an input of this action, so the step would run as if it were not there${
        first.written.includes('polic') ? ' (no session policy would be applied from it)' : ''
      }${others.length > 0 ? `; nor are ${others.join(', ')}` : ''}.`,
      `${errors
        .map(e =>
          e.meant !== undefined
            ? `Did you mean '${e.meant}'?`
            : `'${e.written}': the session-policy inputs are inline-session-policy, inline-session-policy-file and managed-session-policies.`
        )
        .join(' ')} Input names are written exactly as declared, with hyphens.`
    )
  }
}

import * as core from '@actions/core'
import { INPUT_NAMES } from '../settings/input-names.js'
import { SECRET_INPUTS, type RawInputs } from '../settings/input-rules.js'
import { checkFallbackVariables } from '../settings/compatibility.js'
import { checkUndeclaredInputs } from '../settings/undeclared-inputs.js'

/**
 * The only module that reads the step's inputs. Secret inputs are masked the moment they are
 * read, before anything could print them; a misspelt input stops the step here, before any
 * request, and any other undeclared one is a warning.
 */
export function readInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  const raw = {} as RawInputs
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name)
  for (const name of SECRET_INPUTS) if (raw[name] !== '') core.setSecret(raw[name])
  // mask-aws-account-id promises that the account never shows, and an input error may quote an
  // ARN (also a mistyped one, so every long run of digits counts).
  if (raw['mask-aws-account-id'].toLowerCase() === 'true') {
    for (const id of accountLikeNumbers(Object.values(raw))) core.setSecret(id)
  }
  const undeclared = checkUndeclaredInputs(Object.keys(env))
  if (undeclared.error !== undefined) throw undeclared.error
  for (const warning of undeclared.warnings) core.warning(warning)
  const fallbacks = checkFallbackVariables(raw, env)
  if (fallbacks.error !== undefined) throw fallbacks.error
  for (const warning of fallbacks.warnings) core.warning(warning)
  return raw
}

export function accountLikeNumbers(values: readonly string[]): string[] {
  return [...new Set(values.flatMap(value => value.match(/(?<!\d)\d{10,14}(?!\d)/g) ?? []))]
}

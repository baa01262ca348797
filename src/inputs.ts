import * as core from '@actions/core'
import { INPUT_NAMES, SECRET_INPUTS, findMisspeltPolicyInput, type RawInputs } from './settings.js'

/**
 * The only module that reads the step's inputs. Secret inputs are masked the moment they are
 * read, before anything could print them; a misspelt policy input stops the step here.
 */
export function readInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  const raw = {} as RawInputs
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name)
  for (const name of SECRET_INPUTS) if (raw[name] !== '') core.setSecret(raw[name])
  const misspelt = findMisspeltPolicyInput(Object.keys(env))
  if (misspelt !== undefined) throw misspelt
  return raw
}

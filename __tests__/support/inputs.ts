/** Shared by the unit tests of input handling: raw inputs as the runner gives them, and errors. */
import { InputError } from '../../src/shared/errors.js'
import { INPUT_NAMES } from '../../src/settings/input-names.js'
import type { RawInputs } from '../../src/settings/input-rules.js'
import { parseSettings, type SettingsContext } from '../../src/settings/parse.js'
import type { AssumeSettings, Settings } from '../../src/settings/settings.js'
import { RUNNER_WORDING } from '../../src/action/wording.js'

export const TEST_ROLE = 'arn:aws:iam::111122223333:role/deploy'

/** Every declared input empty (as when not given), a role and a region, then the overrides. */
export function rawInputs(overrides: Partial<RawInputs> = {}): RawInputs {
  const inputs = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as RawInputs
  return { ...inputs, 'role-to-assume': TEST_ROLE, 'aws-region': 'us-east-1', ...overrides }
}

const noFile = (): string => {
  throw Object.assign(new Error('missing'), { code: 'ENOENT' })
}

/** parseSettings of rawInputs(overrides), in workspace /ws with no files unless given. */
export function settingsOf(
  overrides: Partial<RawInputs> = {},
  context: Partial<SettingsContext> = {}
): Settings {
  return parseSettings(rawInputs(overrides), {
    env: {},
    workspace: '/ws',
    readFile: noFile,
    wording: RUNNER_WORDING,
    ...context
  })
}

/** settingsOf for inputs of mode: assume (the default). */
export function assumeSettingsOf(
  overrides: Partial<RawInputs> = {},
  context: Partial<SettingsContext> = {}
): AssumeSettings {
  const settings = settingsOf(overrides, context)
  if (settings.mode !== 'assume') throw new Error(`expected mode assume, got ${settings.mode}`)
  return settings
}

/** The InputError `fn` throws; any other outcome fails the test. */
export function errorOf(fn: () => unknown): InputError {
  try {
    fn()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

/** The input and the whole line a user reads of the InputError `fn` throws. */
export function refusal(fn: () => unknown): { input: string; message: string } {
  const { input, message } = errorOf(fn)
  return { input, message }
}

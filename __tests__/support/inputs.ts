/** Shared by the unit tests of input handling: raw inputs as the runner gives them, and errors. */
import { InputError } from '../../src/shared/errors.js'
import { INPUT_NAMES, type RawInputs } from '../../src/settings/settings.js'

export const TEST_ROLE = 'arn:aws:iam::111122223333:role/deploy'

/** Every declared input empty (as when not given), a role and a region, then the overrides. */
export function rawInputs(overrides: Partial<RawInputs> = {}): RawInputs {
  const inputs = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as RawInputs
  return { ...inputs, 'role-to-assume': TEST_ROLE, 'aws-region': 'us-east-1', ...overrides }
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

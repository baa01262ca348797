// Where a mutation run records which file each test is in: in the sandbox Stryker runs in,
// which it removes afterwards.
import { fileURLToPath } from 'node:url'

export const MUTATION_TEST_FILES = fileURLToPath(
  new URL('../../.mutation-tests.jsonl', import.meta.url)
)

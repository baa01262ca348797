import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { InlinePolicySource } from '../policy/session-policy.js'
import { FileRefused, readBoundedTextFile } from '../shared/bounded-file.js'
import { InputError } from '../shared/errors.js'
import type { FrontWording } from '../shared/front.js'
import type { RawInputs } from './input-rules.js'

/** A pretty-printed policy within STS's limits is a few kilobytes; nothing legitimate comes near this. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024

/**
 * Reads a policy file, which may come from a pull request: only a regular file, at most
 * MAX_POLICY_FILE_BYTES; with `roots`, a symlink must end inside one of them.
 */
export function readPolicyFile(path: string, roots?: readonly string[]): string {
  return readBoundedTextFile(path, {
    maxBytes: MAX_POLICY_FILE_BYTES,
    ...(roots !== undefined && { roots: [...roots] })
  }).text
}

/**
 * The inline session policy as written, from inline-session-policy or from the file
 * inline-session-policy-file names (relative to `workspace`). `readFile` is the front's bounded
 * reader; what it refuses is reported here with the input's name.
 */
export function parseInlinePolicySource(
  raw: RawInputs,
  workspace: string,
  readFile: (path: string) => string,
  wording: Pick<FrontWording, 'missingFile'>
): InlinePolicySource | undefined {
  const text = raw['inline-session-policy']
  const file = raw['inline-session-policy-file']
  if (text !== '' && file !== '') {
    throw new InputError(
      'inline-session-policy-file',
      'is set together with inline-session-policy; a session has one inline policy.',
      'Keep one of the two (managed-session-policies can be combined with either).'
    )
  }
  if (text !== '') return { text, input: 'inline-session-policy' }
  if (file === '') return undefined
  const path = isAbsolute(file) ? file : resolve(workspace, file)
  const shown = relative(workspace, path)
  // Outside the workspace: '..' or '../…' (a file named '..x' is inside), or on another drive.
  const outside = shown === '..' || shown.startsWith(`..${sep}`) || isAbsolute(shown)
  const location = outside ? path : shown
  try {
    return { text: readFile(path), input: 'inline-session-policy-file', file: location }
  } catch (error) {
    if (error instanceof FileRefused && !error.reason.startsWith('ENOENT')) {
      throw new InputError(
        'inline-session-policy-file',
        `cannot use '${file}' (${path}): it ${error.reason}.`,
        'Point it at a regular JSON file in the repository (a session policy is at most 2048 characters once minified).',
        { file: location }
      )
    }
    const reason =
      error instanceof FileRefused
        ? error.reason
        : ((error as NodeJS.ErrnoException).code ?? String(error))
    throw new InputError(
      'inline-session-policy-file',
      `cannot read '${file}' (looked at ${path}: ${reason}).`,
      wording.missingFile
    )
  }
}

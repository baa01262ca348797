import { InputError } from '../shared/errors.js'
import { JsonReadError, readPolicyJson } from './json-reader.js'

/** STS's limit on the inline session policy, counted after minifying. */
export const MAX_INLINE_POLICY_CHARS = 2048

export interface MinifiedPolicy {
  /** As sent to STS. */
  text: string
  /** The same policy, parsed, for the checks that follow. */
  document: object
}

/**
 * Parses and minifies an inline session policy, and applies STS's size and character rules to
 * the result (the only place they are applied). Whitespace counts against the 2048-character
 * limit, so a pretty-printed policy that would be refused as sent usually fits once minified.
 */
export function minifyInlinePolicy(text: string, input: string, file?: string): MinifiedPolicy {
  let document: unknown
  try {
    document = readPolicyJson(text)
  } catch (error) {
    if (!(error instanceof JsonReadError)) throw error
    throw new InputError(
      input,
      `${file === undefined ? '' : `${file} `}is not valid JSON: ${error.message}.`,
      EXAMPLE_FIX,
      file === undefined ? undefined : { file, line: error.line, column: error.column }
    )
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new InputError(input, 'must be a JSON object (a policy document).', EXAMPLE_FIX)
  }
  if (!('Statement' in document)) {
    throw new InputError(input, 'has no "Statement".', EXAMPLE_FIX)
  }
  const minified = JSON.stringify(document)
  const offending = findDisallowedCharacter(minified)
  if (offending !== undefined) {
    throw new InputError(
      input,
      `contains '${offending.char}' (U+${offending.codePoint}) near "${offending.context}"; STS accepts only tab, line breaks and characters U+0020 to U+00FF in a session policy.`,
      'Replace it with plain ASCII text.'
    )
  }
  if (minified.length > MAX_INLINE_POLICY_CHARS) {
    throw new InputError(
      input,
      `is ${minified.length} characters after minifying; STS accepts at most ${MAX_INLINE_POLICY_CHARS}.`,
      'Merge statements, use wildcards such as "s3:Get*", or move part of it into managed-session-policies.'
    )
  }
  return { text: minified, document }
}

const EXAMPLE_FIX =
  'Write a policy such as {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}.'

function findDisallowedCharacter(
  text: string
): { char: string; codePoint: string; context: string } | undefined {
  for (let i = 0; i < text.length; i++) {
    // The text is JSON.stringify's: it escapes every control character, tab and line breaks
    // included, so only the upper bound can be crossed.
    if (text.charCodeAt(i) > 0xff) {
      const point = text.codePointAt(i)!
      return {
        char: String.fromCodePoint(point),
        codePoint: point.toString(16).toUpperCase().padStart(4, '0'),
        context: text.slice(Math.max(0, i - 20), i + 2)
      }
    }
  }
  return undefined
}

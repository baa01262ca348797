import type { SessionTag } from '../aws/sts.js'
import { InputError } from '../shared/errors.js'
import { splitList } from './list-input.js'

/** STS's rules for session tags (AssumeRole only; web identity takes its tags from the token). */
export const MAX_SESSION_TAGS = 50
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

/** `role-session-tags`: one `key=value` a line (or comma-separated). */
export function parseSessionTags(text: string, input = 'role-session-tags'): SessionTag[] {
  const tags: SessionTag[] = []
  for (const entry of splitList(text)) {
    const equals = entry.indexOf('=')
    if (equals <= 0) {
      throw new InputError(
        input,
        `'${entry}' is not key=value.`,
        'Write one tag a line, e.g. Team=payments.'
      )
    }
    tags.push({ key: entry.slice(0, equals).trim(), value: entry.slice(equals + 1).trim() })
  }
  return tags
}

/**
 * Tags naming the run, for `tag-session-with-github-context`. Values are cleaned to the
 * characters STS accepts, since workflow names and refs may hold others.
 */
export function githubContextTags(env: Record<string, string | undefined>): SessionTag[] {
  const context: Array<[string, string | undefined]> = [
    ['Repository', env.GITHUB_REPOSITORY],
    ['Workflow', env.GITHUB_WORKFLOW],
    ['RunId', env.GITHUB_RUN_ID],
    ['Actor', env.GITHUB_ACTOR],
    ['Ref', env.GITHUB_REF],
    ['Commit', env.GITHUB_SHA]
  ]
  return context
    .filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => ({
      key,
      value: value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256)
    }))
}

/** Explicit tags win over context tags of the same key (keys are case-insensitive in STS). */
export function mergeTags(context: SessionTag[], explicit: SessionTag[]): SessionTag[] {
  const explicitKeys = new Set(explicit.map(t => t.key.toLowerCase()))
  return [...context.filter(t => !explicitKeys.has(t.key.toLowerCase())), ...explicit]
}

export function checkSessionTags(tags: SessionTag[], transitiveKeys: string[]): void {
  if (tags.length > MAX_SESSION_TAGS) {
    throw new InputError(
      'role-session-tags',
      `adds up to ${tags.length} tags; STS accepts at most ${MAX_SESSION_TAGS}.`,
      'Drop some tags (tag-session-with-github-context adds 6).'
    )
  }
  const seen = new Set<string>()
  for (const { key, value } of tags) {
    if (
      key.length < 1 ||
      key.length > 128 ||
      !TAG_CHARS.test(key) ||
      key.toLowerCase().startsWith('aws:')
    ) {
      throw new InputError(
        'role-session-tags',
        `tag key '${key}' is not valid: 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:.`,
        'Rename the key.'
      )
    }
    if (value.length > 256 || !TAG_CHARS.test(value)) {
      throw new InputError(
        'role-session-tags',
        `the value of tag '${key}' is not valid: at most 256 letters, digits, spaces and _ . : / = + - @.`,
        'Shorten it or replace the other characters.'
      )
    }
    if (seen.has(key.toLowerCase())) {
      throw new InputError(
        'role-session-tags',
        `tag key '${key}' is given twice; STS compares tag keys without regard to case.`,
        'Keep one of them.'
      )
    }
    seen.add(key.toLowerCase())
  }
  if (transitiveKeys.length > MAX_SESSION_TAGS) {
    throw new InputError(
      'transitive-tag-keys',
      `lists ${transitiveKeys.length} keys; STS accepts at most 50.`
    )
  }
  for (const key of transitiveKeys) {
    if (!seen.has(key.toLowerCase())) {
      throw new InputError(
        'transitive-tag-keys',
        `'${key}' is not one of the session tags.`,
        `Add ${key}=VALUE to role-session-tags, or remove it here.`
      )
    }
  }
}

import type { SessionTag } from '../aws/sts.js'
import { JsonReadError, readPolicyJson } from '../policy/json-reader.js'
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
 * `custom-tags`: a JSON object of tag keys to strings, numbers or booleans. Keys and values are
 * checked, not cleaned: what the workflow wrote is what STS gets, or the step says why not.
 */
export function parseCustomTags(text: string): SessionTag[] {
  if (text.trim() === '') return []
  let parsed: unknown
  try {
    parsed = readPolicyJson(text)
  } catch (error) {
    throw new InputError(
      'custom-tags',
      `is not valid JSON: ${error instanceof JsonReadError ? error.message : String(error)}.`,
      'Write a JSON object, e.g. {"Team": "payments", "CostCenter": 42}.'
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(
      'custom-tags',
      'is not a JSON object.',
      'Write a JSON object, e.g. {"Team": "payments", "CostCenter": 42}.'
    )
  }
  return Object.entries(parsed).map(([key, value]) => {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new InputError(
        'custom-tags',
        `the value of '${key}' is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}; a tag value is a string, number or boolean.`,
        `Write e.g. "${key}": "value".`
      )
    }
    return { key, value: String(value) }
  })
}

/** The characters STS refuses in a tag value, replaced with _ in values taken from the run. */
const cleanTagValue = (value: string): string =>
  value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256)

function tagsFromRun(context: Array<[string, string | undefined]>): SessionTag[] {
  return context
    .filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => ({ key, value: cleanTagValue(value) }))
}

/**
 * Tags naming the run, for `tag-session-with-github-context`. Values are cleaned to the
 * characters STS accepts, since workflow names and refs may hold others.
 */
export function githubContextTags(env: Record<string, string | undefined>): SessionTag[] {
  return tagsFromRun([
    ['Repository', env.GITHUB_REPOSITORY],
    ['Workflow', env.GITHUB_WORKFLOW],
    ['RunId', env.GITHUB_RUN_ID],
    ['Actor', env.GITHUB_ACTOR],
    ['Ref', env.GITHUB_REF],
    ['Commit', env.GITHUB_SHA]
  ])
}

/** The tags of configureAwsCredentialsTags that go first when the packed space runs out. */
export const DROPPABLE_TAG_KEYS = [
  'EventName',
  'BaseRef',
  'HeadRef',
  'RunId',
  'Job',
  'TriggeringActor'
] as const

/**
 * `tag-session-like-configure-aws-credentials`: the tags aws-actions/configure-aws-credentials
 * sends by default, in its order, with its keys and values (Branch is the full ref); a tag
 * whose variable is empty is left out.
 */
export function configureAwsCredentialsTags(env: Record<string, string | undefined>): SessionTag[] {
  const droppable: Record<(typeof DROPPABLE_TAG_KEYS)[number], string | undefined> = {
    EventName: env.GITHUB_EVENT_NAME,
    BaseRef: env.GITHUB_BASE_REF,
    HeadRef: env.GITHUB_HEAD_REF,
    RunId: env.GITHUB_RUN_ID,
    Job: env.GITHUB_JOB,
    TriggeringActor: env.GITHUB_TRIGGERING_ACTOR
  }
  return tagsFromRun([
    ['GitHub', 'Actions'],
    ['Repository', env.GITHUB_REPOSITORY],
    ['Workflow', env.GITHUB_WORKFLOW],
    ['Action', env.GITHUB_ACTION],
    ['Actor', env.GITHUB_ACTOR],
    ['Commit', env.GITHUB_SHA],
    ['Branch', env.GITHUB_REF],
    ...Object.entries(droppable)
  ])
}

/** Explicit tags win over context tags of the same key (keys are case-insensitive in STS). */
export function mergeTags(context: SessionTag[], explicit: SessionTag[]): SessionTag[] {
  const explicitKeys = new Set(explicit.map(t => t.key.toLowerCase()))
  return [...context.filter(t => !explicitKeys.has(t.key.toLowerCase())), ...explicit]
}

export function checkSessionTags(
  tags: SessionTag[],
  transitiveKeys: string[],
  input = 'role-session-tags'
): void {
  if (tags.length > MAX_SESSION_TAGS) {
    throw new InputError(
      input,
      `adds up to ${tags.length} tags; STS accepts at most ${MAX_SESSION_TAGS}.`,
      'Drop some tags (tag-session-with-github-context adds 6, tag-session-like-configure-aws-credentials up to 13).'
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
        input,
        `tag key '${key}' is not valid: 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:.`,
        'Rename the key.'
      )
    }
    if (value.length > 256 || !TAG_CHARS.test(value)) {
      throw new InputError(
        input,
        `the value of tag '${key}' is not valid: at most 256 letters, digits, spaces and _ . : / = + - @.`,
        'Shorten it or replace the other characters.'
      )
    }
    if (seen.has(key.toLowerCase())) {
      throw new InputError(
        input,
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

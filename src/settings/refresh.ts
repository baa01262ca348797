import { InputError } from '../shared/errors.js'
import { isGiven, parseBoolean } from './fields.js'
import type { RawInputs } from './input-rules.js'
import type { Mode, SourceRequest } from './settings.js'

/**
 * refresh: true writes a profile whose credential_process assumes the role again whenever the
 * session nears its end. Only sources that can be asked again without keeping a secret on disk
 * can do that; everything else is refused here, before any request, with what works instead.
 */

/** The profile refresh: true writes when aws-profile is not given. */
export const DEFAULT_REFRESH_PROFILE = 'scoped-role'

/** What renews a session: the job's OIDC token, a token file read anew, or the default chain. */
const WHAT_WORKS =
  'Use GitHub OIDC (permissions: id-token: write), web-identity-token-file, or an instance or container role found by the default chain; or set refresh: false.'

/** refresh, checked on its own: mode scope narrows credentials it cannot renew. */
export function parseRefresh(raw: RawInputs, mode: Mode): boolean {
  const refresh = parseBoolean('refresh', raw.refresh, false)
  if (refresh && mode === 'scope') {
    throw new InputError(
      'refresh',
      'cannot be used in mode: scope: GetScopedCredentials narrows the credentials already in the environment, and nothing could renew them when they expire.',
      'Use mode: assume with GitHub OIDC (permissions: id-token: write) and a session policy, which refresh: true renews with the same policy.'
    )
  }
  return refresh
}

/**
 * The inputs refresh: true cannot honour. `env` is the job's environment: credentials in its
 * variables are fixed and would win over the profile in every later step.
 */
export function checkRefreshInputs(
  raw: RawInputs,
  settings: { source: SourceRequest; unsetCurrentCredentials: boolean; httpProxy?: string },
  env: Record<string, string | undefined>
): void {
  const refuse = (input: keyof RawInputs & string, problem: string, fix: string): never => {
    throw new InputError(input, problem, fix)
  }
  const { source } = settings
  if (source.kind === 'keys') {
    refuse(
      'aws-access-key-id',
      'is set, but refresh: true would have to keep the secret access key on disk to assume the role again.',
      WHAT_WORKS
    )
  }
  if (source.kind === 'environment' && source.because === 'role-chaining') {
    refuse(
      'role-chaining',
      'assumes from the credentials an earlier step exported; they expire and cannot be renewed, so refresh: true could not assume the role again.',
      WHAT_WORKS
    )
  }
  const mayUseEnvironment =
    source.kind === 'environment' ||
    (source.kind === 'any' &&
      !(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN))
  if (mayUseEnvironment && !settings.unsetCurrentCredentials && env.AWS_ACCESS_KEY_ID) {
    refuse(
      'refresh',
      'would assume the role with AWS_ACCESS_KEY_ID from the environment: fixed keys that the later steps would also see, and that would win over the profile there.',
      `${WHAT_WORKS} An instance role needs no AWS_ACCESS_KEY_ID in the environment.`
    )
  }
  if (isGiven(raw['mfa-token-code'])) {
    refuse(
      'mfa-token-code',
      'works once; refresh: true could not send a new code when the session is renewed.',
      'Remove mfa-serial-number and mfa-token-code, or set refresh: false.'
    )
  }
  if (isGiven(raw['role-external-id'])) {
    refuse(
      'role-external-id',
      "is a value shared with the role's owner, which refresh: true would have to keep on disk.",
      'Trust the job through GitHub OIDC instead (no external id), or set refresh: false.'
    )
  }
  for (const input of ['export-env', 'output-env-credentials'] as const) {
    if (parseBoolean(input, raw[input], false)) {
      refuse(
        input,
        'is true, but refresh: true exports no fixed keys: they would win over the profile and stop working when the session ends.',
        `Remove ${input}; later steps get AWS_PROFILE.`
      )
    }
  }
  // What the renewal cannot repeat: it assumes the one role again, once, with what the settings
  // file holds.
  if (isGiven(raw['via-roles'])) {
    refuse(
      'via-roles',
      'passes through other roles first, and each hop would have to be renewed from the one before it.',
      'Give the target role OIDC trust itself and assume it directly, or set refresh: false.'
    )
  }
  for (const [input, why] of [
    [
      'use-existing-credentials',
      'keeps credentials from the environment, which nothing could renew'
    ],
    [
      'special-characters-workaround',
      'assumes again until the keys hold no punctuation, which a renewal does not repeat'
    ],
    [
      'tag-session-like-configure-aws-credentials',
      'drops tags and assumes again when STS finds them too large, which a renewal does not repeat'
    ]
  ] as const) {
    if (parseBoolean(input, raw[input], false)) {
      refuse(input, `${why}.`, `Remove ${input}, or set refresh: false.`)
    }
  }
  if (parseBoolean('output-credentials', raw['output-credentials'], false)) {
    refuse(
      'output-credentials',
      'is true, but refresh: true hands out no fixed keys: outputs would stop working when the first session ends.',
      'Remove output-credentials; later steps use the profile (AWS_PROFILE).'
    )
  }
  if (settings.httpProxy !== undefined && new URL(settings.httpProxy).password !== '') {
    refuse(
      'http-proxy',
      'holds a password, which refresh: true would have to keep on disk.',
      "Set HTTPS_PROXY in the job's env instead (every later step then reaches STS through it), or set refresh: false."
    )
  }
}

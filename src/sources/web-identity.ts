import { withDeadline } from '../aws/retry.js'
import { FileRefused, readBoundedTextFile } from '../shared/bounded-file.js'
import { ActionError, InputError } from '../shared/errors.js'
import { fromNetwork } from '../shared/log-text.js'
import type { SourceChoice } from './choose.js'

/** A web identity token file: a token is at most 20000 characters; a device or FIFO is refused. */
export const readTokenFile = (path: string): string =>
  readBoundedTextFile(path, { maxBytes: 64 * 1024 }).text

export interface TokenDependencies {
  /** A GitHub OIDC ID token for the audience. */
  requestIdToken: (audience: string) => Promise<string>
  /** Reads the token file, bounded. */
  readFile: (path: string) => string
  mask: (secret: string) => void
}

/**
 * The token AssumeRoleWithWebIdentity sends: the job's GitHub OIDC token, or the contents of a
 * token file. Masked as soon as it is read; called again for a fresh one when STS refuses it.
 */
export async function webIdentityToken(
  source: Extract<SourceChoice, { kind: 'oidc' | 'web-identity-file' }>,
  settings: { audience: string; budgetMs: number },
  deps: TokenDependencies
): Promise<string> {
  if (source.kind === 'oidc') {
    try {
      // The token client retries on its own; the step's retry budget bounds it all the same.
      return await withDeadline(
        deps.requestIdToken(settings.audience),
        settings.budgetMs,
        `no token within retry-max-seconds (${settings.budgetMs / 1000} s)`
      )
    } catch (error) {
      throw new ActionError(
        `Could not get a GitHub OIDC token for audience '${settings.audience}': ${fromNetwork((error as Error).message.replace(/\s+/g, ' '))}`,
        'GitHub OIDC token request failed'
      )
    }
  }
  const path = source.path
  let token: string
  try {
    token = deps.readFile(path).trim()
  } catch (error) {
    throw new InputError(
      'web-identity-token-file',
      `cannot read '${path}' (${error instanceof FileRefused ? error.reason : ((error as NodeJS.ErrnoException).code ?? String(error))}).`,
      'Give the path of the projected service account token, relative to the workspace or absolute.'
    )
  }
  if (token.length >= 4) deps.mask(token)
  if (token.length < 4 || token.length > 20000) {
    throw new InputError(
      'web-identity-token-file',
      `holds ${token.length} characters; a web identity token has 4 to 20000.`,
      'Point it at the token file itself.'
    )
  }
  return token
}

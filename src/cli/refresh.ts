import { lstatSync } from 'node:fs'
import {
  cachedCredentials,
  processCredentials,
  refreshCacheFile,
  type ProcessCredentials
} from '../aws/credential-cache.js'
import { proxyAgents } from '../aws/proxy.js'
import type { FlowDependencies } from '../flows/dependencies.js'
import { assumeAgain, parseRefreshFile, type RefreshFile } from '../flows/refresh.js'
import { readBoundedTextFile } from '../shared/bounded-file.js'
import { ActionError } from '../shared/errors.js'
import { requestGitHubIdToken } from '../sources/id-token.js'
import { processOutput } from './cached-answer.js'
import { writeAll, type Terminal } from './terminal.js'
import { TERMINAL_WORDING } from './wording.js'
import { readTokenFile } from '../sources/web-identity.js'

/**
 * credential-process --settings-file: the credential_process of a profile the action wrote with
 * refresh: true. The launcher answers while the cache is fresh; this runs when it is not, and
 * assumes the role again from the settings file, with the session policy the action checked.
 */

/** Set for the renewal and inherited by what it starts: a source that leads back here stops. */
const RENEWING = 'SCOPED_ROLE_RENEWING'

export async function renewingProcess(settingsFile: string, terminal: Terminal): Promise<number> {
  try {
    const settings = readRefreshFile(settingsFile)
    const { credentials } = await cachedCredentials({
      file: refreshCacheFile(settingsFile),
      refresh: () => renew(settings, terminal),
      // The OIDC token and STS, each within the retry budget, and some slack for a slow start.
      lockWaitMs: 2 * settings.retry.budgetMs + 30_000
    })
    await writeAll(process.stdout, processOutput(credentials))
    return 0
  } catch (error) {
    // One line: the SDKs and the AWS CLI show a failing credential_process's stderr as it is.
    const message = error instanceof Error ? error.message : String(error)
    terminal.error(message.replace(/\s*\n\s*/g, ' ').trim())
    return 1
  }
}

/** Ours, private and bounded: another account must not be able to change what is assumed. */
function readRefreshFile(path: string): RefreshFile {
  let text: string
  try {
    const stat = lstatSync(path)
    const foreign = process.getuid !== undefined && stat.uid !== process.getuid()
    if (!stat.isFile() || foreign || (process.platform !== 'win32' && (stat.mode & 0o077) !== 0)) {
      throw new Error('it is not a private file of this account')
    }
    text = readBoundedTextFile(path, { maxBytes: 64 * 1024 }).text
  } catch (error) {
    throw new ActionError(
      `Cannot read the refresh settings ${path}: ${(error as Error).message}. It exists from the scoped-role step with refresh: true until the end of the job; run that step again.`,
      'Refresh settings not readable'
    )
  }
  return parseRefreshFile(text)
}

async function renew(settings: RefreshFile, terminal: Terminal): Promise<ProcessCredentials> {
  if (process.env[RENEWING]) {
    throw new ActionError(
      'The source credentials lead back to this profile (a credential_process renewing itself). Leave AWS_PROFILE unset for the scoped-role step, or name another source profile.',
      'Source loops back'
    )
  }
  process.env[RENEWING] = '1'
  const { source } = settings
  const deps: FlowDependencies = {
    env: process.env,
    wording: TERMINAL_WORDING,
    mask: terminal.mask,
    info: terminal.info,
    // The main step said these already; a credential_process speaks only when it fails.
    warn: terminal.debug,
    debug: terminal.debug,
    requestIdToken: audience => requestGitHubIdToken(process.env, audience, settings.retry),
    readFile: readTokenFile,
    credentialChain: async () => {
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node')
      // AWS_PROFILE names the profile being renewed: the source is the one the action used.
      if (source.kind === 'environment' && source.profile === undefined) {
        delete process.env.AWS_PROFILE
      }
      return defaultProvider(
        source.kind === 'environment' && source.profile ? { profile: source.profile } : {}
      )()
    },
    proxyAgents: options => proxyAgents(options, process.env)
  }
  const session = await assumeAgain(settings, deps)
  terminal.info(
    `Renewed ${session.arn}; the credentials expire at ${session.credentials.expiration.toISOString()}.`
  )
  return processCredentials(session.credentials)
}

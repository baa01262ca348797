import * as core from '@actions/core'
import { checkProfileWritable, profileFiles } from '../aws/profiles.js'
import { checkProxyApplies, proxyAgents } from '../aws/proxy.js'
import { assumeRoleWithSessionPolicy } from '../flows/assume.js'
import type { FlowDependencies } from '../flows/dependencies.js'
import { scopeCredentialsInEnvironment } from '../flows/scope.js'
import { policyDataLoaders } from '../policy/data.js'
import { renderExplanationText } from '../policy/explain.js'
import {
  buildSessionPolicy,
  hasSessionPolicy,
  type SessionPolicy
} from '../policy/session-policy.js'
import { parseSettings } from '../settings/parse.js'
import { MAX_POLICY_FILE_BYTES } from '../settings/policy-file.js'
import type { StsSettings } from '../settings/settings.js'
import { readBoundedTextFile } from '../shared/bounded-file.js'
import { ActionError, InputError } from '../shared/errors.js'
import {
  exportSession,
  forgetInheritedCredentials,
  setCredentialOutputs,
  setIdentityOutputs
} from './export.js'
import { readInputs } from './inputs.js'
import { exportRefreshProfile, prepareRefresh } from './refresh.js'
import { assumeSummaryMarkdown, checkSummaryMarkdown, writeJobSummary } from './summary.js'

/** The web identity token file: a token is at most 20000 characters; a device or FIFO is refused. */
const readTokenFile = (path: string): string =>
  readBoundedTextFile(path, { maxBytes: 64 * 1024 }).text

/** The policy file may come from a pull request: only a regular file, bounded, links kept inside. */
const readPolicyFile = (path: string, workspace: string): string =>
  readBoundedTextFile(path, {
    maxBytes: MAX_POLICY_FILE_BYTES,
    roots: [workspace, process.env.RUNNER_TEMP].filter((root): root is string => Boolean(root))
  }).text

/** Above this, the next tag or statement may not fit: say so while it still works. */
const UTILIZATION_WARNING_PERCENT = 90

/**
 * inputs → session policy → source credentials → STS → mask → export → outputs → summary.
 * Everything that can be checked locally is checked before the first request, and nothing is
 * exported until every check has passed.
 */
export async function run(): Promise<void> {
  try {
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
    const settings = parseSettings(readInputs(), {
      env: process.env,
      workspace,
      readFile: path => readPolicyFile(path, workspace)
    })
    if (settings.mode !== 'check') {
      maskProxyPassword(settings.httpProxy)
      checkProxyApplies(settings, process.env)
    }
    const policy = buildSessionPolicy(settings.policy, policyDataLoaders)
    for (const warning of policy.warnings) core.warning(warning)
    core.info(describePolicy(policy))
    if (policy.explanation.length > 0) core.debug(renderExplanationText(policy.explanation))

    if (settings.mode === 'check') {
      core.info(
        'Session policy check passed; mode: check makes no AWS request and exports nothing.'
      )
      if (settings.jobSummary) await writeJobSummary(checkSummaryMarkdown(policy))
      return
    }

    if (settings.awsProfile !== undefined) {
      checkProfileWritable(
        settings.awsProfile,
        profileFiles(process.env),
        settings.overwriteAwsProfile
      )
    }
    const refresh = settings.mode === 'assume' && settings.refresh ? prepareRefresh() : undefined
    warnAboutDestination(settings)
    const forgotten =
      settings.mode === 'assume' && settings.unsetCurrentCredentials
        ? forgetInheritedCredentials()
        : []
    if (forgotten.length > 0) {
      core.info(`Unset ${forgotten.join(', ')} inherited from earlier steps.`)
    }
    const deps = {
      env: process.env,
      mask: core.setSecret,
      info: core.info,
      warn: core.warning,
      debug: core.debug,
      requestIdToken: audience => core.getIDToken(audience),
      readFile: readTokenFile,
      proxyAgents: options => proxyAgents(options, process.env)
    } satisfies FlowDependencies
    const { session, source } =
      settings.mode === 'scope'
        ? await scopeCredentialsInEnvironment(settings, policy, deps)
        : await assumeRoleWithSessionPolicy(settings, policy, deps)

    if (refresh !== undefined && settings.mode === 'assume') {
      exportRefreshProfile({ session, source, settings, policy }, refresh, forgotten)
    } else {
      exportSession(session, {
        region: settings.region,
        cleanup: settings.cleanupCredentials,
        env: settings.exportEnv,
        profile: settings.awsProfile,
        overwriteProfile: settings.overwriteAwsProfile,
        blank: forgotten
      })
    }
    setIdentityOutputs(session)
    if (settings.outputCredentials) setCredentialOutputs(session)
    core.info(
      `${settings.mode === 'scope' ? `Scoped ${session.arn} (scoped session ${session.scopedSessionId})` : `Assumed ${session.arn}`}; the credentials expire at ${session.credentials.expiration.toISOString()}` +
        (session.utilization !== undefined && hasSessionPolicy(policy)
          ? `; the session policies use ${session.utilization}% of the packed-policy space`
          : '') +
        '.'
    )
    if ((session.utilization ?? 0) > UTILIZATION_WARNING_PERCENT) {
      core.warning(
        `The session policies and tags use ${session.utilization}% of the packed-policy space STS allows; one more tag, ARN or statement may make STS refuse them (PackedPolicyTooLarge).`
      )
    }
    if (settings.jobSummary) {
      await writeJobSummary(
        assumeSummaryMarkdown({
          session,
          source,
          policy,
          region: settings.region,
          now: new Date(),
          maskAccount: settings.maskAccountId
        })
      )
    }
  } catch (error) {
    fail(error)
  }
}

/** A proxy URL may carry a password; mask it as written and as decoded. */
function maskProxyPassword(proxy: string | undefined): void {
  const password = proxy ? new URL(proxy).password : ''
  if (password === '') return
  core.setSecret(password)
  try {
    core.setSecret(decodeURIComponent(password))
  } catch {
    // Not valid percent-encoding: the form as written is the one that could show.
  }
}

/** Settings that work but rarely do what was meant: said before any request. */
function warnAboutDestination(settings: StsSettings): void {
  if (!settings.exportEnv && settings.awsProfile === undefined && !settings.outputCredentials) {
    core.warning(
      'export-env is false and neither aws-profile nor output-credentials is set: the new credentials will not reach any later step.'
    )
  }
  if (
    settings.awsProfile !== undefined &&
    !settings.exportEnv &&
    !(settings.mode === 'assume' && (settings.unsetCurrentCredentials || settings.refresh)) &&
    process.env.AWS_ACCESS_KEY_ID
  ) {
    core.warning(
      `AWS_ACCESS_KEY_ID is set in this job's environment; AWS SDKs and the CLI prefer it to AWS_PROFILE=${settings.awsProfile}. ` +
        'Set unset-current-credentials: true, or export-env: true, so later steps use the new session.'
    )
  }
}

function describePolicy(policy: SessionPolicy): string {
  const parts: string[] = []
  if (policy.inline !== undefined)
    parts.push(`an inline policy of ${policy.inline.length} characters`)
  if (policy.managedArns.length > 0) parts.push(`managed policies ${policy.managedArns.join(', ')}`)
  return parts.length > 0
    ? `Session policy: ${parts.join(' and ')}.`
    : "Session policy: none, so the session gets all of the role's permissions."
}

function fail(error: unknown): void {
  if (error instanceof InputError) {
    core.error(error.message, {
      title: `Invalid input: ${error.input}`,
      ...(error.location && {
        file: error.location.file,
        startLine: error.location.line,
        startColumn: error.location.column
      })
    })
  } else if (error instanceof ActionError) {
    core.error(error.message, { title: error.title })
  } else {
    core.error(error instanceof Error ? error.message : String(error), {
      title: 'scoped-role failed'
    })
  }
  // core.ExitCode.Failure, written out: the stand-in for @actions/core that `npm run
  // local-action` loads has no ExitCode.
  process.exitCode = 1
}

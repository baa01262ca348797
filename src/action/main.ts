import * as core from '@actions/core'
import { checkProfileWritable, profileFiles } from '../aws/profiles.js'
import { checkProxyApplies, proxyAgents, proxyPasswords } from '../aws/proxy.js'
import { assumeRoleWithSessionPolicy } from '../flows/assume.js'
import { isIssued, type FlowDependencies, type FlowResult } from '../flows/dependencies.js'
import { checkKeys } from '../flows/keys.js'
import { reuseExistingCredentials } from '../flows/reuse.js'
import { scopeCredentialsInEnvironment } from '../flows/scope.js'
import { policyDataLoaders } from '../policy/data.js'
import { renderExplanationText } from '../policy/explain.js'
import {
  buildSessionPolicy,
  hasSessionPolicy,
  type SessionPolicy
} from '../policy/session-policy.js'
import { compatibilityNotes } from '../settings/compatibility.js'
import { parseSettings } from '../settings/parse.js'
import { readPolicyFile } from '../settings/policy-file.js'
import type { StsSettings } from '../settings/settings.js'
import { stepDeadline, type StepDeadline } from '../shared/deadline.js'
import { ActionError, InputError } from '../shared/errors.js'
import {
  exportSession,
  forgetInheritedCredentials,
  setCredentialOutputs,
  setIdentityOutputs
} from './export.js'
import { readInputs } from './inputs.js'
import {
  assumeSummaryMarkdown,
  checkSummaryMarkdown,
  reusedSummaryMarkdown,
  writeJobSummary
} from './summary.js'
import { RUNNER_WORDING } from './wording.js'
import { exportRefreshProfile, prepareRefresh } from './refresh.js'
import { readTokenFile } from '../sources/web-identity.js'
import { startRecording } from './record.js'

/** Above this, the next tag or statement may not fit: say so while it still works. */
const UTILIZATION_WARNING_PERCENT = 90

/**
 * inputs → session policy → source credentials → STS → mask → export → outputs → summary.
 * Everything that can be checked locally is checked before the first request, and nothing is
 * exported until every check has passed.
 */
export async function run(): Promise<void> {
  let deadline: StepDeadline | undefined
  try {
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
    const raw = readInputs()
    const settings = parseSettings(raw, {
      env: process.env,
      workspace,
      readFile: path =>
        readPolicyFile(
          path,
          [workspace, process.env.RUNNER_TEMP].filter((root): root is string => Boolean(root))
        ),
      wording: RUNNER_WORDING
    })
    for (const note of compatibilityNotes(raw)) core.info(note)
    if (settings.mode !== 'check') {
      for (const password of proxyPasswords(settings.httpProxy)) core.setSecret(password)
      checkProxyApplies(settings, process.env)
    }
    const policy = buildSessionPolicy(settings.policy, policyDataLoaders, RUNNER_WORDING)
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

    // Counted from the process start: the deadline is the whole step's.
    const timer = stepDeadline(settings.actionTimeoutSeconds, process.uptime() * 1000)
    deadline = timer
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
      settings.mode !== 'scope' && settings.unsetCurrentCredentials
        ? forgetInheritedCredentials()
        : []
    if (forgotten.length > 0) {
      core.info(`Unset ${forgotten.join(', ')} inherited from earlier steps.`)
    }
    const deps = {
      env: process.env,
      wording: RUNNER_WORDING,
      mask: core.setSecret,
      info: core.info,
      warn: core.warning,
      debug: core.debug,
      requestIdToken: audience => core.getIDToken(audience),
      readFile: readTokenFile,
      proxyAgents: options => proxyAgents(options, process.env)
    } satisfies FlowDependencies
    const work = async (): Promise<FlowResult> => {
      switch (settings.mode) {
        case 'scope':
          return scopeCredentialsInEnvironment(settings, policy, deps)
        case 'export-keys':
          return checkKeys(settings, deps)
        case 'assume':
          return (
            (settings.useExistingCredentials
              ? await reuseExistingCredentials(settings, policy, deps)
              : undefined) ?? assumeRoleWithSessionPolicy(settings, policy, deps)
          )
      }
    }
    const result = await timer.race(work())
    // Done in time: what follows only writes what the step has, and is not cut off half-way.
    timer.disarm()
    const { session, source, hops } = result
    if (result.reused) {
      setIdentityOutputs(session)
      if (settings.jobSummary) await writeJobSummary(reusedSummaryMarkdown(session, settings))
      return
    }

    if (refresh !== undefined && settings.mode === 'assume') {
      // refresh: true refuses use-existing-credentials, so STS issued this session.
      if (!isIssued(session)) {
        throw new ActionError(
          "refresh: true needs a session STS issued, but the environment's credentials were kept.",
          'Nothing to renew'
        )
      }
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
    if (settings.record) {
      // The session is exported by now: a recorder that cannot start costs the report, not
      // the step (which would otherwise fail with credentials already exported).
      await startRecording().catch((error: Error) =>
        core.warning(
          `record: the recorder did not start (${error.message}); the later steps are not recorded.`
        )
      )
    }
    core.info(
      `${describeOutcome(settings, session)}${session.credentials.expiration ? `; the credentials expire at ${session.credentials.expiration.toISOString()}` : ''}` +
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
          hops,
          policy,
          region: settings.region,
          now: new Date(),
          maskAccount: settings.maskAccountId
        })
      )
    }
  } catch (error) {
    fail(error)
  } finally {
    deadline?.disarm()
  }
}

function describeOutcome(settings: StsSettings, session: FlowResult['session']): string {
  switch (settings.mode) {
    case 'scope':
      return `Scoped ${session.arn} (scoped session ${session.scopedSessionId})`
    case 'export-keys':
      return `Exported the keys of ${session.arn}`
    case 'assume':
      return `Assumed ${session.arn}`
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
    !(settings.mode === 'export-keys' && settings.unsetCurrentCredentials) &&
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

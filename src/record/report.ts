import type { FrontWording } from '../shared/front.js'
import { buildSessionPolicy, type PolicyDataLoaders } from '../policy/session-policy.js'
import { MAX_DISTINCT_CALLS, partitionOf, type RecordedCall } from './calls.js'
import { synthesizePolicy, type ProposedPolicy } from './synthesize.js'

/** What a recording cannot see, said with every report so nobody mistakes it for complete. */
export const GAPS = [
  'Calls AWS makes on your behalf (a CloudFormation stack creating resources, a service using a passed role) are not requests of the command and are not seen.',
  'Tokens signed locally (RDS and Aurora IAM database authentication, EKS get-token, S3 presigned URLs used later) make no request when created; add rds-db:connect, eks or s3 actions yourself.',
  'A program that ignores HTTPS_PROXY and sends no client-side monitoring datagrams (some SDKs, custom HTTP clients, pinned certificates) is not seen.',
  'Calls seen only through client-side monitoring name no resource: their statements allow Resource "*".',
  'Condition keys are not recorded; add conditions to narrow further.'
]

export interface RecordReport {
  calls: RecordedCall[]
  policy: ProposedPolicy
  unmapped: RecordedCall[]
  /** The project's own checks of the proposed policy (warnings only; a problem throws). */
  warnings: string[]
  gaps: string[]
  /** Calls not listed because the recording reached its bound of distinct calls. */
  overflow: number
}

/**
 * The proposal for a recording: the synthesized policy, run through the same policy pipeline a
 * session policy input goes through (grammar, action names against the catalogue, ARNs, size),
 * so a proposal that would be refused as an input is never printed as the answer.
 */
export function buildReport(
  calls: RecordedCall[],
  data: PolicyDataLoaders,
  wording: Pick<FrontWording, 'newerRelease'>,
  overflow = 0
): RecordReport {
  const policy = synthesizePolicy(calls)
  const warnings =
    policy.text === undefined
      ? []
      : buildSessionPolicy(
          {
            inline: { text: policy.text, input: 'inline-session-policy' },
            managed: [],
            forbidActions: '',
            requireSessionPolicy: false,
            partition: partitionOf(calls.find(call => call.region)?.region ?? '')
          },
          data,
          wording
        ).warnings
  return {
    calls,
    policy,
    unmapped: calls.filter(call => call.unmapped !== undefined),
    warnings,
    gaps: GAPS,
    overflow
  }
}

/** The report as JSON, for `--format json` and the action's file. */
export function reportJson(report: RecordReport): string {
  return `${JSON.stringify(
    {
      policy: report.policy.document ?? null,
      widened: report.policy.widened,
      calls: report.calls.map(call => ({
        service: call.service,
        operation: call.operation ?? null,
        region: call.region,
        count: call.count,
        seenBy: call.via,
        actions: call.grants.map(grant => ({
          action: grant.action,
          resource: grant.resource,
          ...(grant.dependent ? { dependent: true } : {})
        })),
        ...(call.unmapped === undefined ? {} : { unmapped: call.unmapped })
      })),
      warnings: report.warnings,
      notListed: report.overflow,
      gaps: report.gaps
    },
    null,
    2
  )}\n`
}

/** The report for a person: the policy to paste, then each call, then what is missing. */
export function reportSummary(report: RecordReport): string {
  const lines: string[] = []
  if (report.policy.text === undefined) {
    lines.push('No recorded call maps to an IAM action, so there is no policy to propose.')
  } else {
    lines.push('Proposed inline-session-policy:', report.policy.text, '')
    for (const note of report.policy.widened) lines.push(`Widened to fit 2,048 characters: ${note}`)
  }
  lines.push(`Calls (${report.calls.length}):`)
  for (const call of report.calls) {
    const name = `${call.service} ${call.operation ?? '(unknown operation)'}`
    const grants =
      call.unmapped !== undefined
        ? `UNMAPPED: ${call.unmapped}`
        : call.grants
            .map(g => `${g.action} on ${g.resource}${g.dependent ? ' (dependent)' : ''}`)
            .join(', ')
    lines.push(`  ${name} ×${call.count} [${call.via.join('+')}]: ${grants}`)
  }
  if (report.unmapped.length > 0) {
    lines.push(
      `${report.unmapped.length} call(s) map to no IAM action and are not in the policy; add what they need by hand.`
    )
  }
  if (report.overflow > 0) {
    lines.push(
      `${report.overflow} further distinct call(s) were not recorded: the command made more than ${MAX_DISTINCT_CALLS}.`
    )
  }
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`)
  lines.push('Not seen by a recording:', ...report.gaps.map(gap => `  - ${gap}`))
  return `${lines.join('\n')}\n`
}

import * as core from '@actions/core'
import { renderExplanationMarkdown } from '../policy/explain.js'
import type { SessionPolicy } from '../policy/session-policy.js'
import type { SourceChoice } from '../sources/choose.js'
import type { AssumedSession } from '../aws/sts.js'
import type { StepSession } from '../flows/dependencies.js'

/** Characters of the utilization bar: one per 10%. */
const BAR_WIDTH = 10

export function utilizationBar(percent: number): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round(percent / (100 / BAR_WIDTH))))
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${percent}%`
}

/** The markdown of the policy part, shared by the assume and check summaries. */
export function policyMarkdown(policy: SessionPolicy): string {
  const parts: string[] = []
  if (policy.managedArns.length > 0) {
    parts.push(
      `**Managed session policies**\n\n${policy.managedArns.map(arn => `- \`${arn}\``).join('\n')}`
    )
  }
  if (policy.inline !== undefined) {
    parts.push(
      `**Inline session policy** (${policy.inline.length} characters)\n\n${renderExplanationMarkdown(policy.explanation)}`
    )
  }
  if (policy.forbidActions.length > 0) {
    const unchecked =
      policy.notChecked.length > 0
        ? ` (not checked: ${policy.notChecked.map(a => `\`${a}\``).join(', ')})`
        : ''
    parts.push(
      `**Forbidden actions**: none of ${policy.forbidActions.map(a => `\`${a}\``).join(', ')} is allowed${unchecked}.`
    )
  }
  if (parts.length === 0)
    parts.push("**No session policy**: the session has all of the role's permissions.")
  return parts.join('\n\n')
}

export interface AssumeSummary {
  session: StepSession
  source: SourceChoice
  /** via-roles: the sessions of the hops before the last. */
  hops?: AssumedSession[]
  policy: SessionPolicy
  region: string
  now: Date
  /** mask-aws-account-id: the account is replaced with *** everywhere in the summary. */
  maskAccount: boolean
}

/** The markdown written to the job summary after a successful run. Never holds a secret. */
export function assumeSummaryMarkdown(summary: AssumeSummary): string {
  const { session, source, policy } = summary
  const expires = session.credentials.expiration
  const rows: Array<[string, string]> = [
    ['Session', `\`${session.arn}\``],
    ['Source', `${source.label}: ${source.reason}`],
    ['Account', session.account],
    ['Region', summary.region],
    [
      'Expires',
      expires === undefined
        ? 'not known (long-term keys)'
        : `${expires.toISOString()} (in ${Math.round((expires.getTime() - summary.now.getTime()) / 60000)} minutes)`
    ]
  ]
  if (session.scopedSessionId) rows.splice(1, 0, ['Scoped session', session.scopedSessionId])
  if (summary.hops !== undefined) {
    rows.splice(1, 0, [
      'Through',
      summary.hops.map((hop, i) => `${i + 1}. \`${hop.arn}\``).join('<br>')
    ])
  }
  if (session.utilization !== undefined) {
    rows.push(['Packed-policy space used', `\`${utilizationBar(session.utilization)}\``])
  }
  const table = [
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)
  ].join('\n')
  const what = session.scopedSessionId
    ? 'scoped the session in the environment'
    : source.kind === 'keys' && summary.session.credentials.expiration === undefined
      ? 'exported the keys'
      : 'assumed a narrowed session'
  const text = `### scoped-role: ${what}\n\n${table}\n\n${policyMarkdown(policy)}\n`
  if (!summary.maskAccount) return text
  const accounts = [session.account, ...(summary.hops ?? []).map(hop => hop.account)]
  return accounts.reduce((masked, account) => masked.split(account).join('***'), text)
}

/** use-existing-credentials kept the environment's session: who it is, and that nothing changed. */
export function reusedSummaryMarkdown(
  session: StepSession,
  options: { maskAccountId: boolean }
): string {
  const text = `### scoped-role: kept the session in the environment\n\n\`${session.arn}\` is a session of the requested role (use-existing-credentials); nothing was assumed or exported.\n`
  return options.maskAccountId ? text.split(session.account).join('***') : text
}

export function checkSummaryMarkdown(policy: SessionPolicy): string {
  const warnings =
    policy.warnings.length > 0
      ? `\n\n**Warnings**\n\n${policy.warnings.map(w => `- ${w}`).join('\n')}`
      : ''
  return `### scoped-role: session policy check passed\n\n${policyMarkdown(policy)}${warnings}\n`
}

/**
 * The edge: appends to GITHUB_STEP_SUMMARY when the runner provides one. The summary is a
 * report, not the step's work: failing to write it is a warning, never a failed step (which by
 * then may have exported credentials).
 */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}

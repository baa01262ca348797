import type { FrontWording } from '../shared/front.js'
import { OIDC_PERMISSIONS_YAML } from '../sources/choose.js'

/** The core's messages as a workflow's log shows them: a step of a job. */
export const RUNNER_WORDING: FrontWording = {
  runAgain: 'Re-run the job',
  missingFile:
    'Give a path relative to the workspace, and check out the repository (actions/checkout) before this step.',
  newerRelease: 'use a newer release of this action',
  noOidcToken: 'the job cannot request a GitHub OIDC token',
  sourceCredentials:
    `To use GitHub OIDC (recommended), give the job this permission:\n${OIDC_PERMISSIONS_YAML}\n` +
    'Or set aws-access-key-id and aws-secret-access-key from repository secrets.'
}

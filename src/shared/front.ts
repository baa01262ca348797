/**
 * The few words of the core's messages that depend on where a person reads them: in the log of
 * a workflow step, or at a terminal. Each front passes its own (src/action/wording.ts,
 * src/cli/wording.ts) through the settings context and the flow dependencies, so the core
 * never guesses where it runs and no front rewrites the core's sentences.
 */
export interface FrontWording {
  /** Trying the same thing again, as the start of a sentence: 'Re-run the job'. */
  runAgain: string
  /** The fix when a file named by a relative path is not there (a sentence). */
  missingFile: string
  /** How to get a newer IAM action catalogue, inside a sentence: 'use a newer release of …'. */
  newerRelease: string
  /** Why no GitHub OIDC token can be had, inside a sentence: 'the job cannot request …'. */
  noOidcToken: string
  /** The fix when no source credentials were found (may span lines). */
  sourceCredentials: string
}

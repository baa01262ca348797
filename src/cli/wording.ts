import type { FrontWording } from '../shared/front.js'

/** The core's messages as a terminal shows them: a command a person typed. */
export const TERMINAL_WORDING: FrontWording = {
  runAgain: 'Run the command again',
  missingFile:
    "Give a path relative to the working directory (in a preset, relative to the preset's file), and check that the file is there.",
  newerRelease: 'use a newer release of scoped-role',
  noOidcToken: 'a terminal has no GitHub OIDC token',
  sourceCredentials:
    'Log in first (e.g. aws sso login), name a profile with --profile or AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.'
}

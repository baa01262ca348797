/**
 * A problem with what the workflow wrote, found before any network call. It names the input,
 * says what is wrong and what to write instead, so the step's error line is enough to fix it.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly fix?: string,
    /** Where in a file the problem is, so the annotation marks that line (e.g. in a pull request). */
    readonly location?: SourceLocation
  ) {
    super(`${input}: ${problem}${fix ? ` ${fix}` : ''}`)
    this.name = 'InputError'
  }
}

/** A failure after the inputs were accepted (no source credentials, STS said no, a mismatch). */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly title: string
  ) {
    super(message)
    this.name = 'ActionError'
  }
}

export interface SourceLocation {
  /** Relative to the workspace, as annotations want it. */
  file: string
  line?: number
  column?: number
}

/**
 * What the terminal front writes. stdout carries only what a command is for (exports, the
 * credential_process JSON); everything else goes to stderr, one line per message, with every
 * secret seen so far replaced by *** — the terminal's counterpart of the runner's masking.
 */
export class Terminal {
  private readonly secrets = new Set<string>()

  constructor(
    private readonly stderr: NodeJS.WritableStream,
    readonly verbose: boolean
  ) {}

  readonly mask = (secret: string): void => {
    if (secret.length >= 4) this.secrets.add(secret)
  }

  redact(text: string): string {
    let result = text
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join('***')
    }
    return result
  }

  readonly info = (line: string): void => {
    if (this.verbose) this.line(line)
  }

  readonly debug = (line: string): void => {
    if (this.verbose) this.line(line)
  }

  readonly warn = (line: string): void => {
    this.line(`warning: ${line}`)
  }

  readonly note = (line: string): void => {
    this.line(line)
  }

  readonly error = (line: string): void => {
    this.line(`error: ${line}`)
  }

  private line(text: string): void {
    this.stderr.write(`scoped-role: ${this.redact(text)}\n`)
  }
}

/** Resolves once the text is handed to the operating system, so exiting right after loses nothing. */
export function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    stream.write(text, error => (error ? reject(error) : resolve()))
  )
}

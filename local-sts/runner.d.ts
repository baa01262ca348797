// Hand-written declarations for runner.js, which stays plain JavaScript so the demo runs without a build.

export interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post: string }
}

export interface StepRun {
  exitCode: number | null
  stdout: string
  stderr: string
  /** Variables exported through GITHUB_ENV, last value wins. */
  env: Record<string, string>
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  durationMs: number
}

export interface StepRunOptions {
  /** Where the file-command files are created. */
  dir: string
  step?: 'main' | 'post'
  inputs?: Record<string, string>
  state?: Record<string, string>
  /** The whole process environment besides INPUT_*, STATE_* and the file commands; undefined removes. */
  env: Record<string, string | undefined>
}

export declare const ROOT: string
export declare function readActionYml(): ActionYml
export declare function inputVariable(name: string): string
export declare function runStep(options: StepRunOptions): Promise<StepRun>
export declare function parseFileCommand(text: string): Record<string, string>
export declare function maskLog(log: string): string

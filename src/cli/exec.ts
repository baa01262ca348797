import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { sessionVariables, type TerminalSession } from './session.js'
import type { Terminal } from './terminal.js'

/** Signals passed on to the command, so `kill` or a CI timeout reaches it through this process. */
const FORWARDED: readonly NodeJS.Signals[] = [
  'SIGTERM',
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH'
]
/**
 * Ctrl-C and Ctrl-\ at a terminal reach the whole foreground process group, the command
 * included; passing them on as well would make it see two (terraform stops hard at the second).
 */
const FROM_TERMINAL: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT']

/** The command's environment: the session's variables, and no way back to the broad identity. */
export function childEnvironment(
  env: Record<string, string | undefined>,
  session: TerminalSession
): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value
  // A profile would let the command's SDK pick the source identity again instead of the session.
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'])
    delete result[name]
  return { ...result, ...sessionVariables(session) }
}

/**
 * Runs the command with stdin, stdout and stderr passed through, and resolves with its exit
 * status. A command ended by a signal ends this process with the same signal, as a shell
 * would report it (or 128+N where that cannot be done).
 */
export function runChild(
  command: readonly string[],
  env: Record<string, string | undefined>,
  session: TerminalSession,
  terminal: Terminal
): Promise<number> {
  return runCommand(command, childEnvironment(env, session), terminal)
}

/** Runs a command with the given environment, as runChild describes. */
export function runCommand(
  command: readonly string[],
  env: Record<string, string>,
  terminal: Terminal
): Promise<number> {
  return new Promise(resolve => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env })
    const fromTerminal = Boolean(process.stdin.isTTY)
    const handlers = FORWARDED.map(signal => {
      const handler = (): void => {
        if (!(fromTerminal && FROM_TERMINAL.includes(signal))) child.kill(signal)
      }
      process.on(signal, handler)
      return [signal, handler] as const
    })
    const stopForwarding = (): void => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
    }
    child.on('error', error => {
      stopForwarding()
      const code = (error as NodeJS.ErrnoException).code
      terminal.error(
        code === 'ENOENT'
          ? `cannot run '${command[0]}': not found on PATH.`
          : `cannot run '${command[0]}': ${error.message}.`
      )
      resolve(code === 'ENOENT' ? 127 : 126)
    })
    child.on('exit', (status, signal) => {
      stopForwarding()
      if (signal !== null) {
        process.kill(process.pid, signal)
        // Reached only if the signal did not end this process (e.g. it is ignored here).
        resolve(128 + (constants.signals[signal] ?? 0))
        return
      }
      resolve(status ?? 1)
    })
  })
}

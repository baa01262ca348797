import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { childEnvironment, runChild, runCommand } from '../../../src/cli/exec.js'
import type { TerminalSession } from '../../../src/cli/session.js'
import { recordingTerminal } from '../../support/cli-process.js'

const SESSION: TerminalSession = {
  credentials: {
    accessKeyId: 'ASIASESSION',
    secretAccessKey: 'session-secret',
    sessionToken: 'session-token',
    expiration: new Date('2030-01-02T03:04:05.000Z')
  },
  region: 'eu-west-1',
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/me'
}
const SESSION_VARIABLES = {
  AWS_ACCESS_KEY_ID: 'ASIASESSION',
  AWS_SECRET_ACCESS_KEY: 'session-secret',
  AWS_SESSION_TOKEN: 'session-token',
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05.000Z'
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoped-role-exec-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  jest.restoreAllMocks()
})

/** `node -e SCRIPT`, as a command for runCommand. */
const node = (script: string) => [process.execPath, '-e', script]

describe('childEnvironment', () => {
  it('is the environment with the session, and no way back to the source identity', () => {
    expect(
      childEnvironment(
        {
          PATH: '/bin',
          UNSET: undefined,
          AWS_PROFILE: 'broad',
          AWS_DEFAULT_PROFILE: 'broad',
          AWS_SECURITY_TOKEN: 'old',
          AWS_ACCESS_KEY_ID: 'AKIASOURCE',
          AWS_SESSION_TOKEN: 'old',
          AWS_CONFIG_FILE: '/cfg'
        },
        SESSION
      )
    ).toEqual({ PATH: '/bin', AWS_CONFIG_FILE: '/cfg', ...SESSION_VARIABLES })
  })
})

describe('runCommand', () => {
  it('runs the command with the environment given, and resolves with its status', async () => {
    const out = join(dir, 'env.json')
    const { terminal, text } = recordingTerminal()
    const status = await runCommand(
      node(
        `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify([process.env, process.argv.slice(1)])); process.exit(3)`
      ).concat(['first', 'second']),
      { ONLY: 'this' },
      terminal
    )
    expect(status).toBe(3)
    const [env, argv] = JSON.parse(readFileSync(out, 'utf8'))
    expect(env.ONLY).toBe('this')
    expect(env.PATH).toBeUndefined()
    expect(argv).toEqual(['first', 'second'])
    expect(text()).toBe('')
  })

  it('resolves with 0 for a command that succeeds', async () => {
    expect(await runCommand(node(''), {}, recordingTerminal().terminal)).toBe(0)
  })

  it('says a command is not on PATH, with status 127', async () => {
    const { terminal, text } = recordingTerminal()
    expect(await runCommand(['scoped-role-no-such-command', 'x'], { PATH: dir }, terminal)).toBe(
      127
    )
    expect(text()).toBe(
      "scoped-role: error: cannot run 'scoped-role-no-such-command': not found on PATH.\n"
    )
  })

  it('says why a command cannot run, with status 126', async () => {
    const file = join(dir, 'not-executable')
    writeFileSync(file, '#!/bin/sh\n')
    chmodSync(file, 0o600)
    const { terminal, text } = recordingTerminal()
    expect(await runCommand([file], {}, terminal)).toBe(126)
    expect(text()).toBe(`scoped-role: error: cannot run '${file}': spawn ${file} EACCES.\n`)
  })

  it('ends this process with the signal that ended the command, or 128+N if it lives on', async () => {
    // A real signal would end the test process: the call is kept instead.
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true)
    const status = await runCommand(
      node("process.kill(process.pid, 'SIGUSR2')"),
      {},
      recordingTerminal().terminal
    )
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGUSR2')
    expect(status).toBe(128 + constants.signals.SIGUSR2)
  })

  /** Starts `script` under runCommand, waiting (bounded) until it says it is ready. */
  async function started(script: string): Promise<{ running: Promise<number> }> {
    const ready = join(dir, 'ready')
    const running = runCommand(
      node(
        `${script}; require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setTimeout(() => {}, 60000)`
      ),
      {},
      recordingTerminal().terminal
    )
    for (let tries = 0; !existsSync(ready); tries++) {
      if (tries > 600) throw new Error('the command never started')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    // In an object: an async function would otherwise wait for the command to end.
    return { running }
  }

  it.each(['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const)(
    'passes %s on to the command, and stops passing signals on when it ends',
    async signal => {
      const before = process.listenerCount(signal)
      const { running } = await started(
        `process.on(${JSON.stringify(signal)}, () => process.exit(42))`
      )
      expect(process.listenerCount(signal)).toBe(before + 1)
      process.emit(signal, signal)
      expect(await running).toBe(42)
      expect(process.listenerCount(signal)).toBe(before)
    }
  )

  it.each([
    [false, 'SIGINT', 5],
    [true, 'SIGINT', 6],
    [false, 'SIGQUIT', 5],
    [true, 'SIGQUIT', 6]
  ] as const)(
    'with a terminal: %s, passes %s on only when no terminal sent it to the command already',
    async (tty, signal, expected) => {
      const wasTTY = process.stdin.isTTY
      process.stdin.isTTY = tty
      try {
        const { running } = await started(
          `process.on(${JSON.stringify(signal)}, () => process.exit(5)); process.on('SIGTERM', () => process.exit(6))`
        )
        process.emit(signal, signal)
        if (tty) {
          // Not passed on: the command keeps running until SIGTERM ends it. The pause gives a
          // signal passed on by mistake time to arrive first (two signals sent at once may be
          // handled in either order).
          await new Promise(resolve => setTimeout(resolve, 300))
          process.emit('SIGTERM', 'SIGTERM')
        }
        expect(await running).toBe(expected)
      } finally {
        process.stdin.isTTY = wasTTY
      }
    }
  )
})

describe('runChild', () => {
  it('runs the command in the session environment', async () => {
    const out = join(dir, 'env.json')
    const status = await runChild(
      node(
        `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env)); process.exit(9)`
      ),
      { KEEP: 'yes', AWS_PROFILE: 'broad' },
      SESSION,
      recordingTerminal().terminal
    )
    expect(status).toBe(9)
    const env = JSON.parse(readFileSync(out, 'utf8'))
    expect(env).toMatchObject({ KEEP: 'yes', ...SESSION_VARIABLES })
    expect(env.AWS_PROFILE).toBeUndefined()
  })
})

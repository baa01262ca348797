import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { EventEmitter } from 'node:events'
import * as realChildProcess from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as core from '../../../__fixtures__/core.js'

/** The recorder as spawn starts it: what the test makes it do, and what it was asked. */
class FakeRecorder extends EventEmitter {
  pid = 4242
  exitCode: number | null = null
  kill = jest.fn(() => true)
  unref = jest.fn()
}
let recorder: FakeRecorder
let started: { command: string; args: string[]; options: Record<string, unknown> }[] = []
/** What the fake recorder does once spawned, with its folder. */
let behaviour: (dir: string, child: FakeRecorder) => void = () => {}

jest.unstable_mockModule('node:child_process', () => {
  const spawn = (command: string, args: string[], options: Record<string, unknown>) => {
    started.push({ command, args, options })
    behaviour(args[3], recorder)
    return recorder
  }
  return { ...realChildProcess, default: { ...realChildProcess, spawn }, spawn }
})
jest.unstable_mockModule('@actions/core', () => core)
const { RECORDED_POLICY_FILE, startRecording, stopRecording } =
  await import('../../../src/action/record.js')

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../../src/action/cli.js')
const SAVED_ENV = { ...process.env }
const VARIABLES = { HTTPS_PROXY: 'http://127.0.0.1:9999', AWS_CA_BUNDLE: '/tmp/ca.pem' }
let temp: string

const infos = () => core.info.mock.calls.map(c => c[0])

beforeEach(() => {
  jest.resetAllMocks()
  core.summary.reset()
  recorder = new FakeRecorder()
  started = []
  behaviour = () => {}
  temp = mkdtempSync(join(tmpdir(), 'record-test-'))
  process.env.RUNNER_TEMP = temp
})

afterEach(() => {
  jest.restoreAllMocks()
  rmSync(temp, { recursive: true, force: true })
  process.env = { ...SAVED_ENV }
})

/** Date.now() answers these in turn, then the last one for ever. */
function clock(...times: number[]): void {
  const spy = jest.spyOn(Date, 'now')
  for (const time of times) spy.mockReturnValueOnce(time)
  spy.mockReturnValue(times[times.length - 1])
}

const folders = () => readdirSync(temp).filter(name => name.startsWith('scoped-role-record-'))

describe('startRecording', () => {
  it('starts the recorder detached in a folder of RUNNER_TEMP, and exports what it asks for', async () => {
    behaviour = dir => writeFileSync(join(dir, 'env.json'), JSON.stringify(VARIABLES))
    await startRecording()
    const [dir] = folders()
    expect(started).toEqual([
      {
        command: process.execPath,
        args: [CLI, 'record', '--serve', join(temp, dir)],
        options: { detached: true, stdio: 'ignore', env: process.env }
      }
    ])
    expect(recorder.unref).toHaveBeenCalled()
    expect(core.saveState.mock.calls).toEqual([
      [
        'recording',
        JSON.stringify({
          pid: 4242,
          dir: join(temp, dir),
          variables: ['HTTPS_PROXY', 'AWS_CA_BUNDLE']
        })
      ]
    ])
    expect(core.exportVariable.mock.calls).toEqual(Object.entries(VARIABLES))
    expect(infos()).toEqual([
      'Recording the AWS calls of the later steps through http://127.0.0.1:9999; the post step writes the policy they need into the job summary.'
    ])
  })

  it('waits for the recorder to get ready', async () => {
    behaviour = dir => setTimeout(() => writeFileSync(join(dir, 'env.json'), '{}'), 200)
    await startRecording()
    expect(core.saveState).toHaveBeenCalledTimes(1)
  })

  it('uses the system temp folder without RUNNER_TEMP', async () => {
    delete process.env.RUNNER_TEMP
    behaviour = dir => writeFileSync(join(dir, 'env.json'), '{}')
    await startRecording()
    const dir = started[0].args[3]
    expect(dirname(dir)).toBe(tmpdir())
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives up when the recorder cannot start, leaving nothing behind', async () => {
    behaviour = (_, child) => setImmediate(() => child.emit('error', new Error('spawn EACCES')))
    await expect(startRecording()).rejects.toThrow(new Error('spawn EACCES'))
    expect(recorder.kill).toHaveBeenCalled()
    expect(folders()).toEqual([])
    expect(core.exportVariable).not.toHaveBeenCalled()
  })

  it('gives up when the recorder ends before it is ready', async () => {
    behaviour = (_, child) => (child.exitCode = 1)
    await expect(startRecording()).rejects.toThrow(new Error('it did not get ready'))
    expect(recorder.kill).toHaveBeenCalled()
    expect(folders()).toEqual([])
  })

  it('waits 15 s for it, no longer', async () => {
    clock(0, 15_000, 15_001)
    await expect(startRecording()).rejects.toThrow(new Error('it did not get ready'))
    expect(recorder.kill).toHaveBeenCalledTimes(1)
    expect(folders()).toEqual([])
  })
})

describe('stopRecording', () => {
  let dir: string
  let kill: ReturnType<typeof jest.spyOn>

  beforeEach(() => {
    dir = join(temp, 'scoped-role-record-abc')
    mkdirSync(dir)
    kill = jest.spyOn(process, 'kill').mockImplementation(() => true)
  })

  function saved(state: Record<string, unknown> = {}): void {
    const value = JSON.stringify({
      pid: 4242,
      dir,
      variables: ['HTTPS_PROXY', 'AWS_CA_BUNDLE'],
      ...state
    })
    core.getState.mockImplementation(name => (name === 'recording' ? value : ''))
  }

  it('does nothing when no recording was started', async () => {
    core.getState.mockReturnValue('')
    await stopRecording()
    expect(kill).not.toHaveBeenCalled()
    expect(core.exportVariable).not.toHaveBeenCalled()
  })

  it.each([
    ['a relative folder', 'scoped-role-record-abc'],
    ['a folder that is not the recorder’s', '/tmp/elsewhere'],
    ['a folder whose name only ends like the recorder’s', '/tmp/x-scoped-role-record-']
  ])('leaves %s alone', async (_, folder) => {
    saved({ dir: folder })
    await stopRecording()
    expect(kill).not.toHaveBeenCalled()
    expect(core.exportVariable).not.toHaveBeenCalled()
  })

  it('blanks the variables, stops the recorder and puts its report into the job summary', async () => {
    writeFileSync(join(dir, 'summary.md'), 'Calls: s3:GetObject on <bucket> & more\n')
    writeFileSync(join(dir, 'policy.json'), '{"Version":"2012-10-17"}')
    saved()
    await stopRecording()
    expect(core.exportVariable.mock.calls).toEqual([
      ['HTTPS_PROXY', ''],
      ['AWS_CA_BUNDLE', '']
    ])
    expect(kill.mock.calls).toEqual([[4242, 'SIGTERM']])
    const kept = join(temp, RECORDED_POLICY_FILE)
    expect(RECORDED_POLICY_FILE).toBe('scoped-role-recorded-policy.json')
    expect(readFileSync(kept, 'utf8')).toBe('{"Version":"2012-10-17"}')
    expect(existsSync(dir)).toBe(false)
    expect(infos()).toEqual([
      'Calls: s3:GetObject on <bucket> & more\n',
      `The proposed policy is in ${kept}.`
    ])
    expect(core.summary.calls).toEqual([
      ['addHeading', 'Recorded AWS calls', 2],
      [
        'addRaw',
        'The session policy the recorded steps need (paste it into <code>inline-session-policy</code>), then the calls and what a recording cannot see:\n\n',
        true
      ],
      ['addCodeBlock', 'Calls: s3:GetObject on &lt;bucket&gt; &amp; more\n', 'text'],
      ['write']
    ])
  })

  it('reports without a policy when the recorder proposed none', async () => {
    writeFileSync(join(dir, 'summary.md'), 'No calls.')
    saved()
    await stopRecording()
    expect(infos()).toEqual(['No calls.'])
    expect(existsSync(join(temp, RECORDED_POLICY_FILE))).toBe(false)
  })

  it('keeps the policy in the system temp folder without RUNNER_TEMP', async () => {
    delete process.env.RUNNER_TEMP
    writeFileSync(join(dir, 'summary.md'), 'Calls.')
    writeFileSync(join(dir, 'policy.json'), '{}')
    saved()
    await stopRecording()
    const kept = join(tmpdir(), RECORDED_POLICY_FILE)
    expect(infos()[1]).toBe(`The proposed policy is in ${kept}.`)
    rmSync(kept, { force: true })
  })

  it('reports even when the recorder is gone already', async () => {
    kill.mockImplementation(() => {
      throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' })
    })
    writeFileSync(join(dir, 'summary.md'), 'Calls.')
    saved()
    await stopRecording()
    expect(infos()).toEqual(['Calls.'])
  })

  it('waits for the report while the recorder writes it', async () => {
    setTimeout(() => writeFileSync(join(dir, 'summary.md'), 'Late calls.'), 300)
    saved()
    await stopRecording()
    expect(infos()).toEqual(['Late calls.'])
  })

  it('waits 30 s for the report, then ends the recorder and says no policy was proposed', async () => {
    clock(0, 29_999, 30_000)
    saved()
    await stopRecording()
    expect(kill.mock.calls).toEqual([
      [4242, 'SIGTERM'],
      [4242, 'SIGKILL']
    ])
    expect(core.warning.mock.calls).toEqual([
      ['The recorder did not report in time; no policy was proposed.']
    ])
    expect(existsSync(dir)).toBe(false)
    expect(core.summary.calls).toEqual([])
  })

  it('says no policy was proposed even when the recorder cannot be ended', async () => {
    clock(0, 30_000)
    kill.mockImplementation(() => {
      throw new Error('kill ESRCH')
    })
    saved()
    await stopRecording()
    expect(core.warning).toHaveBeenCalledTimes(1)
  })

  it.each([
    ['a report of 512 KiB whole', 512 * 1024, false],
    ['a longer report cut at 512 KiB', 512 * 1024 + 1, true]
  ])('puts %s into the summary', async (_, size, cut) => {
    writeFileSync(join(dir, 'summary.md'), 'a'.repeat(size))
    saved()
    await stopRecording()
    const text = 'a'.repeat(512 * 1024)
    expect(infos()[0]).toBe(cut ? `${text}\n… (cut at 524288 bytes)\n` : text)
  })
})

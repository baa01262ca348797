/** Typed jest mocks of every @actions/core function the sources call, for module unit tests. */
import { jest } from '@jest/globals'
import type * as core from '@actions/core'

export const getInput = jest.fn<typeof core.getInput>()
export const setSecret = jest.fn<typeof core.setSecret>()
export const exportVariable = jest.fn<typeof core.exportVariable>()
export const setOutput = jest.fn<typeof core.setOutput>()
export const saveState = jest.fn<typeof core.saveState>()
export const getState = jest.fn<typeof core.getState>()
export const info = jest.fn<typeof core.info>()
export const debug = jest.fn<typeof core.debug>()
export const warning = jest.fn<typeof core.warning>()
export const error = jest.fn<typeof core.error>()
export const setFailed = jest.fn<typeof core.setFailed>()
export const ExitCode = { Success: 0, Failure: 1 }
export const getIDToken = jest.fn<typeof core.getIDToken>()

/**
 * The job summary as a list of the calls made to it, so a test reads what was added and when it
 * was written. Plain methods, not mocks: jest.resetAllMocks() leaves the chaining in place.
 */
export const summary = {
  calls: [] as unknown[][],
  /** When set, write() fails with it (as a summary file that cannot be written would). */
  writeError: undefined as Error | undefined,
  reset() {
    this.calls = []
    this.writeError = undefined
  },
  addRaw(text: string, addEOL = false) {
    this.calls.push(['addRaw', text, addEOL])
    return this
  },
  addHeading(text: string, level?: number) {
    this.calls.push(['addHeading', text, level])
    return this
  },
  addCodeBlock(code: string, lang?: string) {
    this.calls.push(['addCodeBlock', code, lang])
    return this
  },
  async write() {
    if (this.writeError !== undefined) throw this.writeError
    this.calls.push(['write'])
    return this
  }
}

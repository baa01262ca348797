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

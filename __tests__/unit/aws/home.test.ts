import { describe, expect, it } from '@jest/globals'
import { homedir } from 'node:os'
import { posix, win32 } from 'node:path'
import { homeFolder, isInside, pathsFor } from '../../../src/aws/home.js'

const osHome = () => '/from/os'

describe('home folder', () => {
  it('is HOME on Linux and macOS, else what the OS says', () => {
    expect(homeFolder({ HOME: '/home/runner' }, 'linux', osHome)).toEqual({ path: '/home/runner' })
    expect(homeFolder({ HOME: '/Users/runner' }, 'darwin', osHome)).toEqual({
      path: '/Users/runner'
    })
    expect(homeFolder({}, 'darwin', osHome)).toEqual({ path: '/from/os' })
    // USERPROFILE means nothing there.
    expect(homeFolder({ USERPROFILE: 'C:\\x', HOME: '/h' }, 'linux', osHome)).toEqual({
      path: '/h'
    })
  })

  it('is USERPROFILE on Windows, then HOMEDRIVE + HOMEPATH, then HOME', () => {
    const profile = 'C:\\Users\\runneradmin'
    expect(homeFolder({ USERPROFILE: profile }, 'win32', osHome)).toEqual({ path: profile })
    expect(
      homeFolder({ HOMEDRIVE: 'D:', HOMEPATH: '\\Users\\ci', USERPROFILE: '' }, 'win32', osHome)
    ).toEqual({ path: 'D:\\Users\\ci' })
    // HOMEPATH alone names no drive: it is not used.
    expect(homeFolder({ HOMEPATH: '\\Users\\ci' }, 'win32', osHome)).toEqual({ path: '/from/os' })
    expect(homeFolder({ HOME: 'C:\\Users\\ci' }, 'win32', osHome)).toEqual({
      path: 'C:\\Users\\ci'
    })
  })

  it('reports a HOME that names another folder on Windows, where the SDKs would look instead', () => {
    expect(
      homeFolder({ USERPROFILE: 'C:\\Users\\runneradmin', HOME: 'D:\\home' }, 'win32', osHome)
    ).toEqual({ path: 'C:\\Users\\runneradmin', disputedBy: 'D:\\home' })
    // The same folder spelt with other case or slashes is no dispute.
    expect(
      homeFolder({ USERPROFILE: 'C:\\Users\\RunnerAdmin', HOME: 'c:/users/runneradmin/' }, 'win32')
    ).toEqual({ path: 'C:\\Users\\RunnerAdmin' })
  })
})

describe('isInside', () => {
  it('compares Windows paths without case, POSIX paths exactly', () => {
    expect(isInside('c:\\users\\ci\\.aws\\credentials', 'C:\\Users\\CI', 'win32')).toBe(true)
    expect(isInside('D:\\shared\\credentials', 'C:\\Users\\ci', 'win32')).toBe(false)
    expect(isInside('C:\\Users\\ci-other\\credentials', 'C:\\Users\\ci', 'win32')).toBe(false)
    expect(isInside('C:\\Users\\ci', 'C:\\Users\\ci', 'win32')).toBe(false)
    expect(isInside('/Users/ci/.aws/config', '/Users/ci', 'darwin')).toBe(true)
    expect(isInside('/users/ci/.aws/config', '/Users/ci', 'darwin')).toBe(false)
  })
})

describe('pathsFor', () => {
  it('is the Windows path rules on Windows, POSIX elsewhere', () => {
    expect(pathsFor('win32')).toBe(win32)
    expect(pathsFor('linux')).toBe(posix)
    expect(pathsFor('darwin')).toBe(posix)
  })
})

describe('home folder, each fallback', () => {
  it('asks the OS when HOME is empty on Linux', () => {
    expect(homeFolder({ HOME: '' }, 'linux', osHome)).toEqual({ path: '/from/os' })
  })

  it('reads this process by default', () => {
    expect(homeFolder({ HOME: '/h' }, 'linux')).toEqual({ path: '/h' })
    const expected = process.platform === 'win32' ? {} : { HOME: '/from/env' }
    expect(homeFolder(expected)).toEqual({
      path: process.platform === 'win32' ? homedir() : '/from/env'
    })
    expect(homeFolder({}, 'linux')).toEqual({ path: homedir() })
  })

  it('does not use HOMEDRIVE without HOMEPATH on Windows', () => {
    expect(homeFolder({ HOMEDRIVE: 'D:' }, 'win32', osHome)).toEqual({ path: '/from/os' })
  })

  it('prefers HOMEDRIVE + HOMEPATH to HOME on Windows, and reports HOME then', () => {
    expect(
      homeFolder({ HOMEDRIVE: 'D:', HOMEPATH: '\\ci', HOME: 'E:\\home' }, 'win32', osHome)
    ).toEqual({ path: 'D:\\ci', disputedBy: 'E:\\home' })
  })

  it('sees no dispute in an empty HOME on Windows', () => {
    expect(homeFolder({ USERPROFILE: 'C:\\Users\\ci', HOME: '' }, 'win32', osHome)).toEqual({
      path: 'C:\\Users\\ci'
    })
  })

  it('takes the same folder with trailing backslashes for the same', () => {
    expect(
      homeFolder({ USERPROFILE: 'C:\\Users\\ci', HOME: 'C:\\Users\\ci\\' }, 'win32', osHome)
    ).toEqual({ path: 'C:\\Users\\ci' })
    expect(
      homeFolder({ USERPROFILE: 'C:\\Users\\ci\\', HOME: 'C:\\Users\\ci' }, 'win32', osHome)
    ).toEqual({ path: 'C:\\Users\\ci\\' })
  })

  it('asks the OS on Windows when no variable names a home', () => {
    expect(homeFolder({}, 'win32', osHome)).toEqual({ path: '/from/os' })
  })
})

describe('isInside, each way out', () => {
  it.each([
    ['/Users/ci/.aws/config', '/Users/ci', true],
    ['/Users/cix/config', '/Users/ci', false],
    ['/etc/passwd', '/Users/ci', false],
    ['/Users/ci', '/Users/ci', false],
    ['/Users/ci/..x/config', '/Users/ci', false]
  ])('%s in %s on POSIX: %s', (path, folder, inside) => {
    expect(isInside(path, folder, 'linux')).toBe(inside)
  })

  it('is case-sensitive on POSIX', () => {
    expect(isInside('/users/CI/a', '/users/ci', 'linux')).toBe(false)
  })

  it('is not inside across drives on Windows', () => {
    expect(isInside('D:\\Users\\ci\\a', 'C:\\Users\\ci', 'win32')).toBe(false)
  })
})

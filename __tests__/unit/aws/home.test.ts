import { describe, expect, it } from '@jest/globals'
import { homeFolder, isInside } from '../../../src/aws/home.js'

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

import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  credentialProcessCommand,
  removeProcessProfile,
  writeProcessProfile
} from '../../../src/aws/process-profile.js'

describe('credentialProcessCommand', () => {
  it('leaves plain paths as they are and single-quotes the rest on POSIX', () => {
    expect(
      credentialProcessCommand(
        ['/usr/bin/node', '/a/cli.cjs', '--settings-file', '/t/s.json'],
        'linux'
      )
    ).toBe('/usr/bin/node /a/cli.cjs --settings-file /t/s.json')
    expect(credentialProcessCommand(["/home/o'neil/my dir/node", '$HOME'], 'darwin')).toBe(
      `'/home/o'\\''neil/my dir/node' '$HOME'`
    )
  })

  it('double-quotes paths with spaces on Windows and refuses what cmd.exe would expand', () => {
    expect(
      credentialProcessCommand(
        [
          'C:\\Program Files\\nodejs\\node.exe',
          'D:\\a\\_actions\\o\\r\\v1\\dist\\cli.cjs',
          'credential-process'
        ],
        'win32'
      )
    ).toBe(
      '"C:\\Program Files\\nodejs\\node.exe" D:\\a\\_actions\\o\\r\\v1\\dist\\cli.cjs credential-process'
    )
    expect(() => credentialProcessCommand(['C:\\100%\\node.exe'], 'win32')).toThrow(
      'cmd.exe expands %'
    )
    expect(() => credentialProcessCommand(['/a\nb'], 'linux')).toThrow('line break')
  })
})

describe('credentialProcessCommand, each character class', () => {
  it.each([
    ['linux', ['a@%+=:,./-_Z9'], 'a@%+=:,./-_Z9'],
    ['linux', [''], "''"],
    ['linux', ["a'b'c"], `'a'\\''b'\\''c'`],
    ['linux', ['a\\b'], `'a\\b'`],
    ['linux', ['x y', 'z'], "'x y' z"],
    ['win32', ['a@+=:,./\\-_Z9'], 'a@+=:,./\\-_Z9'],
    ['win32', [''], '""'],
    ['win32', ["o'neil"], `"o'neil"`],
    ['win32', ['x y', 'z'], '"x y" z']
  ])('on %s writes %j as %s', (platform, argv, command) => {
    expect(credentialProcessCommand(argv, platform as NodeJS.Platform)).toBe(command)
  })

  it.each(['a\rb', 'a\nb', 'a\0b'])('refuses %j, which would end the line', arg => {
    expect(() => credentialProcessCommand(['node', arg], 'linux')).toThrow(
      new Error(`${JSON.stringify(arg)} has a line break`)
    )
  })

  it.each(['C:\\100%\\node.exe', 'C:\\a"b\\node.exe'])('refuses %s on Windows', arg => {
    expect(() => credentialProcessCommand([arg], 'win32')).toThrow(
      new Error(
        `${arg} holds " or %, which a credential_process on Windows cannot quote (cmd.exe expands %)`
      )
    )
  })
})

describe('a profile that runs a command', () => {
  const files = () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoped-role-process-profile-'))
    return { credentials: join(dir, 'credentials'), config: join(dir, 'config'), custom: true }
  }

  it('goes to the config file only, replaces stale keys when asked, and is removed only while ours', () => {
    const paths = files()
    writeFileSync(paths.credentials, '[ci]\naws_access_key_id = AKIAOLD\n\n[keep]\nx = 1\n')
    writeFileSync(paths.config, '[profile keep]\nregion = us-east-1\n')
    expect(() =>
      writeProcessProfile({
        profile: 'ci',
        files: paths,
        command: 'node a',
        region: 'eu-west-1',
        overwrite: false
      })
    ).toThrow('already exists')
    writeProcessProfile({
      profile: 'ci',
      files: paths,
      command: 'node a',
      region: 'eu-west-1',
      overwrite: true
    })
    expect(readFileSync(paths.credentials, 'utf8')).toBe('[keep]\nx = 1\n')
    expect(readFileSync(paths.config, 'utf8')).toBe(
      '[profile keep]\nregion = us-east-1\n\n[profile ci]\ncredential_process = node a\nregion = eu-west-1\n'
    )
    expect(removeProcessProfile('ci', paths.config, 'node b')).toBe(false)
    expect(removeProcessProfile('ci', paths.config, 'node a')).toBe(true)
    expect(readFileSync(paths.config, 'utf8')).toBe('[profile keep]\nregion = us-east-1\n')
  })

  it('writes no credentials file when there are no stale keys to remove', () => {
    const paths = files()
    writeProcessProfile({
      profile: 'ci',
      files: paths,
      command: 'node a',
      region: 'eu-west-1',
      overwrite: false
    })
    expect(existsSync(paths.credentials)).toBe(false)
    expect(readFileSync(paths.config, 'utf8')).toBe(
      '[profile ci]\ncredential_process = node a\nregion = eu-west-1\n'
    )
  })

  it('leaves a config file without the profile as it is', () => {
    const paths = files()
    writeFileSync(paths.config, '[profile keep]\ncredential_process = node a\n')
    expect(removeProcessProfile('ci', paths.config, 'node a')).toBe(false)
    expect(readFileSync(paths.config, 'utf8')).toBe('[profile keep]\ncredential_process = node a\n')
  })
})

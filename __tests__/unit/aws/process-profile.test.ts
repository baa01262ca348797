import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
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
})

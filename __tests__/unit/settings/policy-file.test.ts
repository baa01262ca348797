import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileRefused } from '../../../src/shared/bounded-file.js'
import {
  MAX_POLICY_FILE_BYTES,
  parseInlinePolicySource,
  readPolicyFile
} from '../../../src/settings/policy-file.js'
import { errorOf, rawInputs, refusal } from '../../support/inputs.js'

const WORDING = { missingFile: 'Check out the repository first.' }
const POLICY = '{"Version":"2012-10-17","Statement":[]}'

describe('parseInlinePolicySource', () => {
  const parse = (
    overrides: Parameters<typeof rawInputs>[0],
    readFile: (path: string) => string = () => POLICY
  ) => parseInlinePolicySource(rawInputs(overrides), '/ws', readFile, WORDING)

  it('has no inline policy when neither input is set, and reads nothing', () => {
    const read = (): string => {
      throw new Error('read')
    }
    expect(parse({}, read)).toBeUndefined()
  })

  it('takes inline-session-policy as written', () => {
    expect(parse({ 'inline-session-policy': POLICY })).toStrictEqual({
      text: POLICY,
      input: 'inline-session-policy'
    })
  })

  it('refuses both inputs together', () => {
    expect(
      refusal(() =>
        parse({ 'inline-session-policy': POLICY, 'inline-session-policy-file': 'p.json' })
      )
    ).toEqual({
      input: 'inline-session-policy-file',
      message:
        'inline-session-policy-file: is set together with inline-session-policy; a session has one inline policy. Keep one of the two (managed-session-policies can be combined with either).'
    })
  })

  it.each([
    ['policies/a.json', '/ws/policies/a.json', 'policies/a.json'],
    ['/ws/policies/a.json', '/ws/policies/a.json', 'policies/a.json'],
    ['/etc/a.json', '/etc/a.json', '/etc/a.json'],
    ['../a.json', '/a.json', '/a.json'],
    ['..a.json', '/ws/..a.json', '..a.json'],
    ['..', '/', '/']
  ])('reads %s at %s, shown as %s', (file, path, shown) => {
    const seen: string[] = []
    const source = parse({ 'inline-session-policy-file': file }, read => {
      seen.push(read)
      return POLICY
    })
    expect(seen).toEqual([path])
    expect(source).toStrictEqual({
      text: POLICY,
      input: 'inline-session-policy-file',
      file: shown
    })
  })

  it('says why a file was refused, and marks it', () => {
    const error = errorOf(() =>
      parse({ 'inline-session-policy-file': 'p.json' }, path => {
        throw new FileRefused(path, 'is a directory, not a regular file')
      })
    )
    expect(error.message).toBe(
      "inline-session-policy-file: cannot use 'p.json' (/ws/p.json): it is a directory, not a regular file. Point it at a regular JSON file in the repository (a session policy is at most 2048 characters once minified)."
    )
    expect(error.location).toEqual({ file: 'p.json' })
  })

  it.each([
    [new FileRefused('/ws/p.json', 'ENOENT, no such file'), 'ENOENT, no such file'],
    [Object.assign(new Error('gone'), { code: 'ENOENT' }), 'ENOENT'],
    [Object.assign(new Error('no'), { code: 'EACCES' }), 'EACCES'],
    [new Error('odd'), 'Error: odd']
  ])('says which file it could not read (%s)', (thrown, reason) => {
    expect(
      refusal(() =>
        parse({ 'inline-session-policy-file': 'p.json' }, () => {
          throw thrown
        })
      )
    ).toEqual({
      input: 'inline-session-policy-file',
      message: `inline-session-policy-file: cannot read 'p.json' (looked at /ws/p.json: ${reason}). Check out the repository first.`
    })
  })
})

describe('readPolicyFile', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-file-'))
    writeFileSync(join(dir, 'policy.json'), POLICY)
    writeFileSync(join(dir, 'full.json'), ' '.repeat(MAX_POLICY_FILE_BYTES))
    writeFileSync(join(dir, 'over.json'), ' '.repeat(MAX_POLICY_FILE_BYTES + 1))
    symlinkSync(join(dir, 'policy.json'), join(dir, 'link.json'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads up to a mebibyte', () => {
    expect(MAX_POLICY_FILE_BYTES).toBe(1048576)
    expect(readPolicyFile(join(dir, 'policy.json'))).toBe(POLICY)
    expect(readPolicyFile(join(dir, 'full.json'))).toHaveLength(MAX_POLICY_FILE_BYTES)
  })

  it('refuses a larger file', () => {
    expect(() => readPolicyFile(join(dir, 'over.json'))).toThrow(
      new FileRefused(join(dir, 'over.json'), 'is 1048577 bytes; at most 1048576 are read')
    )
  })

  it('follows a link only into the roots, when given', () => {
    const link = join(dir, 'link.json')
    expect(readPolicyFile(link)).toBe(POLICY)
    expect(readPolicyFile(link, [dir])).toBe(POLICY)
    expect(() => readPolicyFile(link, ['/nonexistent-root'])).toThrow(FileRefused)
  })
})

import { describe, expect, it } from '@jest/globals'
import { FileRefused } from '../../../src/shared/bounded-file.js'
import { ActionError, InputError } from '../../../src/shared/errors.js'
import { webIdentityToken } from '../../../src/sources/web-identity.js'

const OIDC = { kind: 'oidc', reason: 'r', label: 'l' } as const
const FILE = { kind: 'web-identity-file', path: 'token', reason: 'r', label: 'l' } as const
const SETTINGS = { audience: 'sts.amazonaws.com', budgetMs: 1000 }

function deps(overrides: Partial<Parameters<typeof webIdentityToken>[2]> = {}) {
  const masked: string[] = []
  return {
    masked,
    requestIdToken: async () => 'oidc-token',
    readFile: () => 'file-token',
    mask: (secret: string) => void masked.push(secret),
    ...overrides
  }
}

describe('webIdentityToken from GitHub OIDC', () => {
  it('asks for the audience', async () => {
    const asked: string[] = []
    const d = deps({ requestIdToken: async audience => (asked.push(audience), 'oidc-token') })
    await expect(webIdentityToken(OIDC, SETTINGS, d)).resolves.toBe('oidc-token')
    expect(asked).toEqual(['sts.amazonaws.com'])
  })

  it('says what failed, on one line, made safe', async () => {
    const d = deps({
      requestIdToken: () => Promise.reject(new Error('HTTP 500:\n  ::add-mask::x'))
    })
    const failure = webIdentityToken(OIDC, SETTINGS, d)
    await expect(failure).rejects.toBeInstanceOf(ActionError)
    await expect(failure).rejects.toMatchObject({
      title: 'GitHub OIDC token request failed',
      message:
        "Could not get a GitHub OIDC token for audience 'sts.amazonaws.com': HTTP 500: ::add-mask::x"
    })
  })

  it('stops waiting after the retry budget', async () => {
    const d = deps({ requestIdToken: () => new Promise<string>(() => undefined) })
    await expect(webIdentityToken(OIDC, { ...SETTINGS, budgetMs: 30 }, d)).rejects.toThrow(
      'no token within retry-max-seconds (0.03 s)'
    )
  })
})

describe('webIdentityToken from a file', () => {
  it('reads the path, trims the token and masks it', async () => {
    const read: string[] = []
    const d = deps({ readFile: path => (read.push(path), '  abcd\n') })
    await expect(webIdentityToken(FILE, SETTINGS, d)).resolves.toBe('abcd')
    expect(read).toEqual(['token'])
    expect(d.masked).toEqual(['abcd'])
  })

  it('takes 4 to 20000 characters, and masks a long one before refusing it', async () => {
    const long = 'x'.repeat(20000)
    await expect(webIdentityToken(FILE, SETTINGS, deps({ readFile: () => long }))).resolves.toBe(
      long
    )
    const over = deps({ readFile: () => `${long}y` })
    await expect(webIdentityToken(FILE, SETTINGS, over)).rejects.toThrow(
      'web-identity-token-file: holds 20001 characters; a web identity token has 4 to 20000. Point it at the token file itself.'
    )
    expect(over.masked).toEqual([`${long}y`])
    const short = deps({ readFile: () => 'abc' })
    await expect(webIdentityToken(FILE, SETTINGS, short)).rejects.toThrow('holds 3 characters')
    expect(short.masked).toEqual([])
  })

  it.each([
    [
      new FileRefused('/w/token', 'is a device, not a regular file'),
      'is a device, not a regular file'
    ],
    [Object.assign(new Error('no'), { code: 'EACCES' }), 'EACCES'],
    ['odd', 'odd']
  ])('says why the file could not be read (%s)', async (error, why) => {
    const d = deps({
      readFile: () => {
        throw error
      }
    })
    const failure = webIdentityToken(FILE, SETTINGS, d)
    await expect(failure).rejects.toBeInstanceOf(InputError)
    await expect(failure).rejects.toThrow(
      `web-identity-token-file: cannot read 'token' (${why}). Give the path of the projected service account token, relative to the workspace or absolute.`
    )
  })
})

import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../../__fixtures__/core.js'
import { INPUT_NAMES } from '../../../src/settings/input-names.js'
import { InputError } from '../../../src/shared/errors.js'

jest.unstable_mockModule('@actions/core', () => core)
const { accountLikeNumbers, readInputs } = await import('../../../src/action/inputs.js')

/** getInput answers from this map, as the runner does from INPUT_* variables. */
function given(values: Record<string, string>): void {
  core.getInput.mockImplementation(name => values[name] ?? '')
}

beforeEach(() => {
  jest.resetAllMocks()
})

describe('readInputs', () => {
  it('reads every declared input, and nothing else', () => {
    given({ 'role-to-assume': 'arn:aws:iam::111122223333:role/deploy', 'aws-region': 'eu-west-1' })
    const raw = readInputs({})
    expect(Object.keys(raw)).toEqual([...INPUT_NAMES])
    expect(core.getInput.mock.calls.map(c => c[0])).toEqual([...INPUT_NAMES])
    expect(raw['role-to-assume']).toBe('arn:aws:iam::111122223333:role/deploy')
    expect(raw['aws-region']).toBe('eu-west-1')
    expect(raw.audience).toBe('')
    expect(core.setSecret).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
  })

  it('masks each secret input that is given, the moment it is read', () => {
    given({
      'aws-access-key-id': 'AKIAKEY',
      'aws-secret-access-key': 'secret',
      'aws-session-token': '',
      'mfa-token-code': '123456',
      'role-to-assume': 'arn:aws:iam::111122223333:role/deploy'
    })
    readInputs({})
    expect(core.setSecret.mock.calls.map(c => c[0]).sort()).toEqual(
      ['123456', 'AKIAKEY', 'secret'].sort()
    )
  })

  it.each(['true', 'TRUE', 'True'])(
    'mask-aws-account-id %s: masks every account-like number in any input',
    value => {
      given({
        'mask-aws-account-id': value,
        'role-to-assume': 'arn:aws:iam::111122223333:role/deploy',
        'allowed-account-ids': '444455556666,11112222333'
      })
      readInputs({})
      expect(core.setSecret.mock.calls.map(c => c[0])).toEqual([
        '111122223333',
        '444455556666',
        '11112222333'
      ])
    }
  )

  it('masks no number when mask-aws-account-id is false', () => {
    given({ 'mask-aws-account-id': 'false', 'role-to-assume': '111122223333' })
    readInputs({})
    expect(core.setSecret).not.toHaveBeenCalled()
  })

  it('refuses a misspelt input before anything else', () => {
    given({})
    expect(() => readInputs({ 'INPUT_ROLE-TO-ASUME': 'x' })).toThrow(InputError)
    expect(() => readInputs({ 'INPUT_ROLE-TO-ASUME': 'x' })).toThrow(
      "Did you mean 'role-to-assume'?"
    )
  })

  it('warns about an undeclared input it cannot place', () => {
    given({})
    readInputs({ INPUT_COLOUR: 'blue', PATH: '/bin' })
    expect(core.warning.mock.calls.map(c => c[0])).toEqual([
      expect.stringMatching(/^'colour' is not an input of this action and was ignored\./)
    ])
  })

  it('refuses a variable that stands for an input it needs', () => {
    given({})
    expect(() => readInputs({ ROLE_TO_ASSUME: 'arn:aws:iam::111122223333:role/deploy' })).toThrow(
      'role-to-assume: is not set, but ROLE_TO_ASSUME is set in the environment'
    )
  })

  it('warns about a variable that stands for an input it can do without', () => {
    given({})
    readInputs({ AUDIENCE: 'sigstore' })
    expect(core.warning.mock.calls.map(c => c[0])).toEqual([
      "AUDIENCE is set in the environment, but scoped-role reads only its inputs: it was not used. To use it, write audience: ${{ env.AUDIENCE }} in the step's with:."
    ])
  })

  it('reads the environment of the process by default', () => {
    given({})
    process.env.INPUT_COLOUR = 'blue'
    try {
      readInputs()
    } finally {
      delete process.env.INPUT_COLOUR
    }
    expect(core.warning).toHaveBeenCalledTimes(1)
  })
})

describe('accountLikeNumbers', () => {
  it.each([
    ['ten digits', ['1234567890'], ['1234567890']],
    ['fourteen digits', ['12345678901234'], ['12345678901234']],
    ['nine digits', ['123456789'], []],
    ['fifteen digits', ['123456789012345'], []],
    ['numbers inside text', ['arn:aws:iam::111122223333:role/x'], ['111122223333']],
    [
      'each once',
      ['111122223333', 'a 111122223333 b 444455556666'],
      ['111122223333', '444455556666']
    ],
    ['none', ['', 'deploy'], []]
  ])('finds %s', (_, values, found) => {
    expect(accountLikeNumbers(values)).toEqual(found)
  })
})

import { describe, expect, it } from '@jest/globals'
import { DEFAULT_USER } from '../../../local-sts/server.js'
import { checkKeys } from '../../../src/flows/keys.js'
import type { KeysSettings } from '../../../src/settings/settings.js'
import { recordingDeps, stsSettingsOf, useLocalSts } from '../../support/flows.js'

const sts = useLocalSts()

const KEYS = {
  'role-to-assume': '',
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}

function keysSettings(inputs: Record<string, string> = {}): KeysSettings {
  const settings = stsSettingsOf(sts(), { ...KEYS, ...inputs })
  if (settings.mode !== 'export-keys') throw new Error(`expected export-keys, got ${settings.mode}`)
  return settings
}

describe('checkKeys', () => {
  it('asks GetCallerIdentity signed with the keys and hands them back as the session', async () => {
    const deps = recordingDeps({
      credentialChain: () => Promise.reject(new Error('the chain is not read'))
    })
    const settings = keysSettings()
    const result = await checkKeys(settings, deps)
    expect(sts().requests.map(r => [r.action, r.accessKeyId])).toEqual([
      ['GetCallerIdentity', DEFAULT_USER.accessKeyId]
    ])
    expect(result).toEqual({
      session: {
        arn: DEFAULT_USER.arn,
        userId: expect.any(String),
        account: '111122223333',
        credentials: settings.keys
      },
      source: {
        kind: 'keys',
        keys: settings.keys,
        reason: 'aws-access-key-id is set and role-to-assume is empty',
        label: 'static keys from the inputs (GetCallerIdentity)'
      }
    })
    expect(deps.lines('info')).toEqual([
      'Source credentials: static keys from the inputs, because role-to-assume is empty; they are checked and exported as they are.',
      `The keys are ${DEFAULT_USER.arn}.`
    ])
  })

  it('masks the account before naming the keys when mask-aws-account-id is true', async () => {
    const deps = recordingDeps()
    await checkKeys(keysSettings({ 'mask-aws-account-id': 'true' }), deps)
    expect(deps.events.slice(1)).toEqual([
      'mask:111122223333',
      `info:The keys are ${DEFAULT_USER.arn}.`
    ])
  })

  it('refuses keys of an account allowed-account-ids does not list, naming no ARN', async () => {
    const deps = recordingDeps()
    await expect(
      checkKeys(keysSettings({ 'allowed-account-ids': '444455556666' }), deps)
    ).rejects.toThrow(
      'The role is in account 111122223333, which is not in allowed-account-ids (444455556666).'
    )
    expect(deps.lines('info')).toHaveLength(1)
  })
})

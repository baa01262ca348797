/**
 * The core's messages that depend on the front, each built with one front's wording: the unit
 * tests of each front's wording (unit/action/wording, unit/cli/wording) read them.
 */
import { RetriesExhausted } from '../../src/aws/retry.js'
import { explainStsError } from '../../src/aws/sts-errors.js'
import { policyDataLoaders } from '../../src/policy/data.js'
import { buildSessionPolicy } from '../../src/policy/session-policy.js'
import type { FrontWording } from '../../src/shared/front.js'
import { chooseSource } from '../../src/sources/choose.js'
import { loadSourceCredentials } from '../../src/sources/credentials.js'
import { errorOf, settingsOf } from './inputs.js'

const throttled = Object.assign(new Error('Rate exceeded'), {
  name: 'Throttling',
  $metadata: { httpStatusCode: 400 }
})

export async function coreMessages(wording: FrontWording) {
  const noSource = await loadSourceCredentials(
    undefined,
    () => Promise.reject(new Error('Could not load credentials from any providers')),
    wording
  ).catch((error: Error) => error.message)
  return {
    missingFile: errorOf(() =>
      settingsOf({ 'inline-session-policy-file': 'policies/ci.json' }, { wording })
    ).message,
    unknownAction: errorOf(() =>
      buildSessionPolicy(
        {
          inline: {
            text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}]}',
            input: 'inline-session-policy'
          },
          managed: [],
          forbidActions: '',
          requireSessionPolicy: false,
          partition: 'aws'
        },
        policyDataLoaders,
        wording
      )
    ).message,
    retriesExhausted: explainStsError(new RetriesExhausted(throttled, 3, 2500, 'attempts'), {
      action: 'AssumeRole',
      wording
    }).message,
    transient: explainStsError(throttled, { action: 'AssumeRole', wording }).message,
    noSource,
    sourceReason: chooseSource({ kind: 'any' }, {}, wording).reason
  }
}

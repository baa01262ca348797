import { describe, expect, it } from '@jest/globals'
import { describeRoleArnProblem } from '../../../src/aws/role-arn.js'
import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_RETRY,
  defaultSessionName,
  isGiven,
  MAX_VIA_ROLES,
  parseAccountIds,
  parseActionTimeout,
  parseAudience,
  parseBoolean,
  parseDuration,
  parseEndpoint,
  parseExternalId,
  parseForceSource,
  parseMfa,
  parseMode,
  parseNoProxy,
  parseProfileName,
  parseProxy,
  parseRegion,
  parseRequiredRole,
  parseRetryPolicy,
  parseRole,
  parseScopeDuration,
  parseScopedDescription,
  parseSessionName,
  parseSourceIdentity,
  parseStaticKeys,
  parseViaRoles,
  parseWholeNumber,
  sanitizeSessionName
} from '../../../src/settings/fields.js'
import { rawInputs, refusal } from '../../support/inputs.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const HUB = 'arn:aws:iam::444455556666:role/hub'

describe('parseRetryPolicy', () => {
  it('defaults to 3 attempts within 30 s, 10 s a request', () => {
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 3, budgetSeconds: 30, requestTimeoutSeconds: 10 })
    expect(parseRetryPolicy(rawInputs())).toEqual({
      maxAttempts: 3,
      budgetMs: 30000,
      requestTimeoutMs: 10000
    })
  })

  it('takes the written numbers', () => {
    const raw = rawInputs({
      'retry-max-attempts': '5',
      'retry-max-seconds': '60',
      'request-timeout-seconds': '20'
    })
    expect(parseRetryPolicy(raw)).toEqual({
      maxAttempts: 5,
      budgetMs: 60000,
      requestTimeoutMs: 20000
    })
  })

  it('bounds a request by the whole budget', () => {
    const raw = rawInputs({ 'retry-max-seconds': '5', 'request-timeout-seconds': '20' })
    expect(parseRetryPolicy(raw)).toEqual({
      maxAttempts: 3,
      budgetMs: 5000,
      requestTimeoutMs: 5000
    })
  })

  it('makes one attempt when retries are disabled', () => {
    expect(parseRetryPolicy(rawInputs({ 'disable-retry': 'true' })).maxAttempts).toBe(1)
  })

  it.each(['3', '1'])(
    'accepts disable-retry with retry-max-attempts %s (the default or one)',
    attempts => {
      const raw = rawInputs({ 'disable-retry': 'true', 'retry-max-attempts': attempts })
      expect(parseRetryPolicy(raw).maxAttempts).toBe(1)
    }
  )

  it('keeps the attempts when disable-retry is false', () => {
    const raw = rawInputs({ 'disable-retry': 'false', 'retry-max-attempts': '5' })
    expect(parseRetryPolicy(raw).maxAttempts).toBe(5)
  })

  it('refuses disable-retry together with more than one attempt', () => {
    const raw = rawInputs({ 'disable-retry': 'true', 'retry-max-attempts': '5' })
    expect(refusal(() => parseRetryPolicy(raw))).toEqual({
      input: 'disable-retry',
      message:
        'disable-retry: is true, which means one attempt, but retry-max-attempts is 5. Remove one of the two.'
    })
  })

  it.each([
    [
      'retry-max-attempts',
      '21',
      "retry-max-attempts: '21' is not a whole number from 1 to 20. Write e.g. 3."
    ],
    [
      'retry-max-attempts',
      '0',
      "retry-max-attempts: '0' is not a whole number from 1 to 20. Write e.g. 3."
    ],
    [
      'retry-max-seconds',
      '601',
      "retry-max-seconds: '601' is not a whole number from 1 to 600. Write e.g. 30."
    ],
    [
      'retry-max-seconds',
      '0',
      "retry-max-seconds: '0' is not a whole number from 1 to 600. Write e.g. 30."
    ],
    [
      'request-timeout-seconds',
      '301',
      "request-timeout-seconds: '301' is not a whole number from 1 to 300. Write e.g. 10."
    ],
    [
      'request-timeout-seconds',
      '0',
      "request-timeout-seconds: '0' is not a whole number from 1 to 300. Write e.g. 10."
    ],
    ['disable-retry', 'yes', "disable-retry: 'yes' is not a boolean. Write true or false."]
  ] as const)('refuses %s: %s', (input, value, message) => {
    expect(refusal(() => parseRetryPolicy(rawInputs({ [input]: value })))).toEqual({
      input,
      message
    })
  })

  it.each([
    ['retry-max-attempts', '20', { maxAttempts: 20 }],
    ['retry-max-attempts', '1', { maxAttempts: 1 }],
    ['retry-max-seconds', '600', { budgetMs: 600000 }],
    ['request-timeout-seconds', '1', { requestTimeoutMs: 1000 }]
  ] as const)('accepts %s at its bound %s', (input, value, expected) => {
    expect(parseRetryPolicy(rawInputs({ [input]: value }))).toMatchObject(expected)
  })
})

describe('parseWholeNumber', () => {
  const parse = (value: string) => parseWholeNumber('retry-max-attempts', value, 7, 2, 9)

  it('returns the fallback for an empty value', () => {
    expect(parse('')).toBe(7)
  })

  it.each([
    ['2', 2],
    ['9', 9],
    ['09', 9]
  ])('accepts %s', (value, expected) => {
    expect(parse(value)).toBe(expected)
  })

  it.each(['1', '10', '3.5', '-3', ' 3', '3 ', '3x', 'x3', '1e0'])('refuses %j', value => {
    expect(refusal(() => parse(value))).toEqual({
      input: 'retry-max-attempts',
      message: `retry-max-attempts: '${value}' is not a whole number from 2 to 9. Write e.g. 7.`
    })
  })
})

describe('parseProxy', () => {
  const NOT_A_PROXY = 'http-proxy: is not a proxy URL. Write e.g. http://proxy.internal:3128.'
  const BAD_ENCODING =
    "http-proxy: holds a user name or password with a '%' that is not valid percent-encoding. Percent-encode the special characters: % as %25, @ as %40, : as %3A (e.g. from ${{ secrets.PROXY_PASSWORD }} encoded once when it is stored)."

  it('is off when empty', () => {
    expect(parseProxy('')).toBeUndefined()
  })

  it.each([
    ['proxy.internal:3128', 'http://proxy.internal:3128/'],
    ['http://proxy.internal:3128', 'http://proxy.internal:3128/'],
    ['https://proxy.internal:8443', 'https://proxy.internal:8443/'],
    ['http://user:p%40ss@proxy.internal:3128', 'http://user:p%40ss@proxy.internal:3128/']
  ])('takes %s as %s', (value, expected) => {
    expect(parseProxy(value)).toBe(expected)
  })

  it.each(['socks5://proxy.internal:1080', 'http://', 'http://[nope', 'ftp://proxy.internal'])(
    'refuses %s without echoing it',
    value => {
      expect(refusal(() => parseProxy(value))).toEqual({
        input: 'http-proxy',
        message: NOT_A_PROXY
      })
    }
  )

  it.each(['http://user:%zz@proxy.internal:3128', 'http://%zz:secret@proxy.internal:3128'])(
    'refuses a bad percent-encoding in %s without echoing it',
    value => {
      expect(refusal(() => parseProxy(value))).toEqual({
        input: 'http-proxy',
        message: BAD_ENCODING
      })
    }
  )
})

describe('parseActionTimeout', () => {
  it.each(['', '0'])('means no timeout for %j', value => {
    expect(parseActionTimeout(value)).toBeUndefined()
  })

  it.each([
    ['1', 1],
    ['21600', 21600]
  ])('takes %s seconds', (value, expected) => {
    expect(parseActionTimeout(value)).toBe(expected)
  })

  it('refuses more than the 6 hours a job may run', () => {
    expect(refusal(() => parseActionTimeout('21601'))).toEqual({
      input: 'action-timeout-s',
      message: "action-timeout-s: '21601' is not a whole number from 0 to 21600. Write e.g. 0."
    })
  })
})

describe('parseNoProxy', () => {
  it.each(['', ' , \n '])('is unset for %j', value => {
    expect(parseNoProxy(value)).toBeUndefined()
  })

  it('keeps comma- or whitespace-separated hosts as one comma list', () => {
    expect(parseNoProxy(' a.example, .internal\n*  10.0.0.1:8080,,[::1]:443 my_host ')).toBe(
      'a.example,.internal,*,10.0.0.1:8080,[::1]:443,my_host'
    )
  })

  it('takes a host of 255 characters', () => {
    const host = 'a'.repeat(255)
    expect(parseNoProxy(host)).toBe(host)
  })

  it.each(['http://proxy', 'a/b', 'host!', '!host', 'a'.repeat(256)])('refuses %s', host => {
    expect(refusal(() => parseNoProxy(`ok.example,${host}`))).toEqual({
      input: 'no-proxy',
      message: `no-proxy: '${host}' is not a host name, host:port, .suffix or *. Write e.g. no-proxy: .internal.example.com,169.254.169.254.`
    })
  })
})

describe('parseViaRoles', () => {
  it('is empty when not set', () => {
    expect(parseViaRoles('', 'aws')).toEqual([])
  })

  it(`takes up to ${MAX_VIA_ROLES} role ARNs, in order`, () => {
    const roles = [1, 2, 3, 4, 5].map(n => `arn:aws:iam::111122223333:role/hop${n}`)
    expect(parseViaRoles(roles.join('\n'), 'aws')).toEqual(roles)
  })

  it('refuses a sixth hop', () => {
    const roles = [1, 2, 3, 4, 5, 6].map(n => `arn:aws:iam::111122223333:role/hop${n}`)
    expect(refusal(() => parseViaRoles(roles.join(','), 'aws'))).toEqual({
      input: 'via-roles',
      message:
        'via-roles: lists 6 roles; at most 5 hops are taken. List only the roles the chain must pass through.'
    })
  })

  it('refuses a bare role name', () => {
    expect(refusal(() => parseViaRoles(`${HUB},hub`, 'aws'))).toEqual({
      input: 'via-roles',
      message:
        "via-roles: 'hub' is a bare role name; a hop has no source account to complete it with. Write the full ARN, e.g. arn:aws:iam::123456789012:role/hub."
    })
  })

  it('says what is wrong with a malformed ARN', () => {
    const bad = 'arn:aws:iam:111122223333:role/hub'
    const { problem, fix } = describeRoleArnProblem(bad)
    expect(refusal(() => parseViaRoles(bad, 'aws'))).toEqual({
      input: 'via-roles',
      message: `via-roles: '${bad}' ${problem} ${fix}`
    })
  })

  it("refuses a role outside the region's partition", () => {
    const china = 'arn:aws-cn:iam::111122223333:role/hub'
    expect(refusal(() => parseViaRoles(`${HUB}\n${china}`, 'aws'))).toEqual({
      input: 'via-roles',
      message: `via-roles: '${china}' is not in partition 'aws' of aws-region. Use roles of the region's partition.`
    })
    expect(parseViaRoles(china, 'aws-cn')).toEqual([china])
  })
})

describe('parseScopedDescription', () => {
  const RUN = {
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_JOB: 'ship',
    GITHUB_RUN_ID: '42'
  }

  it('keeps a written description of up to 256 characters', () => {
    expect(parseScopedDescription('narrowed for tests', RUN)).toBe('narrowed for tests')
    expect(parseScopedDescription('d'.repeat(256), RUN)).toBe('d'.repeat(256))
  })

  it('refuses 257 characters', () => {
    expect(refusal(() => parseScopedDescription('d'.repeat(257), {}))).toEqual({
      input: 'scoped-session-description',
      message:
        'scoped-session-description: is 257 characters; STS accepts at most 256. Shorten it; it is shown in CloudTrail next to the scoped session.'
    })
  })

  it.each([
    [RUN, 'scoped-role: octo/app / deploy / job ship run 42'],
    [{}, 'scoped-role'],
    [{ GITHUB_RUN_ID: '42' }, 'scoped-role run 42'],
    [{ GITHUB_JOB: 'ship' }, 'scoped-role: job ship'],
    [{ GITHUB_REPOSITORY: 'octo/app', GITHUB_JOB: '', GITHUB_RUN_ID: '' }, 'scoped-role: octo/app']
  ])('describes the run %j by default', (env, expected) => {
    expect(parseScopedDescription('', env)).toBe(expected)
  })

  it('cuts the default at 256 characters', () => {
    const described = parseScopedDescription('', { GITHUB_REPOSITORY: 'r'.repeat(300) })
    expect(described).toBe(`scoped-role: ${'r'.repeat(243)}`)
  })
})

describe('parseProfileName', () => {
  const UNUSABLE = (value: string) =>
    `aws-profile: '${value}' is not a usable profile name. Use 1 to 64 letters, digits and + . @ _ -, e.g. aws-profile: plan.`
  const RESERVED = (value: string) =>
    `aws-profile: '${value}' is reserved: the AWS SDK for JavaScript cannot safely keep a profile of that name. Choose another name, e.g. aws-profile: plan.`

  it('is unset when empty', () => {
    expect(parseProfileName('')).toBeUndefined()
  })

  it.each(['plan', 'a', 'a+b.c@d_e-f', 'p'.repeat(64), 'proto'])('takes %s', value => {
    expect(parseProfileName(value)).toBe(value)
  })

  it.each(['a=b', 'a,b', ' plan', 'plan ', 'p'.repeat(65)])('refuses %j', value => {
    expect(refusal(() => parseProfileName(value))).toEqual({
      input: 'aws-profile',
      message: UNUSABLE(value)
    })
  })

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'])(
    'refuses the reserved name %s',
    value => {
      expect(refusal(() => parseProfileName(value))).toEqual({
        input: 'aws-profile',
        message: RESERVED(value)
      })
    }
  )
})

describe('parseMode', () => {
  it('defaults to assume', () => {
    expect(parseMode('')).toBe('assume')
  })

  it.each(['assume', 'check', 'scope'])('takes %s', mode => {
    expect(parseMode(mode)).toBe(mode)
  })

  it('refuses another word', () => {
    expect(refusal(() => parseMode('Scope'))).toEqual({
      input: 'mode',
      message:
        "mode: 'Scope' is not a mode. Write assume (the default: assume the role), check (only check the session policy, with no AWS request) or scope (narrow the session already in the environment)."
    })
  })
})

describe('parseForceSource', () => {
  it('chooses automatically when empty', () => {
    expect(parseForceSource('')).toBeUndefined()
  })

  it.each(['oidc', 'web-identity-file', 'keys', 'environment'])('takes %s', kind => {
    expect(parseForceSource(kind)).toBe(kind)
  })

  it('lists the sources when the value is none of them', () => {
    expect(refusal(() => parseForceSource('profile'))).toEqual({
      input: 'force-source',
      message:
        "force-source: 'profile' is not a source. Write one of oidc, web-identity-file, keys, environment, or leave it empty to choose automatically."
    })
  })
})

describe('parseSourceIdentity', () => {
  const refused = (suggestion: string) =>
    `source-identity: must be 2 to 64 letters, digits and + = , . @ _ -, not starting with aws:. Write e.g. '${suggestion}'.`

  it('is unset when empty', () => {
    expect(parseSourceIdentity('')).toBeUndefined()
  })

  it.each(['ab', 'i'.repeat(64), 'release+bot=1,a.b@c_d-e'])('takes %s', value => {
    expect(parseSourceIdentity(value)).toBe(value)
  })

  it.each([
    ['x', 'x'],
    ['i'.repeat(65), 'i'.repeat(64)],
    ['release bot', 'release_bot'],
    ['aws:bot', 'aws_bot'],
    ['AWS:bot', 'AWS_bot'],
    ['!!', 'release-bot']
  ])('refuses %j and suggests %j', (value, suggestion) => {
    expect(refusal(() => parseSourceIdentity(value))).toEqual({
      input: 'source-identity',
      message: refused(suggestion)
    })
  })
})

describe('parseAccountIds', () => {
  it.each(['', ' ,\n'])('allows any account for %j', value => {
    expect(parseAccountIds(value)).toBeUndefined()
  })

  it('takes 12-digit ids, one a line or comma-separated', () => {
    expect(parseAccountIds('111122223333, 444455556666\n777788889999\n')).toEqual([
      '111122223333',
      '444455556666',
      '777788889999'
    ])
  })

  it.each(['11112222333', '1111222233334', 'x111122223333', '111122223333x', '1111-2222-3333'])(
    'refuses %s',
    id => {
      expect(refusal(() => parseAccountIds(`111122223333,${id}`))).toEqual({
        input: 'allowed-account-ids',
        message: `allowed-account-ids: '${id}' is not an AWS account id. Write 12-digit account ids, one a line or comma-separated.`
      })
    }
  )
})

describe('parseRegion', () => {
  it('prefers the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }
    expect(parseRegion('us-west-2', env)).toBe('us-west-2')
    expect(parseRegion('', env)).toBe('eu-west-1')
    expect(parseRegion('', { AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-2')
    expect(parseRegion('', { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-2')
  })

  it('asks for a region when there is none', () => {
    expect(refusal(() => parseRegion('', { AWS_REGION: '' }))).toEqual({
      input: 'aws-region',
      message:
        'aws-region: is not set, and neither AWS_REGION nor AWS_DEFAULT_REGION is in the environment. Add aws-region: us-east-1 (or your region) to the step.'
    })
  })

  it.each([
    ['US East', {}, 'aws-region'],
    ['US East', { AWS_REGION: 'eu-west-1' }, 'aws-region'],
    [
      '',
      { AWS_REGION: 'US East', AWS_DEFAULT_REGION: 'eu-west-2' },
      'aws-region (from AWS_REGION)'
    ],
    ['', { AWS_DEFAULT_REGION: 'US East' }, 'aws-region (from AWS_DEFAULT_REGION)'],
    ['', { AWS_REGION: '', AWS_DEFAULT_REGION: 'US East' }, 'aws-region (from AWS_DEFAULT_REGION)']
  ])('names where the bad region %j came from (%j)', (value, env, input) => {
    expect(refusal(() => parseRegion(value, env))).toEqual({
      input,
      message: `${input}: 'US East' is not a region name. Write a region such as us-east-1 or eu-west-2.`
    })
  })
})

describe('parseEndpoint', () => {
  it('uses the regional endpoint when empty', () => {
    expect(parseEndpoint('')).toBeUndefined()
  })

  it.each(['https://sts.eu-west-1.amazonaws.com', 'http://127.0.0.1:4566'])(
    'keeps %s as written',
    value => {
      expect(parseEndpoint(value)).toBe(value)
    }
  )

  it.each(['ftp://sts.example', 'sts.eu-west-1.amazonaws.com', 'not a url'])(
    'refuses %s',
    value => {
      expect(refusal(() => parseEndpoint(value))).toEqual({
        input: 'sts-endpoint',
        message: `sts-endpoint: '${value}' is not an http(s) URL. Write a URL such as https://sts.eu-west-1.amazonaws.com, or leave it empty for the regional endpoint.`
      })
    }
  )
})

describe('parseStaticKeys', () => {
  const KEY = 'AKIAIOSFODNN7EXAMPLE'
  const keys = (id: string, secret: string, token = '') =>
    rawInputs({
      'aws-access-key-id': id,
      'aws-secret-access-key': secret,
      'aws-session-token': token
    })
  const BOTH =
    'Set both (for example from ${{ secrets.AWS_ACCESS_KEY_ID }} and ${{ secrets.AWS_SECRET_ACCESS_KEY }}); an empty secret usually means the secret is not available to this workflow.'

  it('is unset when no key is given', () => {
    expect(parseStaticKeys(keys('', ''))).toBeUndefined()
  })

  it('takes a pair, with no session token key when there is none', () => {
    expect(parseStaticKeys(keys(KEY, 'secret'))).toStrictEqual({
      accessKeyId: KEY,
      secretAccessKey: 'secret'
    })
  })

  it('takes a session token with the pair', () => {
    expect(parseStaticKeys(keys(KEY, 'secret', 'token'))).toStrictEqual({
      accessKeyId: KEY,
      secretAccessKey: 'secret',
      sessionToken: 'token'
    })
  })

  it('refuses a session token alone', () => {
    expect(refusal(() => parseStaticKeys(keys('', '', 'token')))).toEqual({
      input: 'aws-session-token',
      message:
        'aws-session-token: is set without aws-access-key-id and aws-secret-access-key. Set all three from the same credentials, or none.'
    })
  })

  it('names the missing half of the pair', () => {
    expect(refusal(() => parseStaticKeys(keys(KEY, '')))).toEqual({
      input: 'aws-secret-access-key',
      message: `aws-secret-access-key: is empty while aws-access-key-id is set. ${BOTH}`
    })
    expect(refusal(() => parseStaticKeys(keys('', 'secret', 'token')))).toEqual({
      input: 'aws-access-key-id',
      message: `aws-access-key-id: is empty while aws-secret-access-key is set. ${BOTH}`
    })
  })

  it.each(['A'.repeat(16), 'A1'.repeat(64)])('takes a key id of %s', id => {
    expect(parseStaticKeys(keys(id, 'secret'))?.accessKeyId).toBe(id)
  })

  it.each(['A'.repeat(15), 'A'.repeat(129), 'akiaiosfodnn7example', ` ${KEY}`, `${KEY} `])(
    'refuses the key id %j',
    id => {
      expect(refusal(() => parseStaticKeys(keys(id, 'secret')))).toEqual({
        input: 'aws-access-key-id',
        message:
          'aws-access-key-id: does not look like an access key id (16 to 128 upper-case letters and digits). Check that the secret holds the key id (AKIA… or ASIA…), not the secret key.'
      })
    }
  )
})

describe('parseRequiredRole and parseRole', () => {
  it('requires a role', () => {
    expect(refusal(() => parseRequiredRole('', 'aws'))).toEqual({
      input: 'role-to-assume',
      message:
        'role-to-assume: is required. Write the role ARN, e.g. role-to-assume: arn:aws:iam::123456789012:role/deploy.'
    })
  })

  it('takes a role ARN of the partition, or a bare name', () => {
    expect(parseRequiredRole(ROLE, 'aws')).toEqual({ arn: ROLE })
    expect(parseRole('ci/deploy', 'aws')).toEqual({ name: 'ci/deploy' })
  })

  it('refuses a role ARN of another partition', () => {
    expect(refusal(() => parseRole(ROLE, 'aws-cn'))).toEqual({
      input: 'role-to-assume',
      message:
        "role-to-assume: is in partition 'aws', but aws-region is in 'aws-cn'. Use a region of the role's partition, or the role ARN of this partition."
    })
  })

  it.each(['arn:aws:iam::123:role/x', 'deploy role'])('says what is wrong with %j', value => {
    const { problem, fix } = describeRoleArnProblem(value)
    expect(refusal(() => parseRole(value, 'aws'))).toEqual({
      input: 'role-to-assume',
      message: `role-to-assume: '${value}' ${problem} ${fix}`
    })
  })
})

describe('parseSessionName', () => {
  const refused = (value: string, suggestion: string) =>
    `role-session-name: '${value}' is not a valid session name: STS wants 2 to 64 characters of letters, digits and + = , . @ _ -. Write e.g. '${suggestion}'.`

  it('derives a name from the run when empty', () => {
    expect(parseSessionName('', { GITHUB_RUN_ID: '42' })).toBe('gh-42')
  })

  it.each(['ab', 's'.repeat(64), 'a+b=c,d.e@f_g-h'])('takes %s', value => {
    expect(parseSessionName(value, {})).toBe(value)
  })

  it.each([
    ['s', 's'],
    ['s'.repeat(65), 's'.repeat(64)],
    ['deploy preview', 'deploy_preview'],
    ['!', 'deploy-preview']
  ])('refuses %j and suggests %j', (value, suggestion) => {
    expect(refusal(() => parseSessionName(value, {}))).toEqual({
      input: 'role-session-name',
      message: refused(value, suggestion)
    })
  })
})

describe('defaultSessionName', () => {
  it.each([
    [{ GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2', GITHUB_ACTOR: 'octocat' }, 'gh-42-2-octocat'],
    [
      { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_ACTOR: 'dependabot[bot]' },
      'gh-42-1-dependabot_bot'
    ],
    [{ GITHUB_RUN_ID: '42', GITHUB_ACTOR: 'octocat' }, 'gh-42-octocat'],
    [{ GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '', GITHUB_ACTOR: 'octocat' }, 'gh-42-octocat'],
    [{ GITHUB_RUN_ID: '42', GITHUB_ACTOR: '' }, 'gh-42'],
    [{ GITHUB_ACTOR: 'octocat' }, 'gh-octocat'],
    [{}, 'scoped-role']
  ])('names the session for %j %s', (env, expected) => {
    expect(defaultSessionName(env)).toBe(expected)
  })

  it('cuts at 64 characters and drops the separators left at the end', () => {
    const env = { GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: '1' }
    const actor = `${'a'.repeat(54)}._-zz`
    expect(defaultSessionName({ ...env, GITHUB_ACTOR: actor })).toBe(`gh-1-1-${'a'.repeat(54)}`)
    expect(defaultSessionName({ ...env, GITHUB_ACTOR: 'a'.repeat(70) })).toBe(
      `gh-1-1-${'a'.repeat(57)}`
    )
  })
})

describe('sanitizeSessionName', () => {
  it.each([
    ['deploy preview', 'deploy_preview'],
    ['a  b/c', 'a_b_c'],
    ['  a  ', 'a'],
    ['__a__', 'a'],
    ['a+b=c,d.e@f-g', 'a+b=c,d.e@f-g'],
    ['!!', ''],
    ['x'.repeat(70), 'x'.repeat(64)]
  ])('cleans %j to %j', (value, expected) => {
    expect(sanitizeSessionName(value)).toBe(expected)
  })
})

describe('parseDuration', () => {
  const refused = (value: string) =>
    `role-duration-seconds: '${value}' is not a whole number of seconds from 900 (15 minutes) to 43200 (12 hours). Write e.g. 3600; the role's maximum session duration must also allow it.`

  it('defaults to an hour', () => {
    expect(DEFAULT_DURATION_SECONDS).toBe(3600)
    expect(parseDuration('')).toBe(3600)
  })

  it.each([
    ['900', 900],
    ['43200', 43200]
  ])('takes %s', (value, expected) => {
    expect(parseDuration(value)).toBe(expected)
  })

  it.each(['899', '43201', '1e3', ' 900', '900 ', '3600s'])('refuses %j', value => {
    expect(refusal(() => parseDuration(value))).toEqual({
      input: 'role-duration-seconds',
      message: refused(value)
    })
  })
})

describe('parseScopeDuration', () => {
  const refused = (value: string) =>
    `role-duration-seconds: '${value}' is not a whole number of seconds from 1 to 129600, as mode: scope allows. Write e.g. 900, or leave it empty to keep the expiry of the credentials being scoped.`

  it('keeps the expiry of the source when empty', () => {
    expect(parseScopeDuration('')).toBe('inherit')
  })

  it.each([
    ['1', 1],
    ['129600', 129600]
  ])('takes %s', (value, expected) => {
    expect(parseScopeDuration(value)).toBe(expected)
  })

  it.each(['0', '129601', '1.5', ' 60', '60 ', '0x10'])('refuses %j', value => {
    expect(refusal(() => parseScopeDuration(value))).toEqual({
      input: 'role-duration-seconds',
      message: refused(value)
    })
  })
})

describe('parseExternalId', () => {
  it('is unset when empty', () => {
    expect(parseExternalId('')).toBeUndefined()
  })

  it.each(['ab', 'e'.repeat(1224), 'arn:aws:x/y+z=1,a.b@c_d-e'])('takes %s', value => {
    expect(parseExternalId(value)).toBe(value)
  })

  it.each(['e', 'e'.repeat(1225), 'a b', 'ab!', '!ab'])('refuses %j', value => {
    expect(refusal(() => parseExternalId(value))).toEqual({
      input: 'role-external-id',
      message:
        "role-external-id: must be 2 to 1224 characters of letters, digits and + = , . @ : / _ -. Use the external id exactly as the role's trust policy states it."
    })
  })
})

describe('parseMfa', () => {
  const DEVICE = 'arn:aws:iam::123456789012:mfa/release-manager'
  const NOT_A_DEVICE =
    'mfa-serial-number: is not an MFA device ARN or serial number. Write the device ARN, e.g. arn:aws:iam::123456789012:mfa/release-manager.'

  it('is unset when neither is given', () => {
    expect(parseMfa('', '')).toBeUndefined()
  })

  it('takes a device and a 6-digit code', () => {
    expect(parseMfa(DEVICE, '012345')).toEqual({ serialNumber: DEVICE, tokenCode: '012345' })
  })

  it.each(['GAHT12345', 's'.repeat(256), 'a+b=c/d:e,f.g@h_i-j'])('takes the serial %s', serial => {
    expect(parseMfa(serial, '123456')?.serialNumber).toBe(serial)
  })

  it('asks for the serial when only a code is given', () => {
    expect(refusal(() => parseMfa('', '123456'))).toEqual({
      input: 'mfa-serial-number',
      message:
        'mfa-serial-number: is empty while mfa-token-code is set. Set it to the MFA device ARN, e.g. arn:aws:iam::123456789012:mfa/release-manager.'
    })
  })

  it.each(['GAHT1234', 's'.repeat(257), `${DEVICE} `, `!${DEVICE}`])(
    'refuses the serial %j',
    serial => {
      expect(refusal(() => parseMfa(serial, '123456'))).toEqual({
        input: 'mfa-serial-number',
        message: NOT_A_DEVICE
      })
    }
  )

  it('asks for the code when only a serial is given', () => {
    expect(refusal(() => parseMfa(DEVICE, ''))).toEqual({
      input: 'mfa-token-code',
      message:
        'mfa-token-code: is empty while mfa-serial-number is set. Pass the current 6-digit code, e.g. from a workflow_dispatch input: mfa-token-code: ${{ inputs.mfa-code }}.'
    })
  })

  it.each(['12345', '1234567', '12 456', 'a23456', '12345a'])('refuses the code %j', code => {
    expect(refusal(() => parseMfa(DEVICE, code))).toEqual({
      input: 'mfa-token-code',
      message:
        'mfa-token-code: must be exactly 6 digits. Type the code the MFA device shows now, without spaces.'
    })
  })
})

describe('parseAudience', () => {
  it('defaults to sts.amazonaws.com', () => {
    expect(parseAudience('')).toBe('sts.amazonaws.com')
  })

  it.each(['!', '~'.repeat(255), 'api://AzureADTokenExchange'])('takes %s', value => {
    expect(parseAudience(value)).toBe(value)
  })

  it.each(['sts amazonaws', '~'.repeat(256), 'sts.amazonaws.com\u007f', '\u00e9t\u00e9'])(
    'refuses %j',
    value => {
      expect(refusal(() => parseAudience(value))).toEqual({
        input: 'audience',
        message: `audience: '${value}' is not a valid audience. Write e.g. sts.amazonaws.com.`
      })
    }
  )
})

describe('isGiven', () => {
  it.each([
    ['', false],
    ['false', false],
    ['FALSE', false],
    ['False', false],
    ['true', true],
    ['no', true],
    ['0', true]
  ])('%j is given: %s', (value, expected) => {
    expect(isGiven(value)).toBe(expected)
  })
})

describe('parseBoolean', () => {
  it.each([true, false])('falls back to %s when empty', fallback => {
    expect(parseBoolean('job-summary', '', fallback)).toBe(fallback)
  })

  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('reads %s as %s', (value, expected) => {
    expect(parseBoolean('job-summary', value, !expected)).toBe(expected)
  })

  it.each(['tRUE', 'yes', '1', ' true'])('refuses %j', value => {
    expect(refusal(() => parseBoolean('job-summary', value, false))).toEqual({
      input: 'job-summary',
      message: `job-summary: '${value}' is not a boolean. Write true or false.`
    })
  })
})

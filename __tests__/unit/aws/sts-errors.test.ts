import { describe, expect, it } from '@jest/globals'
import { RetriesExhausted } from '../../../src/aws/retry.js'
import {
  StsError,
  explainStsError,
  tokenClaims,
  type StsCallContext
} from '../../../src/aws/sts-errors.js'
import { ActionError } from '../../../src/shared/errors.js'

const wording = { runAgain: 'Re-run the job' }
const ROLE = 'arn:aws:iam::111122223333:role/deploy'

/** An STS error answer as the SDK throws it. */
const stsError = (code: string, message: string, status = 400, requestId?: string) =>
  Object.assign(new Error(message), {
    name: code,
    Code: code,
    $metadata: { httpStatusCode: status, requestId }
  })
/** A modeled STS error: the SDK's class name, no Code. */
const modeled = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } })
const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code })

const assumeRole = (extra: Partial<StsCallContext> = {}): StsCallContext => ({
  action: 'AssumeRole',
  wording,
  ...extra
})
const explain = (error: unknown, context: StsCallContext = assumeRole()) =>
  explainStsError(error, context)

/** A JWT with these claims (header and signature are never read). */
const jwt = (claims: object) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`
const GITHUB = {
  sub: 'repo:octo/app:ref:refs/heads/main',
  aud: 'sts.amazonaws.com',
  iss: 'https://token.actions.githubusercontent.com'
}
const webIdentity = (token?: string): StsCallContext => ({
  action: 'AssumeRoleWithWebIdentity',
  wording,
  roleArn: ROLE,
  ...(token === undefined ? {} : { webIdentityToken: () => token })
})

const TRUST_POLICY_HELP =
  'If the trust policy requires MFA (aws:MultiFactorAuthPresent) or an external id (sts:ExternalId), set mfa-serial-number and mfa-token-code, or role-external-id.'

describe('explainStsError: what happened', () => {
  it('names the action, the code, the message and the request id, and keeps the cause and context', () => {
    const cause = stsError('RegionDisabledException', 'STS is not activated', 403, 'req-1')
    const context = assumeRole({ roleArn: ROLE })
    const error = explain(cause, context)
    expect(error).toBeInstanceOf(StsError)
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toBe(
      'AssumeRole failed: RegionDisabledException: STS is not activated (request id req-1). STS is not activated in this region for the account. Activate it (IAM > Account settings > Security Token Service endpoints), or set aws-region to an active region.'
    )
    expect(error.title).toBe('AssumeRole failed: RegionDisabledException')
    expect(error.code).toBe('RegionDisabledException')
    expect(error.cause).toBe(cause)
    expect(error.context).toBe(context)
  })

  it('collapses runs of white space in the message and trims it', () => {
    const error = explain(stsError('SomethingNew', '  two  spaces,\n\ta break  '))
    expect(error.message).toBe('AssumeRole failed: SomethingNew: two spaces, a break.')
    expect(error.title).toBe('AssumeRole failed: SomethingNew')
  })

  it('says only what happened for a code it has no advice for', () => {
    expect(explain(stsError('SomethingNew', 'No idea', 400)).message).toBe(
      'AssumeRole failed: SomethingNew: No idea.'
    )
  })

  it('shows control characters of the code, message and request id as escapes, and bounds the request id', () => {
    const error = explain(
      stsError('Odd\nCode', 'line\u0007bell', 400, `id\n::add-mask::${'x'.repeat(100)}`)
    )
    expect(error.message).toBe(
      `AssumeRole failed: Odd\\u000aCode: line\\u0007bell (request id id\\u000a::add-mask::${'x'.repeat(60)}…).`
    )
    expect(error.title).toBe('AssumeRole failed: Odd\\u000aCode')
    expect(error.code).toBe('Odd\nCode')
  })

  it('bounds the code it shows at 80 characters', () => {
    const code = 'C'.repeat(81)
    expect(explain(stsError(code, 'm')).title).toBe(`AssumeRole failed: ${'C'.repeat(80)}…`)
  })

  it.each([
    ['MalformedPolicyDocumentException', 'MalformedPolicyDocument'],
    ['PackedPolicyTooLargeException', 'PackedPolicyTooLarge'],
    ['IDPRejectedClaimException', 'IDPRejectedClaim'],
    ['InvalidIdentityTokenException', 'InvalidIdentityToken'],
    ['IDPCommunicationErrorException', 'IDPCommunicationError'],
    ['InsufficientSessionLifetimeException', 'InsufficientSessionLifetime']
  ])('reads the SDK name %s as the STS code %s', (name, code) => {
    const error = explain(modeled(name, 'm'))
    expect(error.code).toBe(code)
    expect(error.title).toBe(`AssumeRole failed: ${code}`)
  })
})

describe('explainStsError: answers that are not STS errors', () => {
  it('names the HTTP status of a page that is not an STS error body', () => {
    const page = Object.assign(new Error('Deserialization error: to see the raw response'), {
      $metadata: { httpStatusCode: 403 }
    })
    const error = explain(page)
    expect(error.message).toBe(
      'AssumeRole failed: UnexpectedResponse: HTTP 403 with an answer that is not an STS error. Check sts-endpoint / AWS_ENDPOINT_URL_STS and any proxy: the answer did not come from STS.'
    )
    expect(error.title).toBe('AssumeRole failed: UnexpectedResponse')
    expect(error.code).toBe('UnexpectedResponse')
  })

  it.each(['Unknown', 'UnknownError'])(
    'treats the SDK code %s as an answer not from STS, with an unknown status',
    code => {
      const error = explain(Object.assign(new Error('<html>'), { name: code }))
      expect(error.message).toBe(
        'AssumeRole failed: UnexpectedResponse: HTTP ? with an answer that is not an STS error. Check sts-endpoint / AWS_ENDPOINT_URL_STS and any proxy: the answer did not come from STS.'
      )
      expect(error.title).toBe('AssumeRole failed: UnexpectedResponse')
    }
  )

  it('calls an unknown answer with a server status passing, not a wrong endpoint', () => {
    expect(explain(stsError('Unknown', 'Bad gateway', 502)).message).toBe(
      'AssumeRole failed: UnexpectedResponse: HTTP 502 with an answer that is not an STS error. This is usually passing: re-run the job.'
    )
  })
})

describe('explainStsError: connection failures', () => {
  it.each([
    ['ECONNREFUSED', 'the connection was refused (nothing listens there)'],
    ['ENOTFOUND', 'the host name does not resolve'],
    ['EAI_AGAIN', 'the host name could not be resolved (DNS did not answer)'],
    ['EHOSTUNREACH', 'the host is unreachable'],
    ['ENETUNREACH', 'the network is unreachable']
  ])('%s names the endpoint and why it could not be reached', (code, why) => {
    const error = explain(networkError(code), assumeRole({ endpointUrl: 'https://sts.example' }))
    expect(error.message).toBe(
      `AssumeRole failed: ${code}: connect ${code}. Could not connect to https://sts.example: ${why}. Check sts-endpoint (or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL), the network and the proxy settings.`
    )
  })

  it('says "the STS endpoint" when the URL is not known, also after retries', () => {
    const error = explain(new RetriesExhausted(networkError('ECONNREFUSED'), 3, 2000, 'attempts'))
    expect(error.message).toBe(
      'AssumeRole failed: ECONNREFUSED: connect ECONNREFUSED. Could not connect to the STS endpoint: the connection was refused (nothing listens there). Check sts-endpoint (or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL), the network and the proxy settings.'
    )
  })
})

describe('explainStsError: passing failures', () => {
  const throttled = stsError('Throttling', 'Rate exceeded')

  it('counts the attempts and the time spent when retries ran out', () => {
    const error = explain(new RetriesExhausted(throttled, 3, 2549, 'attempts'))
    expect(error.message).toBe(
      'AssumeRole failed: Throttling: Rate exceeded. STS did not answer successfully in 3 attempts over 2.5 s; this is usually passing throttling or an outage. Re-run the job; if it repeats, raise retry-max-attempts or retry-max-seconds, or check sts-endpoint and the proxy settings.'
    )
    expect(error.cause).toBe(throttled)
    expect(error.code).toBe('Throttling')
  })

  it('says "1 attempt" when the budget allowed only one', () => {
    expect(explain(new RetriesExhausted(throttled, 1, 40, 'budget')).message).toBe(
      'AssumeRole failed: Throttling: Rate exceeded. STS did not answer successfully in 1 attempt over 0.0 s; this is usually passing throttling or an outage. Re-run the job; if it repeats, raise retry-max-attempts or retry-max-seconds, or check sts-endpoint and the proxy settings.'
    )
  })

  it.each([
    ['without retries', throttled],
    ['when retrying stopped for another reason', new RetriesExhausted(throttled, 2, 900, 'final')]
  ])('asks to run again %s', (_, error) => {
    expect(explain(error).message).toBe(
      'AssumeRole failed: Throttling: Rate exceeded. This is usually passing: re-run the job.'
    )
  })
})

describe('explainStsError: AccessDenied', () => {
  const denied = (message = 'User is not authorized to perform: sts:AssumeRole') =>
    stsError('AccessDenied', message, 403)

  it.each([
    'MultiFactorAuthentication failed with invalid MFA one time pass code',
    'multifactorauthentication'
  ])('explains a refused MFA code (%s)', message => {
    expect(explain(denied(message), assumeRole({ roleArn: ROLE })).message).toBe(
      `AssumeRole failed: AccessDenied: ${message}. The MFA code was wrong, expired or already used (a code is valid for about 30 seconds, and once). Re-run with the code the device shows now, and check mfa-serial-number names that device.`
    )
  })

  it('gives the trust statement for the source user', () => {
    const sourceArn = 'arn:aws:iam::444455556666:user/ci'
    expect(explain(denied(), assumeRole({ roleArn: ROLE, sourceArn })).message).toBe(
      `AssumeRole failed: AccessDenied: User is not authorized to perform: sts:AssumeRole. The trust policy of ${ROLE} does not let ${sourceArn} assume it. Add a statement to the role's trust policy: {"Effect":"Allow","Principal":{"AWS":"${sourceArn}"},"Action":"sts:AssumeRole"}; the source identity also needs an IAM policy allowing sts:AssumeRole on the role. ${TRUST_POLICY_HELP}`
    )
  })

  it('names the role, not the session, as the principal of a role session', () => {
    const sourceArn = 'arn:aws-cn:sts::444455556666:assumed-role/builder/run-7'
    expect(explain(denied(), assumeRole({ roleArn: ROLE, sourceArn })).message).toContain(
      `does not let ${sourceArn} assume it. Add a statement to the role's trust policy: {"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::444455556666:role/builder"},`
    )
  })

  it.each([
    // Not a session: no session name after the role.
    'arn:aws:sts::444455556666:assumed-role/builder',
    // Not an ARN at its start.
    'x:arn:aws:sts::444455556666:assumed-role/builder/run-7',
    'arn:aws:sts::44445555666:assumed-role/builder/run-7',
    'arn:aws:sts::4444555566667:assumed-role/builder/run-7',
    'arn:aws:sts::44445555666x:assumed-role/builder/run-7'
  ])('keeps %s as the principal as it is', sourceArn => {
    expect(explain(denied(), assumeRole({ sourceArn })).message).toContain(
      `{"Effect":"Allow","Principal":{"AWS":"${sourceArn}"},`
    )
  })

  it('uses placeholders when neither the role nor the source is known', () => {
    expect(explain(denied()).message).toBe(
      `AssumeRole failed: AccessDenied: User is not authorized to perform: sts:AssumeRole. The trust policy of the role does not let the source credentials assume it. Add a statement to the role's trust policy: {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:user/NAME"},"Action":"sts:AssumeRole"}; the source identity also needs an IAM policy allowing sts:AssumeRole on the role. ${TRUST_POLICY_HELP}`
    )
  })

  it('says which call GetCallerIdentity credentials may not make', () => {
    expect(explain(denied('no'), { action: 'GetCallerIdentity', wording }).message).toBe(
      'GetCallerIdentity failed: AccessDenied: no. The credentials may not call sts:GetCallerIdentity.'
    )
  })

  it('asks to allow GetScopedCredentials in the identity policy', () => {
    expect(explain(denied('no'), { action: 'GetScopedCredentials', wording }).message).toBe(
      "GetScopedCredentials failed: AccessDenied: no. The session in the environment may not call sts:GetScopedCredentials: allow that action in the role's identity policy."
    )
  })

  it('gives the trust statement a web identity token would match', () => {
    expect(explain(denied('Not authorized'), webIdentity(jwt(GITHUB))).message).toBe(
      'AssumeRoleWithWebIdentity failed: AccessDenied: Not authorized. ' +
        "The role's trust policy does not accept this token: sub repo:octo/app:ref:refs/heads/main, aud sts.amazonaws.com, iss https://token.actions.githubusercontent.com. " +
        'A trust policy statement that matches it: {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com"},' +
        '"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},' +
        '"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo/app:ref:refs/heads/main"}}}. ' +
        'Narrow the sub pattern to the branches or environments that may deploy.'
    )
  })
})

describe('explainStsError: web identity refusals', () => {
  it('fills the statement with placeholders when the token has no claims', () => {
    expect(explain(stsError('IDPRejectedClaim', 'Rejected', 403), webIdentity()).message).toBe(
      'AssumeRoleWithWebIdentity failed: IDPRejectedClaim: Rejected. ' +
        "The role's trust policy does not accept this token: sub ?, aud ?, iss ?. " +
        'A trust policy statement that matches it: {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com"},' +
        '"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},' +
        '"StringLike":{"token.actions.githubusercontent.com:sub":"repo:OWNER/REPO:*"}}}. ' +
        'Narrow the sub pattern to the branches or environments that may deploy.'
    )
  })

  it('strips only a leading https:// from the issuer to name the provider', () => {
    const token = jwt({ ...GITHUB, iss: 'idp.example/https://x' })
    expect(
      explain(stsError('IDPRejectedClaim', 'Rejected', 403), webIdentity(token)).message
    ).toContain('oidc-provider/idp.example/https://x"}')
  })

  it('explains an audience the provider does not list', () => {
    const token = jwt({ ...GITHUB, aud: 'my-audience' })
    expect(
      explain(stsError('InvalidIdentityToken', 'Incorrect token Audience'), webIdentity(token))
        .message
    ).toBe(
      "AssumeRoleWithWebIdentity failed: InvalidIdentityToken: Incorrect token Audience. The token's audience (aud: my-audience) is not a client id of the account's IAM OIDC provider. Add it to the provider's audiences, or set the audience input to one the provider lists (usually sts.amazonaws.com)."
    )
  })

  it('shows "?" for the audience of a token it cannot read', () => {
    expect(
      explain(stsError('InvalidIdentityToken', 'bad audience'), webIdentity('not-a-jwt')).message
    ).toContain("The token's audience (aud: ?) is not")
  })

  it('names the issuer that needs an OIDC provider', () => {
    expect(
      explain(
        stsError('InvalidIdentityToken', 'No OpenIDConnect provider'),
        webIdentity(jwt(GITHUB))
      ).message
    ).toBe(
      'AssumeRoleWithWebIdentity failed: InvalidIdentityToken: No OpenIDConnect provider. STS did not accept the token (issuer https://token.actions.githubusercontent.com). Check that the account has an IAM OIDC identity provider for that issuer with audience sts.amazonaws.com.'
    )
  })

  it('uses placeholders for the issuer and audience of a token without claims', () => {
    expect(
      explain(modeled('InvalidIdentityTokenException', 'No provider'), webIdentity()).message
    ).toBe(
      'AssumeRoleWithWebIdentity failed: InvalidIdentityToken: No provider. STS did not accept the token (issuer ?). Check that the account has an IAM OIDC identity provider for that issuer with audience sts.amazonaws.com.'
    )
  })

  it('blames the clock or the token file for a web identity token refused as expired', () => {
    expect(explain(stsError('ExpiredTokenException', 'Token expired'), webIdentity()).message).toBe(
      'AssumeRoleWithWebIdentity failed: ExpiredTokenException: Token expired. The web identity token was refused as expired, also after fetching a new one. Check the runner clock; for web-identity-token-file, check that the token file is refreshed.'
    )
  })
})

describe('explainStsError: one explanation per code', () => {
  it.each([
    ['ExpiredTokenException', 'The source credentials have expired.'],
    [
      'ExpiredToken',
      'The source credentials have expired. With role-chaining, the earlier session (see its AWS_CREDENTIAL_EXPIRATION) ran out: run the earlier step again before this one, or give it a longer role-duration-seconds.'
    ],
    [
      'RegionDisabledException',
      'STS is not activated in this region for the account. Activate it (IAM > Account settings > Security Token Service endpoints), or set aws-region to an active region.'
    ],
    [
      'InvalidClientTokenId',
      'AWS does not know the source access key id: check aws-access-key-id (or AWS_ACCESS_KEY_ID), and that the key is active; for temporary keys, that aws-session-token belongs to them.'
    ],
    [
      'SignatureDoesNotMatch',
      'The source secret key does not belong to the access key id: check aws-secret-access-key (or AWS_SECRET_ACCESS_KEY), e.g. for a trailing newline in the secret.'
    ],
    [
      'InsufficientSessionLifetime',
      'role-duration-seconds asks for more than the credentials being scoped have left. Give a shorter duration, or leave it empty to keep their expiry.'
    ],
    [
      'ProxyAuthenticationRequired',
      'The proxy refused the credentials (HTTP 407 Proxy Authentication Required). Check the user name and password in http-proxy (or HTTPS_PROXY / HTTP_PROXY), with any special characters percent-encoded (@ as %40).'
    ],
    [
      'ProxyRefused',
      "The proxy would not open a connection to the STS endpoint (HTTP ?). Check that it allows CONNECT to the endpoint's host and port, or set NO_PROXY for it and remove http-proxy."
    ],
    [
      'MissingAuthenticationToken',
      'The request was not signed: the source credentials are missing (set aws-access-key-id and aws-secret-access-key, or run with OIDC).'
    ],
    ['ValidationError', 'STS refused a parameter; the message names it.']
  ])('%s', (code, advice) => {
    const error = explain(Object.assign(new Error('m'), { name: code, Code: code }))
    expect(error.message).toBe(`AssumeRole failed: ${code}: m. ${advice}`)
  })

  it('names the status a proxy refused the tunnel with', () => {
    const error = explain(new Error('tunneling socket could not be established, statusCode=403'))
    expect(error.message).toBe(
      "AssumeRole failed: ProxyRefused: tunneling socket could not be established, statusCode=403. The proxy would not open a connection to the STS endpoint (HTTP 403). Check that it allows CONNECT to the endpoint's host and port, or set NO_PROXY for it and remove http-proxy."
    )
  })

  it('quotes the reason STS could not read the policy, escaped', () => {
    expect(explain(modeled('MalformedPolicyDocumentException', 'Syntax\nerror')).message).toBe(
      'AssumeRole failed: MalformedPolicyDocument: Syntax error. STS could not read the session policy (Syntax\\u000aerror). Check inline-session-policy: Version, Statement, Effect, Action and Resource, and no Principal.'
    )
  })

  it.each([
    [{ durationSeconds: 43200 }, '43200'],
    [{}, '?']
  ])('names role-duration-seconds above the maximum session duration (%j)', (request, shown) => {
    const error = explain(
      stsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the maxsessionduration set for this role.'
      ),
      assumeRole({ request })
    )
    expect(error.message).toBe(
      `AssumeRole failed: ValidationError: The requested DurationSeconds exceeds the maxsessionduration set for this role.. role-duration-seconds (${shown}) is above the role's maximum session duration. Lower it, or raise the role's Maximum session duration in IAM.`
    )
  })

  it('names the cap of a chained session', () => {
    expect(
      explain(stsError('ValidationError', 'exceeds the 1 hour session limit for Role Chaining'))
        .message
    ).toBe(
      'AssumeRole failed: ValidationError: exceeds the 1 hour session limit for Role Chaining. The source credentials are themselves a role session, and STS caps a chained session at 3600 seconds: set role-duration-seconds: 3600 or less.'
    )
  })
})

describe('explainStsError: PackedPolicyTooLarge', () => {
  const CUT =
    'Cut, in this order: session tags (tag-session-with-github-context adds six), managed policy ARNs, then statements or ARNs of the inline policy (wildcards such as "s3:Get*" pack smaller).'

  it('says how much of the packed space is used, and what takes it', () => {
    const error = explain(
      modeled('PackedPolicyTooLargeException', 'Packed policy consumes 112% of allotted space'),
      assumeRole({
        request: {
          policy: 'x'.repeat(1500),
          policyArns: ['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B'],
          tags: [
            { key: 'Repository', value: 'octo/app' },
            { key: 'Run', value: '17' }
          ]
        }
      })
    )
    expect(error.message).toBe(
      'AssumeRole failed: PackedPolicyTooLarge: Packed policy consumes 112% of allotted space. The session policies and tags use 112% of the packed space STS allows. What takes space: the inline policy (1500 characters), 2 managed policy ARNs, 2 session tags (23 characters). ' +
        CUT
    )
  })

  it('says the space overflows when STS gives no figure, and counts nothing sent as none', () => {
    expect(explain(modeled('PackedPolicyTooLargeException', 'too large')).message).toBe(
      'AssumeRole failed: PackedPolicyTooLarge: too large. The session policies and tags overflow the packed space STS allows. What takes space: the inline policy (0 characters), 0 managed policy ARNs, 0 session tags (0 characters). ' +
        CUT
    )
  })
})

describe('tokenClaims', () => {
  it('reads sub, aud and iss of a JWT without verifying it', () => {
    expect(tokenClaims(webIdentity(jwt(GITHUB)))).toEqual(GITHUB)
  })

  it('joins a list of audiences with commas', () => {
    expect(tokenClaims(webIdentity(jwt({ aud: ['a', 'b'] })))).toEqual({ aud: 'a,b' })
  })

  it('drops claims that are not strings, and bounds and escapes the rest', () => {
    const claims = tokenClaims(
      webIdentity(jwt({ sub: 7, aud: { x: 1 }, iss: `https://i\n${'s'.repeat(300)}` }))
    )
    expect(claims).toEqual({
      sub: undefined,
      aud: undefined,
      iss: `https://i\\u000a${'s'.repeat(200 - 15)}…`
    })
  })

  it.each([
    ['no token function', webIdentity()],
    ['a token without a payload', webIdentity('header-only')],
    ['a payload that is not JSON', webIdentity('a.bm90IGpzb24.c')]
  ])('is empty for %s', (_, context) => {
    expect(tokenClaims(context)).toEqual({})
  })
})

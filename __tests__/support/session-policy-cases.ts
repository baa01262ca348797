/**
 * Session-policy parameters STS refuses on every assume flavour: the local endpoint's tests of
 * AssumeRole and AssumeRoleWithWebIdentity both run them.
 */
export const REFUSED_SESSION_POLICY_PARAMETERS: [
  string,
  { Policy?: string; PolicyArns?: { arn: string }[] },
  string
][] = [
  [
    'a policy naming a principal',
    { Policy: '{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}' },
    'MalformedPolicyDocument'
  ],
  [
    '11 policy ARNs',
    {
      PolicyArns: Array.from({ length: 11 }, (_, i) => ({
        arn: `arn:aws:iam::aws:policy/Policy${i}`
      }))
    },
    'ValidationError'
  ],
  ['a non-policy ARN', { PolicyArns: [{ arn: 'arn:aws:s3:::bucket/policy/x' }] }, 'ValidationError']
]

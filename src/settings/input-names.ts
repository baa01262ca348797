// Generated from action.yml by `npm run input-names`: edit action.yml, then run it.
// A test fails when this file and action.yml differ.

/** Every input declared in action.yml, in its order. */
export const INPUT_NAMES = [
  'role-to-assume',
  'aws-region',
  'inline-session-policy',
  'inline-session-policy-file',
  'managed-session-policies',
  'role-session-name',
  'role-duration-seconds',
  'role-external-id',
  'mfa-serial-number',
  'mfa-token-code',
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token',
  'sts-endpoint',
  'verify-credentials',
  'cleanup-credentials',
  'audience',
  'web-identity-token-file',
  'role-chaining',
  'force-source',
  'role-session-tags',
  'transitive-tag-keys',
  'source-identity',
  'tag-session-with-github-context',
  'allowed-account-ids',
  'output-credentials',
  'unset-current-credentials',
  'mask-aws-account-id',
  'retry-max-attempts',
  'retry-max-seconds',
  'request-timeout-seconds',
  'http-proxy',
  'use-fips-endpoint',
  'mode',
  'forbid-actions',
  'require-session-policy',
  'job-summary',
  'aws-profile',
  'export-env',
  'overwrite-aws-profile',
  'scoped-session-description'
] as const

export type InputName = (typeof INPUT_NAMES)[number]

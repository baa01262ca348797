import { describe, expect, it } from '@jest/globals'
import { describeRoleArnProblem } from '../../../src/aws/role-arn.js'

const EXAMPLE = 'arn:aws:iam::123456789012:role/NAME'
const CHARACTERS =
  'role ARNs and names hold only letters, digits and + = , . @ _ - (and : / in an ARN).'
const ACCOUNT_FIX =
  'Copy the account id from the role ARN in the IAM console (leading zeros included).'

describe('describeRoleArnProblem', () => {
  it.each([
    [
      'arn:aws:iam::123456789012:role/ deploy',
      `contains a space at character 32; ${CHARACTERS}`,
      "Remove the spaces: 'arn:aws:iam::123456789012:role/deploy'."
    ],
    [
      ' arn:aws:iam::123456789012:role/de\t ploy ',
      `contains a space at character 1; ${CHARACTERS}`,
      "Remove the spaces: 'arn:aws:iam::123456789012:role/deploy'."
    ],
    [
      'arn:aws:iam::123456789012:role/*',
      `contains '*' at character 32; ${CHARACTERS}`,
      `Write the ARN as IAM shows it, e.g. ${EXAMPLE}.`
    ],
    [
      'role/deploy',
      'is neither a role ARN nor a role name.',
      `Write ${EXAMPLE}, or just NAME to use the source credentials' account.`
    ],
    [
      'ARN:aws:iam::123456789012:role/deploy',
      'is neither a role ARN nor a role name.',
      `Write ${EXAMPLE}, or just NAME to use the source credentials' account.`
    ],
    [
      'arn:aws:iam:123456789012:role/deploy',
      'has one colon between the service and the account; an IAM ARN has an empty region field there (two colons).',
      "Write 'arn:aws:iam::123456789012:role/deploy'."
    ],
    [
      'arn:aws:iam:12345x:role/deploy',
      'has 4 colons; a role ARN has five (arn:PARTITION:iam::ACCOUNT:role/NAME).',
      `Write e.g. ${EXAMPLE}.`
    ],
    [
      'arn:aws:iam:x12345:role/deploy',
      'has 4 colons; a role ARN has five (arn:PARTITION:iam::ACCOUNT:role/NAME).',
      `Write e.g. ${EXAMPLE}.`
    ],
    [
      'arn:aws:iam::123456789012',
      'has 4 colons; a role ARN has five (arn:PARTITION:iam::ACCOUNT:role/NAME).',
      `Write e.g. ${EXAMPLE}.`
    ],
    [
      'arn:aws:iam',
      'has 2 colons; a role ARN has five (arn:PARTITION:iam::ACCOUNT:role/NAME).',
      `Write e.g. ${EXAMPLE}.`
    ],
    [
      'arn:amazon:iam::123456789012:role/x',
      "has partition 'amazon'; AWS partitions are aws, aws-cn, aws-us-gov and the like.",
      "Write 'arn:aws:iam::123456789012:role/x' (or the partition of your region)."
    ],
    [
      'arn:aws-:iam::123456789012:role/x',
      "has partition 'aws-'; AWS partitions are aws, aws-cn, aws-us-gov and the like.",
      "Write 'arn:aws:iam::123456789012:role/x' (or the partition of your region)."
    ],
    [
      'arn:xaws:iam::123456789012:role/x',
      "has partition 'xaws'; AWS partitions are aws, aws-cn, aws-us-gov and the like.",
      "Write 'arn:aws:iam::123456789012:role/x' (or the partition of your region)."
    ],
    [
      'arn:aws-cn1:iam::123456789012:role/x',
      "has partition 'aws-cn1'; AWS partitions are aws, aws-cn, aws-us-gov and the like.",
      "Write 'arn:aws:iam::123456789012:role/x' (or the partition of your region)."
    ],
    [
      'arn:aws-cn:sts::123456789012:assumed-role/deploy/gh-1',
      'is a session ARN (assumed-role/deploy/…), the identity of a session, not the role to assume.',
      "Write the role's ARN, 'arn:aws-cn:iam::123456789012:role/deploy' (with its path, if the role has one)."
    ],
    [
      'arn:aws:sts::123456789012:assumed-role/',
      'is a session ARN (assumed-role//…), the identity of a session, not the role to assume.',
      "Write the role's ARN, 'arn:aws:iam::123456789012:role/' (with its path, if the role has one)."
    ],
    [
      'arn:aws:sts::123456789012:role/deploy',
      "has service 'sts'; roles are IAM resources.",
      "Write 'arn:aws:iam::123456789012:role/deploy'."
    ],
    [
      'arn:aws:sts::123456789012:federated-user/assumed-role/',
      "has service 'sts'; roles are IAM resources.",
      "Write 'arn:aws:iam::123456789012:federated-user/assumed-role/'."
    ],
    [
      'arn:aws:s3:us-east-1:123456789012:role/x:y',
      "has service 's3'; roles are IAM resources.",
      "Write 'arn:aws:iam::123456789012:role/x:y'."
    ],
    [
      'arn:aws-us-gov:iam:us-gov-west-1:123456789012:role/x',
      "has region 'us-gov-west-1'; IAM is global, so a role ARN has an empty region field.",
      "Write 'arn:aws-us-gov:iam::123456789012:role/x'."
    ],
    [
      'arn:aws:iam::12345678901:role/deploy',
      "has account '12345678901' of 11 digits; an AWS account id has exactly 12.",
      ACCOUNT_FIX
    ],
    [
      'arn:aws:iam::1234567890123:role/deploy',
      "has account '1234567890123' of 13 digits; an AWS account id has exactly 12.",
      ACCOUNT_FIX
    ],
    [
      'arn:aws:iam::12345678901x:role/deploy',
      "has account '12345678901x'; an AWS account id is 12 digits.",
      ACCOUNT_FIX
    ],
    [
      'arn:aws:iam::x12345678901:role/deploy',
      "has account 'x12345678901'; an AWS account id is 12 digits.",
      ACCOUNT_FIX
    ],
    ['arn:aws:iam:::role/deploy', "has account ''; an AWS account id is 12 digits.", ACCOUNT_FIX],
    [
      'arn:aws:iam::123456789012:user/ci/deploy',
      "names an IAM user (user/…), not a role; a role ARN's resource is role/NAME.",
      "Write the ARN of the role to assume, e.g. 'arn:aws:iam::123456789012:role/deploy'."
    ],
    [
      'arn:aws:iam::123456789012:group/admins',
      "names an IAM group (group/…), not a role; a role ARN's resource is role/NAME.",
      "Write the ARN of the role to assume, e.g. 'arn:aws:iam::123456789012:role/admins'."
    ],
    [
      'arn:aws:iam::123456789012:policy/',
      "names a managed policy (policy/…), not a role; a role ARN's resource is role/NAME.",
      "Write the ARN of the role to assume, e.g. 'arn:aws:iam::123456789012:role/NAME'."
    ],
    [
      'arn:aws:iam::123456789012:instance-profile/web',
      "names an instance profile (instance-profile/…), not a role; a role ARN's resource is role/NAME.",
      "Write the ARN of the role to assume, e.g. 'arn:aws:iam::123456789012:role/web'."
    ],
    [
      'arn:aws:iam::123456789012:bucket',
      "names 'bucket' (bucket/…), not a role; a role ARN's resource is role/NAME.",
      "Write the ARN of the role to assume, e.g. 'arn:aws:iam::123456789012:role/NAME'."
    ],
    [
      `arn:aws:iam::123456789012:role/ci/${'x'.repeat(65)}`,
      `has role name '${'x'.repeat(65)}'; a role name is 1 to 64 letters, digits and + = , . @ _ -.`,
      `Write e.g. ${EXAMPLE}.`
    ],
    [
      'arn:aws:iam::123456789012:role',
      "has role name ''; a role name is 1 to 64 letters, digits and + = , . @ _ -.",
      `Write e.g. ${EXAMPLE}.`
    ]
  ])('%s', (value, problem, fix) => {
    expect(describeRoleArnProblem(value)).toEqual({ problem, fix })
  })
})

import { describe, expect, it } from '@jest/globals'
import { describeRoleArnProblem } from '../../../src/aws/role-arn.js'

describe('describeRoleArnProblem', () => {
  it.each([
    [
      'arn:aws:iam:123456789012:role/deploy',
      'has one colon between the service and the account',
      "Write 'arn:aws:iam::123456789012:role/deploy'."
    ],
    [
      'arn:aws:iam::12345678901:role/deploy',
      "has account '12345678901' of 11 digits; an AWS account id has exactly 12.",
      'leading zeros'
    ],
    [
      'arn:aws:iam::123456789012:user/deploy',
      'names an IAM user (user/…), not a role',
      "'arn:aws:iam::123456789012:role/deploy'"
    ],
    [
      'arn:aws:sts::123456789012:assumed-role/deploy/gh-1',
      'is a session ARN (assumed-role/deploy/…)',
      "'arn:aws:iam::123456789012:role/deploy'"
    ],
    [
      'arn:aws:iam::123456789012:role/ deploy',
      'contains a space at character 32',
      "'arn:aws:iam::123456789012:role/deploy'"
    ],
    ['arn:amazon:iam::123456789012:role/x', "has partition 'amazon'", 'arn:aws:iam::'],
    [
      'arn:aws:s3::123456789012:role/x',
      "has service 's3'; roles are IAM resources",
      "'arn:aws:iam::123456789012:role/x'"
    ],
    [
      'arn:aws:iam:us-east-1:123456789012:role/x',
      "has region 'us-east-1'",
      "'arn:aws:iam::123456789012:role/x'"
    ],
    [`arn:aws:iam::123456789012:role/${'x'.repeat(65)}`, 'a role name is 1 to 64', 'Write e.g.']
  ])('%s', (value, problem, fix) => {
    const described = describeRoleArnProblem(value)
    expect(described.problem).toContain(problem)
    expect(described.fix).toContain(fix)
  })
})

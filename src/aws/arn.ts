/** ARNs, partitions and regions: the naming rules STS and IAM hold every request to. */

const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/

/** The partition a region belongs to; a role or policy ARN must be in the same one. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('us-isob-')) return 'aws-iso-b'
  if (region.startsWith('us-iso-')) return 'aws-iso'
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e'
  if (region.startsWith('us-isof-')) return 'aws-iso-f'
  if (region.startsWith('eusc-')) return 'aws-eusc'
  return 'aws'
}

export function isRegion(value: string): boolean {
  return REGION_PATTERN.test(value)
}

export interface Arn {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

export function parseArn(value: string): Arn | undefined {
  const parts = value.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return undefined
  const [, partition, service, region, account] = parts
  const resource = parts.slice(5).join(':')
  if (!/^aws(-[a-z]+)*$/.test(partition) || !/^[a-z0-9-]+$/.test(service) || resource === '') {
    return undefined
  }
  return { partition, service, region, account, resource }
}

const ROLE_PATH_AND_NAME = /^role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/

/** Whether a string is a complete IAM role ARN (`arn:aws:iam::123456789012:role/path/Name`). */
export function isRoleArn(value: string): boolean {
  const arn = parseArn(value)
  return (
    arn !== undefined &&
    arn.service === 'iam' &&
    arn.region === '' &&
    /^\d{12}$/.test(arn.account) &&
    ROLE_PATH_AND_NAME.test(arn.resource)
  )
}

/** Whether `role-to-assume` is a bare name (`deploy`, `ci/deploy`) to be completed with an account. */
export function isBareRoleName(value: string): boolean {
  // An ARN is never taken for a name: no character of a path or name is a colon.
  return ROLE_PATH_AND_NAME.test(`role/${value}`)
}

export function roleArnFor(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`
}

/** Managed policy ARNs: AWS managed (`iam::aws:policy/…`) or customer managed (`iam::123456789012:policy/…`). */
export function isPolicyArn(value: string): boolean {
  const arn = parseArn(value)
  return (
    arn !== undefined &&
    arn.service === 'iam' &&
    arn.region === '' &&
    (arn.account === 'aws' || /^\d{12}$/.test(arn.account)) &&
    /^policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/.test(arn.resource) &&
    // The shortest ARN of this form is above AWS's minimum of 20 characters; the maximum holds.
    value.length <= 2048
  )
}

export function awsManagedPolicyArn(partition: string, pathAndName: string): string {
  return `arn:${partition}:iam::aws:policy/${pathAndName}`
}

/** The account of an ARN (`arn:aws:sts::123456789012:assumed-role/…` → `123456789012`). */
export function accountOf(value: string): string {
  return parseArn(value)?.account ?? ''
}

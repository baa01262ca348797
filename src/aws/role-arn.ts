/**
 * What exactly is wrong with a role-to-assume that is neither a role ARN nor a bare role name,
 * so the message points at the part to change: the common mistakes are one colon too few, a
 * mistyped account, a user or session ARN copied from the console, and stray spaces.
 */
export interface RoleArnProblem {
  problem: string
  fix: string
}

const EXAMPLE = 'arn:aws:iam::123456789012:role/NAME'

export function describeRoleArnProblem(value: string): RoleArnProblem {
  const stray = /[^\w+=,.@:/-]/.exec(value)
  if (stray !== null) {
    const shown = /\s/.test(stray[0]) ? 'a space' : `'${stray[0]}'`
    return {
      problem: `contains ${shown} at character ${stray.index + 1}; role ARNs and names hold only letters, digits and + = , . @ _ - (and : / in an ARN).`,
      fix: /\s/.test(stray[0])
        ? `Remove the spaces: '${value.replace(/\s+/g, '')}'.`
        : `Write the ARN as IAM shows it, e.g. ${EXAMPLE}.`
    }
  }
  const parts = value.split(':')
  if (parts[0] !== 'arn') {
    return {
      problem: 'is neither a role ARN nor a role name.',
      fix: `Write ${EXAMPLE}, or just NAME to use the source credentials' account.`
    }
  }
  if (parts.length === 5 && /^\d+$/.test(parts[3])) {
    const fixed = [...parts.slice(0, 3), '', ...parts.slice(3)].join(':')
    return {
      problem:
        'has one colon between the service and the account; an IAM ARN has an empty region field there (two colons).',
      fix: `Write '${fixed}'.`
    }
  }
  if (parts.length < 6) {
    return {
      problem: `has ${parts.length - 1} colons; a role ARN has five (arn:PARTITION:iam::ACCOUNT:role/NAME).`,
      fix: `Write e.g. ${EXAMPLE}.`
    }
  }
  const [, partition, service, region, account] = parts
  const resource = parts.slice(5).join(':')
  const rewrite = (
    fields: Partial<{ partition: string; service: string; region: string; resource: string }>
  ) =>
    [
      'arn',
      fields.partition ?? partition,
      fields.service ?? service,
      fields.region ?? region,
      account,
      fields.resource ?? resource
    ].join(':')
  if (!/^aws(-[a-z]+)*$/.test(partition)) {
    return {
      problem: `has partition '${partition}'; AWS partitions are aws, aws-cn, aws-us-gov and the like.`,
      fix: `Write '${rewrite({ partition: 'aws' })}' (or the partition of your region).`
    }
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const role = resource.slice('assumed-role/'.length).split('/')[0]
    return {
      problem: `is a session ARN (assumed-role/${role}/…), the identity of a session, not the role to assume.`,
      fix: `Write the role's ARN, 'arn:${partition}:iam::${account}:role/${role}' (with its path, if the role has one).`
    }
  }
  if (service !== 'iam') {
    return {
      problem: `has service '${service}'; roles are IAM resources.`,
      fix: `Write '${rewrite({ service: 'iam', region: '' })}'.`
    }
  }
  if (region !== '') {
    return {
      problem: `has region '${region}'; IAM is global, so a role ARN has an empty region field.`,
      fix: `Write '${rewrite({ region: '' })}'.`
    }
  }
  if (!/^\d{12}$/.test(account)) {
    return {
      problem: /^\d+$/.test(account)
        ? `has account '${account}' of ${account.length} digits; an AWS account id has exactly 12.`
        : `has account '${account}'; an AWS account id is 12 digits.`,
      fix: 'Copy the account id from the role ARN in the IAM console (leading zeros included).'
    }
  }
  const [kind, ...rest] = resource.split('/')
  if (kind !== 'role') {
    const what: Record<string, string> = {
      user: 'an IAM user',
      group: 'an IAM group',
      policy: 'a managed policy',
      'instance-profile': 'an instance profile'
    }
    return {
      problem: `names ${what[kind] ?? `'${kind}'`} (${kind}/…), not a role; a role ARN's resource is role/NAME.`,
      fix: `Write the ARN of the role to assume, e.g. '${rewrite({ resource: `role/${rest.at(-1) || 'NAME'}` })}'.`
    }
  }
  const name = rest.at(-1) ?? ''
  return {
    problem: `has role name '${name}'; a role name is 1 to 64 letters, digits and + = , . @ _ -.`,
    fix: `Write e.g. ${EXAMPLE}.`
  }
}

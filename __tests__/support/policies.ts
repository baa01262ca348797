/** Shared by the unit tests of the policy checks: the data files, and policies to check. */
import { loadIamCatalogue, loadManagedPolicyStatements } from '../../src/policy/data.js'

export const catalogue = loadIamCatalogue()
export const managed = loadManagedPolicyStatements()

export const AWS = (name: string) => `arn:aws:iam::aws:policy/${name}`
export const CUSTOMER = 'arn:aws:iam::111122223333:policy/team/deploy'

export function policy(...statements: unknown[]) {
  return { Version: '2012-10-17', Statement: statements }
}

export function allow(action: unknown, resource: unknown = '*', extra: object = {}) {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra }
}

export function deny(action: unknown, resource: unknown = '*', extra: object = {}) {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra }
}

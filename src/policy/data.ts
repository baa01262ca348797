import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import {
  parseIamCatalogue,
  parseManagedPolicyStatements,
  type IamCatalogue,
  type ManagedPolicyStatements
} from './catalogue.js'
import { parseManagedPolicyList, type ManagedPolicyIndex } from './managed-policies.js'

// The data files sit in `data/` beside this module in the sources and beside the bundle in dist/,
// and are read only when a run needs them.
export function loadManagedPolicyIndex(): ManagedPolicyIndex {
  return parseManagedPolicyList(
    readFileSync(new URL('./data/aws-managed-policies.txt', import.meta.url), 'utf8')
  )
}

/** Every IAM action, for checking a session policy and forbid-actions (~100 KB gzipped). */
export function loadIamCatalogue(): IamCatalogue {
  return parseIamCatalogue(
    gunzipSync(readFileSync(new URL('./data/iam-actions.txt.gz', import.meta.url))).toString('utf8')
  )
}

/** The AWS managed policies' statements, for forbid-actions (~280 KB gzipped). */
export function loadManagedPolicyStatements(): ManagedPolicyStatements {
  return parseManagedPolicyStatements(
    gunzipSync(
      readFileSync(new URL('./data/aws-managed-policy-statements.json.gz', import.meta.url))
    ).toString('utf8')
  )
}

export const policyDataLoaders = {
  managedPolicyIndex: loadManagedPolicyIndex,
  catalogue: loadIamCatalogue,
  managedStatements: loadManagedPolicyStatements
}

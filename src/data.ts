import { readFileSync } from 'node:fs'
import { parseManagedPolicyList, type ManagedPolicyIndex } from './policy/managed-policies.js'

// The data files sit in `data/` beside this module in the sources and beside the bundle in dist/,
// and are read only when a run needs them.
export function loadManagedPolicyIndex(): ManagedPolicyIndex {
  return parseManagedPolicyList(
    readFileSync(new URL('./data/aws-managed-policies.txt', import.meta.url), 'utf8')
  )
}

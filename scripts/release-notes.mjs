// `node scripts/release-notes.mjs vX.Y.Z`: prints the CHANGELOG.md section of that version, for
// the release workflow. Fails when the section is missing, empty or undated, or when
// package.json names another version, so a tag cannot be released without its notes.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = new URL('..', import.meta.url)

/**
 * The body of `## [VERSION]` (up to the next `## ` heading), trimmed.
 * @param {string} changelog
 * @param {string} version X.Y.Z, without the v
 */
export function sectionOf(changelog, version) {
  const lines = changelog.split(/\r?\n/)
  const start = lines.findIndex(line => line.startsWith(`## [${version}]`))
  if (start === -1) return undefined
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '))
  const body = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .filter(line => !/^\[[^\]]+\]:\s/.test(line)) // link references belong to the whole file
    .join('\n')
    .trim()
  return body === '' ? undefined : body
}

/** @param {string} line @param {string} version */
export function isDatedHeading(line, version) {
  return line.startsWith(`## [${version}] - `) && /^## \[[^\]]+\] - \d{4}-\d{2}-\d{2}$/.test(line)
}

/** @param {string} tag */
export function releaseNotes(tag) {
  const match = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(tag)
  if (!match) throw new Error(`'${tag}' is not a release tag: write vX.Y.Z, e.g. v1.2.0.`)
  const version = match[1]
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
  if (pkg.version !== version) {
    throw new Error(`package.json says ${pkg.version}, the tag ${tag}: bump the version first.`)
  }
  const changelog = readFileSync(new URL('CHANGELOG.md', root), 'utf8')
  const notes = sectionOf(changelog, version)
  if (notes === undefined) {
    throw new Error(`CHANGELOG.md has no notes under "## [${version}]": add them before tagging.`)
  }
  if (!changelog.split(/\r?\n/).some(line => isDatedHeading(line, version))) {
    throw new Error(
      `CHANGELOG.md's "## [${version}]" has no release date: write "## [${version}] - YYYY-MM-DD".`
    )
  }
  return notes
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${releaseNotes(process.argv[2] ?? '')}\n`)
  } catch (error) {
    process.stderr.write(`${/** @type {Error} */ (error).message}\n`)
    process.exit(1)
  }
}

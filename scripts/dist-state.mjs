// Whether the committed bundle (dist/) is the one the sources build to, without building it.
// `npm run package` records a digest of its inputs and of what it wrote; `npm test` compares
// both with the tree as it is now and rebuilds on any difference, so the end-to-end tests always
// run the code as edited (an edit under src/, a dependency update, or a dist/ changed by hand).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, sep } from 'node:path'

/** What the bundle is built from: the sources, the locked dependencies and the build itself. */
const INPUTS = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/package.mjs']
const STAMP = '.dist-stamp.json'

/** @param {string} root @param {string} path @returns {string[]} files below path, sorted */
function filesBelow(root, path) {
  const full = join(root, path)
  if (!existsSync(full)) return []
  if (!statSync(full).isDirectory()) return [path]
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map(name => join(path, name))
    .filter(name => statSync(join(root, name)).isFile())
    .sort()
}

/** @param {string} root @param {string[]} paths */
function digest(root, paths) {
  const hash = createHash('sha256')
  for (const path of paths.flatMap(p => filesBelow(root, p))) {
    // Separators normalised, so a checkout on Windows digests the same.
    hash.update(path.split(sep).join('/'))
    hash.update('\0')
    hash.update(readFileSync(join(root, path)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/** @param {string} root @returns {{ inputs: string, dist: string }} */
export function distState(root) {
  return { inputs: digest(root, INPUTS), dist: digest(root, ['dist']) }
}

/** Called by scripts/package.mjs once dist/ is written. @param {string} root */
export function recordBuild(root) {
  writeFileSync(join(root, STAMP), `${JSON.stringify(distState(root))}\n`)
}

/** @param {string} root @returns {boolean} */
export function distIsCurrent(root) {
  let stamp
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'))
  } catch {
    return false
  }
  const now = distState(root)
  return stamp.inputs === now.inputs && stamp.dist === now.dist
}

/**
 * Rebuilds dist/ unless it is what the current sources build to; says so when it does.
 * @param {string} root
 * @param {(message: string) => void} log
 */
export function ensureDist(root, log = message => process.stderr.write(`${message}\n`)) {
  if (distIsCurrent(root)) return false
  log('dist/ does not match the sources: rebuilding it (npm run package) before the tests…')
  execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs')], {
    cwd: root,
    stdio: 'inherit'
  })
  return true
}

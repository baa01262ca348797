// Builds the committed bundle: dist/index.js (main step), dist/cleanup/index.js (post step),
// dist/cli.js (the scoped-role command line) and dist/cli.cjs (its launcher, the `bin`). ncc
// copies the data files the sources read (src/policy/data/) next to the bundle that reads them.
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { minify } from 'terser'
import { recordBuild } from './dist-state.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
process.chdir(root)
const ncc = ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build']
const build = (entry, out) =>
  execFileSync(
    process.execPath,
    [...ncc, entry, '-o', out, '--minify', '--license', 'licenses.txt', '--quiet'],
    {
      stdio: 'inherit'
    }
  )

rmSync('dist', { recursive: true, force: true })
build('src/index.ts', 'dist')
build('src/post.ts', 'dist/cleanup')

// The command line goes beside the action's bundle, so both read the one copy of the data
// files. Its chunks (N.index.js: the parts it imports only when a command needs them) keep
// their names, which the entry file loads them by. ncc minifies only the entry file; the
// chunks get the same treatment here (names kept, as ncc keeps them, for readable errors).
await buildAside('src/cli.ts', async (name, from) => {
  if (name === 'index.js') renameSync(from, 'dist/cli.js')
  else if (/^\d+\.index\.js$/.test(name)) {
    if (existsSync(join('dist', name))) throw new Error(`dist/${name} exists already`)
    const { code } = await minify(readFileSync(from, 'utf8'), {
      module: true,
      compress: false,
      mangle: { keep_classnames: true, keep_fnames: true }
    })
    writeFileSync(join('dist', name), code)
  } else if (name === 'licenses.txt') {
    // Its dependencies are among the action's: dist/licenses.txt covers them.
    const action = readFileSync('dist/licenses.txt', 'utf8')
    const missing = readFileSync(from, 'utf8')
      .split('\n')
      .filter(line => !action.includes(line))
    if (missing.length > 0) {
      throw new Error(`dist/licenses.txt lacks license text of the CLI: ${missing[0]}`)
    }
  } else if (!existsSync(join('dist', name))) {
    // A data file only the command line reads (the recorder's operation map).
    renameSync(from, join('dist', name))
  } else if (!readFileSync(from).equals(readFileSync(join('dist', name)))) {
    throw new Error(`the CLI's ${name} differs from dist/${name}`)
  }
})

// The `scoped-role` executable: a CommonJS launcher (its source folder's package.json says so,
// and ncc follows it) that answers from the credential cache or loads dist/cli.js. It uses node
// built-ins alone; anything more in its build would be paid by every credential_process call.
await buildAside('src/cli/launcher/index.ts', (name, from) => {
  if (name === 'index.js') renameSync(from, 'dist/cli.cjs')
  else if (name !== 'licenses.txt' || readFileSync(from, 'utf8').trim() !== '') {
    throw new Error(`the launcher should build to one file with no dependency, not ${name}`)
  }
})
recordBuild(root)

/** Builds an entry into a folder of its own, hands each file on, then removes the folder. */
async function buildAside(entry, place) {
  const out = mkdtempSync(join(tmpdir(), 'scoped-role-build-'))
  try {
    build(entry, out)
    for (const name of readdirSync(out)) await place(name, join(out, name))
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

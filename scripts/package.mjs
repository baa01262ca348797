// Builds the committed bundle: dist/index.js (main step) and dist/cleanup/index.js (post step).
// ncc copies the data files the sources read (src/policy/data/) next to the bundle that reads them.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
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
recordBuild(root)

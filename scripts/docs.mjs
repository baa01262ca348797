// `npm run docs`: writes the inputs and outputs reference of README.md from action.yml, between
// the <!-- reference:start --> and <!-- reference:end --> markers, so the two cannot drift.
// `--check` changes nothing and fails when README.md is not what this would write.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import prettier from 'prettier'
import { parse } from 'yaml'

export const START = '<!-- reference:start (generated from action.yml by npm run docs) -->'
export const END = '<!-- reference:end -->'

/** Inline code for names and values; descriptions are written as Markdown in action.yml. */
const code = (/** @type {string} */ text) => `\`${text}\``

/**
 * @param {{ inputs: Record<string, { description: string, default?: string }>,
 *   outputs: Record<string, { description: string }> }} action
 * @param {string} root where .prettierrc.json is
 */
export async function renderReference(action, root) {
  const inputs = Object.entries(action.inputs).map(
    ([name, spec]) =>
      `- ${code(name)}${spec.default !== undefined ? ` (default ${code(String(spec.default))})` : ''}: ${spec.description.trim()}`
  )
  const outputs = Object.entries(action.outputs).map(
    ([name, spec]) => `- ${code(name)}: ${spec.description.trim()}`
  )
  const markdown = ['### Inputs', '', ...inputs, '', '### Outputs', '', ...outputs, ''].join('\n')
  const options = (await prettier.resolveConfig(join(root, 'README.md'))) ?? {}
  return prettier.format(markdown, { ...options, parser: 'markdown', proseWrap: 'always' })
}

/** README.md with its reference section replaced. @param {string} readme @param {string} reference */
export function withReference(readme, reference) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start === -1 || end < start) throw new Error(`README.md needs the markers ${START} … ${END}`)
  return `${readme.slice(0, start + START.length)}\n\n${reference}\n${readme.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'))
  const path = join(root, 'README.md')
  const readme = readFileSync(path, 'utf8')
  const updated = withReference(readme, await renderReference(action, root))
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      process.stderr.write('README.md does not match action.yml: run npm run docs.\n')
      process.exitCode = 1
    }
  } else if (updated !== readme) {
    writeFileSync(path, updated)
    process.stderr.write('README.md: reference rewritten from action.yml.\n')
  }
}

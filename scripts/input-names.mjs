// Writes src/settings/input-names.ts from action.yml, the one place inputs are declared, so the
// list the code reads from, the misspelt-input detection and action.yml cannot drift apart.
// `node scripts/input-names.mjs --check` only compares, and fails when the file is stale (a test
// runs it).
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const actionYml = new URL('../action.yml', import.meta.url)
const out = new URL('../src/settings/input-names.ts', import.meta.url)

const inputs = parse(readFileSync(actionYml, 'utf8')).inputs ?? {}
const names = Object.keys(inputs)
const defaults = names.filter(name => inputs[name].default !== undefined)
const text = `// Generated from action.yml by \`npm run input-names\`: edit action.yml, then run it.
// A test fails when this file and action.yml differ.

/** Every input declared in action.yml, in its order. */
export const INPUT_NAMES = [
${names.map(name => `  '${name}'`).join(',\n')}
] as const

export type InputName = (typeof INPUT_NAMES)[number]

/** The defaults action.yml declares: the runner fills them in, so an input at its default may not have been written. */
export const INPUT_DEFAULTS: Readonly<Partial<Record<InputName, string>>> = {
${defaults.map(name => `  ${/^[a-z]+$/.test(name) ? name : `'${name}'`}: ${JSON.stringify(String(inputs[name].default)).replace(/^"|"$/g, "'")}`).join(',\n')}
}
`

if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error('src/settings/input-names.ts is stale: run npm run input-names.')
    process.exit(1)
  }
} else {
  writeFileSync(out, text)
}

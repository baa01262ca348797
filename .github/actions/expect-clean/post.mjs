// Runs after every later step's post step: nothing they exported or wrote may remain.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const problems = []
for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
  if (process.env[name]) problems.push(`${name} is still set`)
}
const profile = process.env.INPUT_PROFILE ?? ''
const files = {
  credentials: process.env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials'),
  config: process.env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config')
}
for (const [kind, path] of Object.entries(files)) {
  let text
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    continue
  }
  const header = kind === 'config' ? `[profile ${profile}]` : `[${profile}]`
  if (profile && text.split(/\r?\n/).some(line => line.trim() === header)) {
    problems.push(`${path} still holds ${header}`)
  }
}
if (problems.length > 0) {
  for (const problem of problems) console.log(`::error title=Left behind::${problem}`)
  process.exitCode = 1
} else {
  console.log('Nothing was left behind: no AWS credentials in the environment, no profile.')
}

// `node scripts/local-endpoints.mjs start`: starts the local STS endpoint and the local GitHub
// ID-token endpoint in a background process that outlives this one, waits until both listen,
// and hands a later workflow step (through GITHUB_ENV) or a shell (as `export` lines) what
// points the action and the AWS CLI at them:
//   AWS_ENDPOINT_URL_STS, ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN,
//   LOCAL_STS_PID (to stop it).
// The self-test workflow runs the action itself this way on Linux, Windows and macOS runners.
// The background process stops by itself after --lifetime seconds (default 1800).
import { spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLocalGitHubOidc } from '../local-sts/github-oidc.js'
import { startLocalSts } from '../local-sts/server.js'

const READY_TIMEOUT_MS = 20_000

/** @param {string} name @returns {string | undefined} */
function option(name) {
  const index = process.argv.indexOf(name)
  return index === -1 ? undefined : process.argv[index + 1]
}

async function serve() {
  const ready = option('--ready')
  const lifetime = Number(option('--lifetime') ?? 1800)
  if (!ready || !Number.isInteger(lifetime) || lifetime <= 0) usage()
  const oidc = await startLocalGitHubOidc()
  const sts = await startLocalSts({ identityProviders: [oidc.provider('sts.amazonaws.com')] })
  const stop = async () => {
    await sts.close()
    await oidc.close()
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  setTimeout(stop, lifetime * 1000).unref()
  // Keeps the process alive while the servers are idle, until the lifetime ends.
  setInterval(() => {}, 60_000)
  writeFileSync(
    ready,
    JSON.stringify({
      AWS_ENDPOINT_URL_STS: sts.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
      LOCAL_STS_PID: String(process.pid)
    })
  )
}

async function start() {
  const ready = join(mkdtempSync(join(tmpdir(), 'scoped-role-endpoints-')), 'ready.json')
  const args = [fileURLToPath(import.meta.url), 'serve', '--ready', ready]
  const lifetime = option('--lifetime')
  if (lifetime !== undefined) args.push('--lifetime', lifetime)
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' })
  child.unref()
  const deadline = Date.now() + READY_TIMEOUT_MS
  /** @type {Record<string, string> | undefined} */
  let values
  while (values === undefined) {
    try {
      values = JSON.parse(readFileSync(ready, 'utf8'))
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        process.stderr.write('The local endpoints did not start.\n')
        process.exit(1)
      }
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
  const lines = Object.entries(values ?? {}).map(([name, value]) => `${name}=${value}`)
  if (process.env.GITHUB_ENV) appendFileSync(process.env.GITHUB_ENV, `${lines.join('\n')}\n`)
  else process.stdout.write(lines.map(line => `export ${line}\n`).join(''))
  process.stderr.write(`Local STS at ${values?.AWS_ENDPOINT_URL_STS}, ID tokens from it too.\n`)
}

function usage() {
  process.stderr.write('usage: node scripts/local-endpoints.mjs start [--lifetime SECONDS]\n')
  process.exit(2)
}

const command = process.argv[2]
if (command === 'start') await start()
else if (command === 'serve') await serve()
else usage()

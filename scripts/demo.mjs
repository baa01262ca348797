// `npm run demo`: starts the local STS endpoint, runs the bundled action against it as a
// workflow step would (with an inline policy and an AWS managed policy), then the post step,
// and prints what the workflow would get. No AWS account or network needed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { maskLog, runStep } from '../local-sts/runner.js'
import { DEFAULT_USER, startLocalSts } from '../local-sts/server.js'

const policy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::release-artifacts/*' },
    { Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' }
  ]
}
const inputs = {
  'role-to-assume': 'arn:aws:iam::111122223333:role/release',
  'aws-region': 'eu-west-1',
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey,
  'inline-session-policy': JSON.stringify(policy, null, 2),
  'managed-session-policies': 'ReadOnlyAccess',
  'verify-credentials': 'true'
}

const sts = await startLocalSts()
const dir = mkdtempSync(join(tmpdir(), 'scoped-role-demo-'))
const env = {
  PATH: process.env.PATH,
  NODE_OPTIONS: process.env.NODE_OPTIONS,
  HOME: dir,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL_STS: sts.url,
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  AWS_CONFIG_FILE: join(dir, 'config'),
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: dir,
  GITHUB_RUN_ID: '1001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat'
}
const heading = text => console.log(`\n\x1b[1m${text}\x1b[0m`)
const SECRET_VARIABLES = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN'
])

try {
  console.log(`Local STS endpoint at ${sts.url}. The step's inputs:`)
  for (const [name, value] of Object.entries(inputs)) {
    const shown = name.startsWith('aws-') && name !== 'aws-region' ? '${{ secrets.… }}' : value
    console.log(`  ${name}: ${shown.includes('\n') ? shown.replace(/\n/g, '\n      ') : shown}`)
  }

  const main = await runStep({ dir, inputs, env })
  heading('The step log, as the runner shows it (masked values appear as ***):')
  console.log(maskLog(main.stdout).trim())

  heading(
    `What STS received (${sts.requests.length} requests: ${sts.requests.map(r => r.action).join(', ')}):`
  )
  const assume = sts.requests.find(r => r.action === 'AssumeRole')
  for (const [name, value] of Object.entries(assume?.params ?? {})) {
    if (!['Action', 'Version'].includes(name)) console.log(`  ${name} = ${value}`)
  }

  heading('Environment for the later steps (GITHUB_ENV):')
  for (const [name, value] of Object.entries(main.env)) {
    console.log(
      `  ${name}=${SECRET_VARIABLES.has(name) ? `*** (${value.length} characters, masked)` : value}`
    )
  }
  heading('Step outputs (steps.<id>.outputs):')
  for (const [name, value] of Object.entries(main.outputs)) console.log(`  ${name}: ${value}`)

  const post = await runStep({ dir, step: 'post', state: main.state, env })
  heading('Post step at the end of the job:')
  console.log(`  ${maskLog(post.stdout).trim()}`)
  console.log(`  ${Object.keys(post.env).join(', ')} are now empty.`)

  if (main.exitCode !== 0 || post.exitCode !== 0) {
    console.error(main.stderr)
    process.exitCode = 1
  } else {
    console.log('\nDemo finished: the action ran end to end against the local endpoint.')
  }
} finally {
  await sts.close()
  rmSync(dir, { recursive: true, force: true })
}

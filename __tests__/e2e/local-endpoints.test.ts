/**
 * scripts/local-endpoints.mjs, which the self-test workflow runs before using the action on
 * each runner OS: it must leave both endpoints running for later steps and hand those steps
 * what points the action at them, so the action assumes a role through the real OIDC path.
 */
import { afterAll, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseFileCommand, runStep } from '../../local-sts/runner.js'
import { ROOT } from './harness.js'

const dir = mkdtempSync(join(tmpdir(), 'scoped-role-endpoints-test-'))
let pid: number | undefined

afterAll(() => {
  if (pid !== undefined) process.kill(pid, 'SIGTERM')
})

it('starts the endpoints in the background and a later step assumes a role through them', async () => {
  const githubEnv = join(dir, 'github-env')
  writeFileSync(githubEnv, '')
  const start = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/local-endpoints.mjs'), 'start', '--lifetime', '120'],
    { encoding: 'utf8', env: { PATH: process.env.PATH, GITHUB_ENV: githubEnv }, timeout: 30_000 }
  )
  expect(start.status).toBe(0)
  const exported = parseFileCommand(readFileSync(githubEnv, 'utf8'))
  pid = Number(exported.LOCAL_STS_PID)
  expect(Object.keys(exported).sort()).toEqual([
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'AWS_ENDPOINT_URL_STS',
    'LOCAL_STS_PID'
  ])
  expect(exported.AWS_ENDPOINT_URL_STS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

  const step = await runStep({
    dir,
    inputs: {
      'role-to-assume': 'arn:aws:iam::111122223333:role/selftest',
      'aws-region': 'eu-west-1',
      'managed-session-policies': 'ReadOnlyAccess'
    },
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_EC2_METADATA_DISABLED: 'true',
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir,
      ...exported
    }
  })
  expect({ exitCode: step.exitCode, stderr: step.stderr }).toEqual({ exitCode: 0, stderr: '' })
  expect(step.stdout).toContain('AssumeRoleWithWebIdentity')
  expect(step.outputs.arn).toMatch(/^arn:aws:sts::111122223333:assumed-role\/selftest\//)
  expect(step.env.AWS_SESSION_TOKEN).toBeTruthy()
})

import { expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from './harness.js'

it('npm run demo runs the bundled action end to end against the local endpoint', () => {
  const guard = pathToFileURL(join(ROOT, '__tests__/support/loopback-guard.mjs')).href
  const demo = spawnSync(process.execPath, [join(ROOT, 'scripts/demo.mjs')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NODE_OPTIONS: `--import=${guard}` },
    timeout: 60000
  })
  expect(demo.status).toBe(0)
  expect(demo.stdout).toContain('2 requests: AssumeRole, GetCallerIdentity')
  expect(demo.stdout).toContain('PolicyArns.member.1.arn = arn:aws:iam::aws:policy/ReadOnlyAccess')
  expect(demo.stdout).toMatch(/AWS_SECRET_ACCESS_KEY=\*\*\* \(40 characters, masked\)/)
  expect(demo.stdout).toContain(
    'arn: arn:aws:sts::111122223333:assumed-role/release/gh-1001-1-octocat'
  )
  expect(demo.stdout).toContain('Demo finished')
  expect(demo.stdout).not.toContain('::add-mask::')
})

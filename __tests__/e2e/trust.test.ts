/**
 * What a typo, a pull request or a hostile answer can do, through the bundled action run as the
 * runner runs it: none of them may weaken the narrowing, stall the step or print a secret.
 * One describe per threat; the hostile-STS answers are in hostile-sts.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { DEFAULT_USER } from '../../local-sts/server.js'
import { startConnectProxy } from '../support/connect-proxy.js'
import { assumeRoleAnswer, startHostileSts, type HostileSts } from '../support/hostile-sts.js'
import { maskProblems, mentionsBeforeMask } from './harness.js'
import { useLocalJob } from './local-job.js'

const ROLE = 'arn:aws:iam::111122223333:role/deploy'
const KEYS = {
  'aws-access-key-id': DEFAULT_USER.accessKeyId,
  'aws-secret-access-key': DEFAULT_USER.secretAccessKey
}
const BASE = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1', ...KEYS }
const policy = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements })
const READ = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })

const local = useLocalJob()
const { refusedBeforeSts } = local

describe('misspelt inputs', () => {
  it.each([
    ['forbid-action', 'iam:*', 'forbid-actions'],
    ['forbid_actions', 'iam:*', 'forbid-actions'],
    ['allowed-account-id', '999999999999', 'allowed-account-ids'],
    ['allowed_account_ids', '999999999999', 'allowed-account-ids'],
    ['require-session-polcy', 'true', 'require-session-policy'],
    ['verify-credential', 'true', 'verify-credentials'],
    ['mask-aws-acount-id', 'true', 'mask-aws-account-id']
  ])(
    '%s fails the step before any request, suggesting the real input',
    async (name, value, meant) => {
      const result = await local.job.run({ inputs: { ...BASE, [name]: value } })
      const error = refusedBeforeSts(result)
      expect(error).toContain(`${name}: is not an input of this action`)
      expect(error).toContain(`Did you mean '${meant}'?`)
    }
  )

  it('warns about an undeclared input close to nothing, and still runs', async () => {
    const result = await local.job.run({ inputs: { ...BASE, 'github-token': 'x' } })
    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain(
      "'github-token' is not an input of this action and was ignored. The inputs are: role-to-assume,"
    )
  })
})

describe('adversarial action patterns', () => {
  // Each of these took a backtracking matcher minutes, or forever; the test timeout bounds them.
  it('checks a policy of star-heavy patterns quickly, in mode: check', async () => {
    const result = await local.job.run({
      inputs: {
        mode: 'check',
        'inline-session-policy': policy({
          Effect: 'Allow',
          Action: [`s3:${'*'.repeat(8)}Object`, `s3:${'*'.repeat(12)}Z`, `*:${'*?'.repeat(50)}Z`],
          Resource: '*'
        })
      }
    })
    expect(refusedBeforeSts(result)).toContain('matches no IAM action')
    expect(result.durationMs).toBeLessThan(20000)
  })

  it('checks star-heavy forbid-actions quickly', async () => {
    const refused = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy': READ, 'forbid-actions': '*:*****Z' }
    })
    expect(refusedBeforeSts(refused)).toContain("'*:*****Z' matches no IAM action")
    const forbidden = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy': READ, 'forbid-actions': '*:*****Object' }
    })
    expect(refusedBeforeSts(forbidden)).toContain('allows s3:GetObject')
  })

  it('refuses a pattern longer than any action', async () => {
    const long = `s3:${'Get'.repeat(50)}*`
    const result = await local.job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy({ Effect: 'Allow', Action: long, Resource: '*' }),
        'forbid-actions': 'iam:*'
      }
    })
    expect(refusedBeforeSts(result)).toContain('no IAM action is longer than 128')
    const forbid = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy': READ, 'forbid-actions': long }
    })
    expect(refusedBeforeSts(forbid)).toContain('no IAM action is longer than 128')
  })
})

describe('hostile policy files', () => {
  const check = (file: string) =>
    local.job.run({ inputs: { mode: 'check', 'inline-session-policy-file': file } })

  it('refuses a device, also through a committed symlink, without reading it', async () => {
    symlinkSync('/dev/zero', join(local.job.dir, 'zero.json'))
    const linked = await check('zero.json')
    expect(refusedBeforeSts(linked)).toContain(
      'is a symbolic link to /dev/zero, outside the workspace and RUNNER_TEMP'
    )
    expect(linked.stdout).toContain(
      '::error title=Invalid input%3A inline-session-policy-file,file=zero.json::'
    )
    expect(refusedBeforeSts(await check('/dev/zero'))).toContain('is a device, not a regular file')
  })

  it('refuses a FIFO and a directory instead of blocking or failing obscurely', async () => {
    execFileSync('mkfifo', [join(local.job.dir, 'fifo.json')])
    expect(refusedBeforeSts(await check('fifo.json'))).toContain(
      'is a named pipe (FIFO), not a regular file'
    )
    mkdirSync(join(local.job.dir, 'policies'))
    expect(refusedBeforeSts(await check('policies'))).toContain('is a directory')
  })

  it('refuses a file over 1 MiB, and follows a symlink that stays in the workspace', async () => {
    local.job.writeWorkspaceFile('huge.json', ' '.repeat(1024 * 1024 + 1))
    expect(refusedBeforeSts(await check('huge.json'))).toContain(
      'is 1048577 bytes; at most 1048576 are read'
    )
    local.job.writeWorkspaceFile('real.json', READ)
    symlinkSync(join(local.job.dir, 'real.json'), join(local.job.dir, 'link.json'))
    expect((await check('link.json')).exitCode).toBe(0)
  })

  it('accepts and strips a UTF-8 byte-order mark', async () => {
    local.job.writeWorkspaceFile('bom.json', `\uFEFF${READ}`)
    const result = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy-file': 'bom.json' }
    })
    expect(result.exitCode).toBe(0)
    expect(local.sts.requests[0].params.Policy).toBe(READ)
  })
})

describe('policies that mean something else than they show', () => {
  it('refuses duplicate keys, naming the key and its line, marking the line in the file', async () => {
    const file = local.job.writeWorkspaceFile(
      'dup.json',
      [
        '{',
        '  "Version": "2012-10-17",',
        '  "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],',
        '  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]',
        '}'
      ].join('\n')
    )
    const result = await local.job.run({ inputs: { ...BASE, 'inline-session-policy-file': file } })
    expect(refusedBeforeSts(result)).toContain(
      'dup.json is not valid JSON: the key "Statement" appears twice in one object (first at line 3) at line 4, column 3'
    )
    expect(result.stdout).toContain(
      '::error title=Invalid input%3A inline-session-policy-file,file=dup.json,line=4,col=3::'
    )
  })

  it('refuses nesting 100k deep as an input error', async () => {
    const result = await local.job.run({
      inputs: { ...BASE, 'inline-session-policy': `{"Statement":${'['.repeat(100000)}` }
    })
    expect(refusedBeforeSts(result)).toContain(
      'inline-session-policy: is not valid JSON: nesting deeper than 8 levels'
    )
    expect(result.stderr).not.toContain('Maximum call stack')
  })
})

describe('messages that say what to fix', () => {
  it('names a trailing comma in a policy file, with the line and column in the file', async () => {
    const file = local.job.writeWorkspaceFile(
      'comma.json',
      '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},]\n}\n'
    )
    const result = await local.job.run({
      inputs: { mode: 'check', 'inline-session-policy-file': file }
    })
    expect(refusedBeforeSts(result)).toContain(
      "comma.json is not valid JSON: a trailing comma before ']' at line 3, column 79 (JSON allows none; remove it)"
    )
    expect(result.stdout).toContain('file=comma.json,line=3,col=79::')
  })
})

describe('secrets in debug lines', () => {
  it('never logs the MFA code or the external id, and masks the code as it is read', async () => {
    const result = await local.job.run({
      inputs: {
        ...BASE,
        'mfa-serial-number': 'arn:aws:iam::111122223333:mfa/release-manager',
        'mfa-token-code': '314159',
        'role-external-id': 'tenant-secret-42'
      },
      debug: true
    })
    expect(result.exitCode).toBe(0)
    expect(local.sts.requests[0].params).toMatchObject({
      TokenCode: '314159',
      ExternalId: 'tenant-secret-42'
    })
    const lines = result.stdout.split('\n')
    const request = lines.findIndex(line => line.startsWith('::debug::AssumeRole request:'))
    expect(request).toBeGreaterThan(-1)
    expect(lines[request]).toContain('"externalId":"(not shown)"')
    expect(lines[request]).toContain('"tokenCode":"(not shown)"')
    expect(lines.indexOf('::add-mask::314159')).toBeGreaterThan(-1)
    expect(lines.indexOf('::add-mask::314159')).toBeLessThan(request)
    // The harness's leak scan covers both inputs in every run; here, directly:
    expect(result.stdout.replace('::add-mask::314159', '')).not.toContain('314159')
    expect(result.stdout).not.toContain('tenant-secret-42')
  })
})

describe('profiles on a shared runner', () => {
  let hostile: HostileSts
  beforeAll(async () => {
    hostile = await startHostileSts()
  })
  afterAll(async () => hostile.close())

  const filesOf = (dir: string) => ({
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws', 'credentials'),
    AWS_CONFIG_FILE: join(dir, 'aws', 'config')
  })
  const OTHER_JOB =
    '[plan]\naws_access_key_id = ASIAOTHERJOBOTHERJOB\naws_secret_access_key = theirs\n'

  it('owns no profile when another job wrote one of the same name during the request', async () => {
    const files = filesOf(local.job.dir)
    hostile.answer({
      ...assumeRoleAnswer(hostile, { arn: 'arn:aws:sts::111122223333:assumed-role/deploy/gh-run' }),
      meanwhile: () => {
        mkdirSync(join(local.job.dir, 'aws'), { recursive: true })
        writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, OTHER_JOB)
      }
    })
    const { main, post } = await local.job.runWithPost({
      inputs: { ...BASE, 'aws-profile': 'plan', 'sts-endpoint': hostile.url },
      env: files,
      secrets: hostile.secrets
    })
    expect(main.exitCode).toBe(1)
    expect(main.errors[0]).toContain("a profile named 'plan' already exists")
    expect(main.state['written-profile']).toBeUndefined()
    expect(post.exitCode).toBe(0)
    expect(readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).toBe(OTHER_JOB)
  })

  it('the post step removes the profile only while it holds the key this run wrote', async () => {
    const files = filesOf(local.job.dir)
    const inputs = { ...BASE, 'aws-profile': 'plan' }
    const main = await local.job.run({ inputs, env: files })
    expect(main.exitCode).toBe(0)
    expect(main.state['written-profile']).toContain('keyDigest')
    writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, OTHER_JOB)
    const post = await local.job.run({ inputs, env: files, step: 'post', state: main.state })
    expect(post.stdout).toContain("Left profile 'plan'")
    expect(readFileSync(files.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).toBe(OTHER_JOB)
  })
})

describe('profile files misplaced', () => {
  it('refuses one file for both credentials and config before any request', async () => {
    const same = join(local.job.dir, 'aws-both')
    const result = await local.job.run({
      inputs: { ...BASE, 'aws-profile': 'plan' },
      env: { AWS_SHARED_CREDENTIALS_FILE: same, AWS_CONFIG_FILE: same }
    })
    expect(refusedBeforeSts(result)).toContain(
      `AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE both name ${same}; writing the config would replace the credentials. Point them at two different files`
    )
  })

  it('refuses a relative credentials path, which would put the keys in the workspace', async () => {
    const result = await local.job.run({
      inputs: { ...BASE, 'aws-profile': 'plan' },
      env: { AWS_SHARED_CREDENTIALS_FILE: 'aws/credentials' }
    })
    expect(refusedBeforeSts(result)).toContain(
      "AWS_SHARED_CREDENTIALS_FILE is the relative path 'aws/credentials'"
    )
    expect(existsSync(join(local.job.dir, 'aws'))).toBe(false)
  })
})

describe('proxies and endpoints', () => {
  const viaProxy = { 'sts-endpoint': 'http://sts.proxy-test.invalid:8080' }

  it('refuses a proxy password that is not valid percent-encoding, without echoing it', async () => {
    const result = await local.job.run({
      inputs: { ...BASE, ...viaProxy, 'http-proxy': 'http://ci:50%zz-secret@127.0.0.1:3128' }
    })
    expect(refusedBeforeSts(result)).toContain(
      "http-proxy: holds a user name or password with a '%' that is not valid percent-encoding"
    )
  })

  it('refuses an explicit proxy that would be bypassed for a loopback endpoint or NO_PROXY', async () => {
    const loopback = await local.job.run({
      inputs: { ...BASE, 'http-proxy': 'http://127.0.0.1:3128' }
    })
    expect(refusedBeforeSts(loopback)).toContain(
      'is set, but the proxy would not be used for the STS endpoint 127.0.0.1:'
    )
    const listed = await local.job.run({
      inputs: { ...BASE, ...viaProxy, 'http-proxy': 'http://127.0.0.1:3128' },
      env: { NO_PROXY: '.proxy-test.invalid' }
    })
    expect(refusedBeforeSts(listed)).toContain('NO_PROXY (or no_proxy) lists it')
  })

  it('tunnels with a proxy password that never shows in the log', async () => {
    const proxy = await startConnectProxy(local.sts.port)
    try {
      const url = new URL(proxy.url)
      url.username = 'ci'
      url.password = 'proxy-pass%40word'
      const result = await local.job.run({
        inputs: { ...BASE, ...viaProxy, 'http-proxy': url.href },
        debug: true
      })
      expect(result.exitCode).toBe(0)
      expect(proxy.connects).toEqual(['sts.proxy-test.invalid:8080'])
      // As written and as decoded: either form could show in a connection error.
      for (const secret of ['proxy-pass%40word', 'proxy-pass@word'])
        expect(maskProblems(result.stdout, secret, 'Session policy:')).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it("makes a proxy's 407 one final error that says the proxy refused the credentials", async () => {
    let connects = 0
    const proxy = createServer()
    proxy.on('connect', (_request, socket: Socket) => {
      connects++
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n')
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const port = (proxy.address() as { port: number }).port
      const result = await local.job.run({
        inputs: {
          ...BASE,
          ...viaProxy,
          'http-proxy': `http://ci:wrong-pass-word@127.0.0.1:${port}`
        }
      })
      expect(result.exitCode).toBe(1)
      expect(result.env).toEqual({})
      expect(result.errors[0]).toContain('The proxy refused the credentials (HTTP 407')
      expect(result.errors[0]).not.toContain('throttling')
      expect(connects).toBe(1)
    } finally {
      await new Promise(resolve => proxy.close(resolve))
    }
  })

  it('names the endpoint it could not connect to, instead of blaming throttling', async () => {
    const result = await local.job.run({
      inputs: { ...BASE, 'sts-endpoint': 'http://127.0.0.1:9', 'retry-max-attempts': '2' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.env).toEqual({})
    expect(result.errors[0]).toContain(
      'Could not connect to http://127.0.0.1:9: the connection was refused (nothing listens there).'
    )
    expect(result.errors[0]).not.toContain('throttling')
  })
})

describe('messages that say what to fix, through the action', () => {
  it.each([
    ['arn:aws:iam:111122223333:role/deploy', 'has one colon between the service and the account'],
    ['arn:aws:iam::11112222333:role/deploy', "has account '11112222333' of 11 digits"],
    ['arn:aws:iam::111122223333:user/deploy', 'names an IAM user (user/…), not a role'],
    ['arn:aws:sts::111122223333:assumed-role/deploy/gh-1', 'is a session ARN'],
    ['arn:aws:iam::111122223333:role/de ploy', 'contains a space at character 34']
  ])('role-to-assume %s: says which part is wrong', async (role, problem) => {
    const result = await local.job.run({ inputs: { ...BASE, 'role-to-assume': role } })
    expect(refusedBeforeSts(result)).toContain(problem)
  })

  it('suggests only the service that has the action for s4:GetObject', async () => {
    const result = await local.job.run({
      inputs: {
        ...BASE,
        'inline-session-policy': policy({ Effect: 'Allow', Action: 's4:GetObject', Resource: '*' })
      }
    })
    const error = refusedBeforeSts(result)
    expect(error).toContain('Did you mean "s3:GetObject"? If AWS added it')
    expect(error).not.toMatch(/"q"|"ce"/)
  })

  it('mask-aws-account-id masks the account before an input error or the allowed-account refusal prints it', async () => {
    const typo = await local.job.run({
      inputs: {
        ...BASE,
        'role-to-assume': 'arn:aws:iam::11112222333:role/deploy',
        'mask-aws-account-id': 'true'
      }
    })
    expect(refusedBeforeSts(typo)).toContain("'11112222333'")
    expect(mentionsBeforeMask(typo.stdout, '11112222333')).toEqual([])

    const refused = await local.job.run({
      inputs: { ...BASE, 'allowed-account-ids': '999999999999', 'mask-aws-account-id': 'true' }
    })
    expect(refusedBeforeSts(refused)).toContain('not in allowed-account-ids')
    expect(mentionsBeforeMask(refused.stdout, '111122223333')).toEqual([])

    const named = await local.job.run({
      inputs: {
        ...BASE,
        'role-to-assume': 'deploy',
        'allowed-account-ids': '999999999999',
        'mask-aws-account-id': 'true'
      }
    })
    expect(named.exitCode).toBe(1)
    expect(named.env).toEqual({})
    expect(named.errors[0]).toContain('not in allowed-account-ids')
    expect(mentionsBeforeMask(named.stdout, '111122223333')).toEqual([])
  })

  it('force-source refuses the inputs it would ignore', async () => {
    const result = await local.job.run({ inputs: { ...BASE, 'force-source': 'environment' } })
    expect(refusedBeforeSts(result)).toContain(
      "force-source: is 'environment', which would ignore aws-access-key-id and aws-secret-access-key. Remove"
    )
  })
})

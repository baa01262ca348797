import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkFile, render, runCheck, type Finding } from '../../../src/cli/check.js'
import { COMMANDS, UsageError, parseArgs } from '../../../src/cli/options.js'
import { captureStdio } from '../../support/cli-process.js'

const CHECK = COMMANDS.find(command => command.name === 'check')!
const GOOD =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
const NOT_ACTION =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}'
const NOT_ACTION_WARNING =
  'statement 1 combines "Allow" with "NotAction": it allows every action of every service except those listed (iam:*), including services added later. List the actions the step needs in "Action" instead.'
const OPTIONS = { managed: [], forbid: '', partition: 'aws' }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoped-role-check-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const check = (argv: readonly string[]) => captureStdio(() => runCheck(parseArgs(argv, CHECK)))

async function refusal(argv: readonly string[]): Promise<string> {
  const error = await check(argv).then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(UsageError)
  expect((error as UsageError).command).toBe('check')
  return (error as Error).message
}

describe('runCheck', () => {
  it('prints nothing and exits 0 for good files', async () => {
    expect(await check([file('a.json', GOOD), file('b.json', GOOD)])).toEqual({
      value: 0,
      stdout: '',
      stderr: ''
    })
  })

  it('exits 0 with warnings only, and shows them', async () => {
    const path = file('a.json', NOT_ACTION)
    expect(await check([path])).toEqual({
      value: 0,
      stdout: `${path}:1:48: warning: ${NOT_ACTION_WARNING}\n`,
      stderr: ''
    })
  })

  it('exits 1 when a file has an error, after checking every file', async () => {
    const bad = file('bad.json', GOOD.replace('"Statement"', '"Statment"'))
    const warned = file('warned.json', NOT_ACTION)
    const result = await check([bad, warned])
    expect(result.value).toBe(1)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toMatch(new RegExp(`^${bad}:1:\\d+: error: `))
    expect(lines[1]).toBe(`${warned}:1:48: warning: ${NOT_ACTION_WARNING}`)
    expect(lines).toHaveLength(3)
  })

  it('takes files after -- too', async () => {
    const path = file('-odd.json', NOT_ACTION)
    expect((await check(['--', path])).stdout).toBe(
      `${path}:1:48: warning: ${NOT_ACTION_WARNING}\n`
    )
    const other = file('b.json', NOT_ACTION)
    expect((await check([other, '--', path])).stdout.split('\n')).toHaveLength(3)
  })

  it('writes the format asked for', async () => {
    const path = file('a.json', NOT_ACTION)
    const finding = {
      file: path,
      line: 1,
      column: 48,
      severity: 'warning',
      message: NOT_ACTION_WARNING
    }
    expect(JSON.parse((await check(['--format', 'json', path])).stdout)).toEqual([finding])
    expect((await check(['--format=github', path])).stdout).toBe(
      render([finding as Finding], 'github')
    )
    expect((await check(['--format', 'text', path])).stdout).toBe(
      `${path}:1:48: warning: ${NOT_ACTION_WARNING}\n`
    )
  })

  it('refuses an unknown format before reading any file', async () => {
    expect(await refusal(['--format', 'sarif', join(dir, 'missing.json')])).toBe(
      "--format 'sarif' is not a format; write one of text, github, json."
    )
  })

  it('asks for a file', async () => {
    expect(await refusal([])).toBe(
      'name at least one policy file, e.g. scoped-role check policies/*.json.'
    )
    expect(await refusal(['--'])).toBe(
      'name at least one policy file, e.g. scoped-role check policies/*.json.'
    )
  })

  it('refuses a region name that is none', async () => {
    expect(await refusal(['--region', 'mars', file('a.json', GOOD)])).toBe(
      "--region 'mars' is not a region name; write e.g. us-east-1."
    )
  })

  it("checks ARNs against the region's partition, aws's without --region", async () => {
    const path = file('a.json', GOOD.replace('"Resource":"*"', '"Resource":"arn:aws:s3:::b/*"'))
    expect((await check([path])).value).toBe(0)
    expect((await check(['--region', 'us-east-1', path])).value).toBe(0)
    const china = await check(['--region', 'cn-north-1', path])
    expect(china.value).toBe(1)
    expect(china.stdout).toContain(
      'has "arn:aws:s3:::b/*" in "Resource", in partition "aws", but the region is in "aws-cn". Write "arn:aws-cn:s3:::b/*".'
    )
  })

  it('refuses a bad --forbid or --managed as a usage error, in the names of the options', async () => {
    const path = file('a.json', GOOD)
    expect(await refusal(['--forbid', 'nope', path])).toBe(
      "--forbid: 'nope' is not an action pattern. Write service:Action patterns such as iam:*, sts:AssumeRole, s3:Delete* or *:Delete*, one per line or comma-separated."
    )
    expect(await refusal(['--managed', 'NoSuchPolicyXyz', path])).toMatch(
      /^--managed: 'NoSuchPolicyXyz' is not an AWS managed policy/
    )
  })

  it('resolves managed names in the partition of the region', async () => {
    const path = file('a.json', GOOD)
    const result = await check([
      '--region',
      'cn-north-1',
      '--managed',
      'AmazonS3ReadOnlyAccess',
      '--forbid',
      's3:Get*',
      path
    ])
    expect(result.stdout).toContain(
      'managed policy arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess '
    )
  })

  it('joins the --forbid patterns, each applying', async () => {
    const path = file('a.json', GOOD.replace('"s3:GetObject"', '["s3:GetObject","iam:PassRole"]'))
    const { stdout } = await check(['--forbid', 'ec2:*', '--forbid', 'iam:PassRole', path])
    expect(stdout).toContain('allows iam:PassRole (forbidden by iam:PassRole)')
  })

  it.each([
    ['a missing file', 'missing.json', 'ENOENT, no such file'],
    ['a directory', '.', 'is a directory, not a regular file']
  ])('refuses %s, naming it and why', async (_, name, reason) => {
    const path = join(dir, name)
    expect(await refusal([path])).toBe(`cannot read '${path}' (${reason}).`)
  })
})

describe('checkFile', () => {
  it('finds nothing in a good policy', () => {
    expect(checkFile('p.json', GOOD, OPTIONS)).toEqual([])
  })

  it('points a warning at the first value it quotes in the statement it is about', () => {
    const text = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},\n    {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}\n  ]\n}`
    expect(checkFile('p.json', text, OPTIONS)).toEqual([
      {
        file: 'p.json',
        line: 5,
        column: 15,
        severity: 'warning',
        message: NOT_ACTION_WARNING.replace('statement 1', 'statement 2')
      }
    ])
  })

  it('points a warning about no statement at the start', () => {
    const findings = checkFile('p.json', GOOD.replace('"Version":"2012-10-17",', ''), OPTIONS)
    expect(findings).toEqual([
      {
        file: 'p.json',
        line: 1,
        column: 1,
        severity: 'warning',
        message:
          'the policy has no "Version", so IAM reads it as "2008-10-17": policy variables such as ${aws:username} are not replaced. Add "Version": "2012-10-17".'
      }
    ])
  })

  it('points an error at the quoted value inside its statement, with its Sid', () => {
    const text = `{"Version":"2012-10-17","Statement":[\n{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},\n{"Sid":"Two","Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}]}`
    const [finding, ...rest] = checkFile('p.json', text, OPTIONS)
    expect(rest).toEqual([])
    expect(finding).toMatchObject({ file: 'p.json', line: 3, column: 40, severity: 'error' })
    expect(finding.message).toMatch(
      /^statement 2 \(Sid "Two"\) has "s3:GetObjekt" in "Action", which is not an IAM action .* Did you mean "s3:GetObject", "s3:PutObject"\? If AWS added it after that catalogue, use a newer release of scoped-role\.$/
    )
  })

  it('points an error at its statement when the message quotes nothing found there', () => {
    const text = '{"Version":"2012-10-17","Statement":[\n  {"Effect":"Allow","Resource":"*"}]}'
    expect(checkFile('p.json', text, OPTIONS)).toEqual([
      {
        file: 'p.json',
        line: 2,
        column: 3,
        severity: 'error',
        message: 'statement 1 has neither "Action" nor "NotAction". Add "Action": "s3:GetObject".'
      }
    ])
  })

  it('reports each problem of a file', () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}'
    expect(checkFile('p.json', text, OPTIONS).map(f => [f.column, f.message])).toEqual([
      [38, 'statement 1 has neither "Action" nor "NotAction". Add "Action": "s3:GetObject".'],
      [
        38,
        'statement 1 has neither "Resource" nor "NotResource". Add "Resource": "arn:aws:s3:::my-bucket/*" (or "*").'
      ]
    ])
  })

  it('points an error about the whole policy at its start, in the names of the options', () => {
    expect(checkFile('p.json', '\n{"Version":"2012-10-17","Statement":[]}', OPTIONS)).toEqual([
      {
        file: 'p.json',
        line: 1,
        column: 1,
        severity: 'error',
        message:
          '"Statement" is empty; a session policy with no statement allows nothing. Add at least one statement, such as {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}.'
      }
    ])
  })

  it('points a JSON error at the line and column the reader names', () => {
    expect(checkFile('p.json', '{"Version":"2012-10-17",\n"Statement":[}', OPTIONS)).toEqual([
      {
        file: 'p.json',
        line: 2,
        column: 14,
        severity: 'error',
        message:
          'is not valid JSON: unexpected \'}\' at line 2, column 14 (expected a value). Write a policy such as {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}.'
      }
    ])
  })

  it('points an input error without a position at the start', () => {
    const text = 'x'.repeat(20_000)
    const [finding] = checkFile('p.json', text, OPTIONS)
    expect(finding).toMatchObject({ file: 'p.json', line: 1, column: 1, severity: 'error' })
    expect(finding.message).not.toMatch(/^inline-session-policy-file: /)
  })

  it('points a forbidden action at the first example found in the statement', () => {
    const text =
      '{"Version":"2012-10-17","Statement":[\n {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}'
    expect(checkFile('p.json', text, { ...OPTIONS, forbid: 's3:Put*' })).toEqual([
      {
        file: 'p.json',
        line: 2,
        column: 58,
        severity: 'error',
        message:
          'statement 1 (Sid "Read") allows s3:PutObject (forbidden by s3:Put*). Narrow its Action, or add an unconditional Deny of them on "*".'
      }
    ])
  })

  it('counts the forbidden actions beyond the examples, and points at the statement', () => {
    const text =
      '{"Version":"2012-10-17","Statement":[\n {"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    const [finding, ...rest] = checkFile('p.json', text, { ...OPTIONS, forbid: 's3:Put*\niam:*' })
    expect(rest).toEqual([])
    expect(finding).toMatchObject({ line: 2, column: 2, severity: 'error' })
    expect(finding.message).toMatch(
      /^statement 1 allows s3:Put\w+, s3:Put\w+, s3:Put\w+, s3:Put\w+, s3:Put\w+ and \d+ more \(forbidden by s3:Put\*\)\. Narrow its Action, or add an unconditional Deny of them on "\*"\.$/
    )
  })

  it('names the managed policy that allows a forbidden action, at the start of the file', () => {
    const findings = checkFile('p.json', GOOD, {
      ...OPTIONS,
      managed: ['AmazonS3ReadOnlyAccess'],
      forbid: 's3:GetObject'
    })
    expect(findings.map(f => [f.line, f.column, f.message])).toEqual([
      [
        1,
        65,
        'statement 1 allows s3:GetObject (forbidden by s3:GetObject). Narrow its Action, or add an unconditional Deny of them on "*".'
      ],
      [
        1,
        1,
        'managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess statement 1 allows s3:GetObject (forbidden by s3:GetObject). Narrow its Action, or add an unconditional Deny of them on "*".'
      ]
    ])
  })
})

describe('render', () => {
  const findings: Finding[] = [
    { file: 'a:b,c.json', line: 2, column: 3, severity: 'error', message: 'bad 100%\r\nfix: a, b' },
    { file: 'p.json', line: 1, column: 1, severity: 'warning', message: 'look' }
  ]

  it('writes file:line:col lines, one per finding', () => {
    expect(render(findings, 'text')).toBe(
      'a:b,c.json:2:3: error: bad 100%\r fix: a, b\np.json:1:1: warning: look\n'
    )
  })

  it('writes GitHub annotations, escaping properties and data', () => {
    expect(render(findings, 'github')).toBe(
      '::error file=a%3Ab%2Cc.json,line=2,col=3,title=scoped-role check::bad 100%25%0D%0Afix: a, b\n' +
        '::warning file=p.json,line=1,col=1,title=scoped-role check::look\n'
    )
    expect(render([{ ...findings[1], file: '100%\r\n.json' }], 'github')).toBe(
      '::warning file=100%25%0D%0A.json,line=1,col=1,title=scoped-role check::look\n'
    )
  })

  it('writes JSON, indented', () => {
    expect(render(findings, 'json')).toBe(`${JSON.stringify(findings, null, 2)}\n`)
    expect(render([], 'json')).toBe('[]\n')
  })

  it('writes nothing without findings', () => {
    expect(render([], 'text')).toBe('')
    expect(render([], 'github')).toBe('')
  })
})

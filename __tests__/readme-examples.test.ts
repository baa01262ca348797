import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { RUNNER_WORDING } from '../src/action/wording.js'
import { policyDataLoaders } from '../src/policy/data.js'
import { buildSessionPolicy } from '../src/policy/session-policy.js'
import { INPUT_NAMES } from '../src/settings/input-names.js'
import type { RawInputs } from '../src/settings/input-rules.js'
import { parseSettings } from '../src/settings/parse.js'
import { ROOT } from './e2e/harness.js'

/** Values a workflow would have at run time for the expressions the README's examples use. */
const EXPRESSIONS: Record<string, string> = {
  'secrets.AWS_ACCESS_KEY_ID': 'AKIAEXAMPLEEXAMPLE00',
  'secrets.AWS_SECRET_ACCESS_KEY': 'example-secret',
  'inputs.mfa-code': '123456'
}
const POLICY_FILE =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::release-artifacts/*"}]}'

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

/** The README and the guides under docs/. */
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter(name => name.endsWith('.md'))
    .map(name => `docs/${name}`)
]

function exampleSteps(): Array<{ workflow: string; inputs: Record<string, string> }> {
  const blocks = DOCS.flatMap(file =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1])
  )
  const steps: Array<{ workflow: string; inputs: Record<string, string> }> = []
  for (const block of blocks) {
    const workflow = parse(block) as { name: string; jobs: Record<string, { steps: Step[] }> }
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) {
        if (!step.uses?.startsWith('scoped-role/scoped-role@')) continue
        const inputs = Object.fromEntries(
          Object.entries(step.with ?? {}).map(([name, value]) => [
            name,
            String(value).replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
              if (!(expr in EXPRESSIONS))
                throw new Error(`no value for \${{ ${expr} }} in the test`)
              return EXPRESSIONS[expr]
            })
          ])
        )
        steps.push({ workflow: workflow.name, inputs })
      }
    }
  }
  return steps
}

describe('README and docs/ examples', () => {
  const steps = exampleSteps()

  it('are found', () => {
    expect(steps.length).toBeGreaterThanOrEqual(10)
  })

  it.each(steps.map(s => [s.workflow, s.inputs] as const))(
    '%s: every input is declared and passes the checks made before STS',
    (_workflow, inputs) => {
      for (const name of Object.keys(inputs)) expect(INPUT_NAMES).toContain(name)
      const raw = Object.fromEntries(
        INPUT_NAMES.map(name => [name, (inputs[name] ?? '').trim()])
      ) as RawInputs
      const settings = parseSettings(raw, {
        env: {},
        workspace: '/workspace',
        readFile: () => POLICY_FILE,
        wording: RUNNER_WORDING
      })
      expect(() =>
        buildSessionPolicy(settings.policy, policyDataLoaders, RUNNER_WORDING)
      ).not.toThrow()
    }
  )
})

/** One local STS endpoint for a test file, a fresh Job per test, and the check of a clean refusal. */
import { afterAll, beforeAll, beforeEach, expect } from '@jest/globals'
import { startLocalSts, type LocalSts, type LocalStsOptions } from '../../local-sts/server.js'
import { Job, type StepResult } from './harness.js'

export interface LocalJob {
  readonly sts: LocalSts
  readonly job: Job
  /** A step refused before STS: one error annotation, no request, nothing exported or output. */
  refusedBeforeSts(result: StepResult): string
}

export function useLocalJob(options?: LocalStsOptions): LocalJob {
  let sts: LocalSts | undefined
  let job: Job | undefined
  beforeAll(async () => {
    sts = await startLocalSts(options)
  })
  afterAll(async () => sts?.close())
  beforeEach(() => {
    sts!.reset()
    job = new Job(sts!)
  })
  return {
    get sts() {
      return sts!
    },
    get job() {
      return job!
    },
    refusedBeforeSts(result) {
      expect(result.exitCode).toBe(1)
      expect(sts!.requests).toEqual([])
      expect(result.env).toEqual({})
      expect(result.outputs).toEqual({})
      expect(result.errors).toHaveLength(1)
      return result.errors[0]
    }
  }
}

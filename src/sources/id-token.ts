import { HttpClient } from '@actions/http-client'
import { request as httpRequest, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { withRetries, type RetryPolicy } from '../aws/retry.js'
import { fromNetwork } from '../shared/log-text.js'

/**
 * The job's GitHub OIDC token, asked for without the runner's toolkit: a process a later step
 * starts (a profile's credential_process) has the request URL and bearer token in its
 * environment when the job has id-token: write, and nothing else. Every attempt is bounded in
 * time and in bytes, and follows the same retry policy as the STS calls.
 */

/** A token is at most a few KiB; the JSON around it is small. */
const MAX_ANSWER_BYTES = 64 * 1024

export async function requestGitHubIdToken(
  env: Record<string, string | undefined>,
  audience: string,
  retry: RetryPolicy
): Promise<string> {
  const base = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (!base || !bearer) {
    throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set')
  }
  const url = new URL(base)
  url.searchParams.set('audience', audience)
  // The bearer token must not cross a network in the clear; the runner's URL is HTTPS.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new Error(`ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL (${url.protocol})`)
  }
  return withRetries(({ timeoutMs }) => getOnce(url, bearer, timeoutMs), retry)
}

const isLoopback = (host: string): boolean => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(host)

function getOnce(url: URL, bearer: string, timeoutMs: number): Promise<string> {
  // The toolkit's HTTP client picks the proxy the environment names, as getIDToken would.
  const agent = new HttpClient().getAgent(url.href)
  const options: RequestOptions = {
    method: 'GET',
    agent,
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${bearer}`,
      'User-Agent': 'scoped-role'
    }
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    // One timer for the whole attempt, connecting and reading alike: an idle timeout on the
    // socket would never end an answer that trickles in a byte at a time.
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' }))
    }, timeoutMs)
    const request = send(url, options, response => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_ANSWER_BYTES) {
          request.destroy(new Error(`the answer is over ${MAX_ANSWER_BYTES} bytes`))
          return
        }
        chunks.push(chunk)
      })
      response.on('error', reject)
      response.on('end', () => {
        clearTimeout(timer)
        const status = response.statusCode ?? 0
        const body = Buffer.concat(chunks).toString('utf8')
        if (status !== 200) {
          reject(
            Object.assign(new Error(`HTTP ${status}: ${fromNetwork(body, 200)}`), {
              $metadata: { httpStatusCode: status }
            })
          )
          return
        }
        let value: unknown
        try {
          value = (JSON.parse(body) as { value?: unknown }).value
        } catch {
          value = undefined
        }
        if (typeof value !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(value)) {
          reject(new Error('the answer holds no token'))
          return
        }
        resolve(value)
      })
    })
    request.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    request.end()
  })
}

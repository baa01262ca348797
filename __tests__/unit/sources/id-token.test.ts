import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { startLocalGitHubOidc, type LocalGitHubOidc } from '../../../local-sts/github-oidc.js'
import { requestGitHubIdToken } from '../../../src/sources/id-token.js'

const RETRY = { maxAttempts: 3, budgetMs: 5000, requestTimeoutMs: 1000, baseDelayMs: 1 }

let oidc: LocalGitHubOidc
let hostile: Server
let hostileUrl: string

beforeAll(async () => {
  oidc = await startLocalGitHubOidc()
  // Answers an endless body: the read must stop at its bound.
  hostile = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    const chunk = Buffer.alloc(16 * 1024, 'a')
    const more = (): void => {
      while (res.write(chunk));
      res.once('drain', more)
    }
    more()
  })
  await new Promise<void>(resolve => hostile.listen(0, '127.0.0.1', resolve))
  const address = hostile.address()
  hostileUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/token?x=1`
})
afterAll(async () => {
  await oidc.close()
  hostile.closeAllConnections()
  await new Promise(resolve => hostile.close(resolve))
})

const env = (url = oidc.requestUrl, token = oidc.requestToken) => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: url,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: token
})

describe('requestGitHubIdToken', () => {
  it('gets a token for the audience, retrying a server error', async () => {
    oidc.injectFault({ status: 503 })
    const token = await requestGitHubIdToken(env(), 'sts.amazonaws.com', RETRY)
    expect(token).toBe(oidc.tokens.at(-1))
    expect(oidc.requests.at(-1)).toMatchObject({ audience: 'sts.amazonaws.com', authorized: true })
  })

  it('stops at a refusal, at an endless answer, and before sending the bearer in the clear', async () => {
    await expect(requestGitHubIdToken(env(oidc.requestUrl, 'wrong'), 'a', RETRY)).rejects.toThrow(
      'HTTP 401'
    )
    await expect(requestGitHubIdToken(env(hostileUrl), 'a', RETRY)).rejects.toThrow('bytes')
    await expect(requestGitHubIdToken(env('http://token.example/x'), 'a', RETRY)).rejects.toThrow(
      'not an https URL'
    )
    await expect(requestGitHubIdToken({}, 'a', RETRY)).rejects.toThrow('not set')
  })
})

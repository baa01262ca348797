import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server
} from 'node:http'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { startLocalGitHubOidc, type LocalGitHubOidc } from '../../../local-sts/github-oidc.js'
import { requestGitHubIdToken } from '../../../src/sources/id-token.js'
import { withProcessEnv } from '../../support/cli-process.js'
import { startConnectProxy } from '../../support/connect-proxy.js'

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
    await expect(requestGitHubIdToken({}, 'a', RETRY)).rejects.toThrow(
      new Error('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set')
    )
  })

  it.each([
    ['http://token.example/x', 'http:'],
    // Names that only start or end like a loopback name.
    ['http://notlocalhost/x', 'http:'],
    ['http://localhost.example/x', 'http:'],
    ['http://127.0.0.1.example/x', 'http:'],
    // Loopback, but not HTTP.
    ['ws://127.0.0.1/x', 'ws:']
  ])('refuses to send the bearer to %s', async (url, protocol) => {
    await expect(requestGitHubIdToken(env(url), 'a', RETRY)).rejects.toThrow(
      new Error(`ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL (${protocol})`)
    )
  })
})

/** A loopback endpoint that answers as each test tells it to, and keeps what it was sent. */
interface Scripted {
  url: string
  seen: { method?: string; url?: string; headers: IncomingHttpHeaders }[]
  answer: RequestListener
  close(): Promise<void>
}

async function startScripted(host = '127.0.0.1'): Promise<Scripted> {
  const server = createServer((request, response) => {
    scripted.seen.push({ method: request.method, url: request.url, headers: request.headers })
    scripted.answer(request, response)
  })
  await new Promise<void>(resolve => server.listen(0, host, resolve))
  const scripted: Scripted = {
    url: `http://${host}:${(server.address() as AddressInfo).port}/token?api-version=2.0`,
    seen: [],
    answer: (_request, response) => response.writeHead(500).end(),
    close: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
  return scripted
}

const json =
  (body: string): RequestListener =>
  (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end(body)
  }

describe('requestGitHubIdToken against a scripted endpoint', () => {
  let scripted: Scripted
  beforeAll(async () => {
    scripted = await startScripted()
  })
  afterAll(() => scripted.close())

  const ONCE = { ...RETRY, maxAttempts: 1 }

  it('sends a GET for JSON with the bearer token, the audience and its name', async () => {
    scripted.seen.length = 0
    scripted.answer = json('{"value":"h-1.p_2.s"}')
    await expect(requestGitHubIdToken(env(scripted.url, 'bearer-x'), 'aud', ONCE)).resolves.toBe(
      'h-1.p_2.s'
    )
    expect(scripted.seen).toEqual([
      {
        method: 'GET',
        url: '/token?api-version=2.0&audience=aud',
        headers: expect.objectContaining({
          accept: 'application/json',
          authorization: 'Bearer bearer-x',
          'user-agent': 'scoped-role'
        })
      }
    ])
  })

  it.each([
    ['no JSON', 'not json'],
    ['no value', '{}'],
    ['a value that is not a string', '{"value":42}'],
    ['two parts', '{"value":"a.b"}'],
    ['text before the token', '{"value":"x a.b.c"}'],
    ['text after the token', '{"value":"a.b.c x"}']
  ])('refuses an answer with %s', async (_, body) => {
    scripted.answer = json(body)
    await expect(requestGitHubIdToken(env(scripted.url), 'a', ONCE)).rejects.toMatchObject({
      name: 'RetriesExhausted',
      message: 'the answer holds no token',
      reason: 'final'
    })
  })

  it('reads an answer of 64 KiB and refuses one a byte longer', async () => {
    const answer = (bytes: number): string => {
      const body = '{"value":"a.b.c"}'
      return body + ' '.repeat(bytes - body.length)
    }
    scripted.answer = json(answer(64 * 1024))
    await expect(requestGitHubIdToken(env(scripted.url), 'a', ONCE)).resolves.toBe('a.b.c')
    scripted.answer = json(answer(64 * 1024 + 1))
    await expect(requestGitHubIdToken(env(scripted.url), 'a', ONCE)).rejects.toMatchObject({
      name: 'RetriesExhausted',
      message: 'the answer is over 65536 bytes',
      reason: 'final'
    })
  })

  it('retries an answer cut off half way, then gives up', async () => {
    scripted.answer = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' })
      response.write('{"value":', () => response.destroy())
    }
    await expect(
      requestGitHubIdToken(env(scripted.url), 'a', { ...RETRY, maxAttempts: 2 })
    ).rejects.toMatchObject({
      name: 'RetriesExhausted',
      message: 'aborted',
      attempts: 2,
      reason: 'attempts',
      lastError: expect.objectContaining({ code: 'ECONNRESET' })
    })
  })

  it('ends an attempt whose answer trickles in for longer than the request timeout', async () => {
    scripted.answer = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.write('{"value":"a.b.c"')
      // A space every 50 ms for two seconds, then the end of a whole answer: only a bound on the
      // whole attempt, not on the time between two bytes, can fail it.
      let left = 40
      const drip = setInterval(() => {
        if (--left > 0) response.write(' ')
        else {
          clearInterval(drip)
          response.end('}')
        }
      }, 50)
      response.on('close', () => clearInterval(drip))
    }
    await expect(
      requestGitHubIdToken(env(scripted.url), 'a', {
        ...RETRY,
        maxAttempts: 2,
        requestTimeoutMs: 300
      })
    ).rejects.toMatchObject({
      name: 'RetriesExhausted',
      message: 'no answer in time',
      attempts: 2,
      reason: 'attempts',
      lastError: expect.objectContaining({ code: 'ETIMEDOUT' })
    })
  })

  /** A plain TCP listener: what matters is the first byte the client sends. */
  async function withFirstByte(use: (port: number) => Promise<void>): Promise<number[]> {
    const first: number[] = []
    const listener = createTcpServer(socket => {
      socket.once('data', (chunk: Buffer) => {
        first.push(chunk[0])
        socket.destroy()
      })
    })
    await new Promise<void>(resolve => listener.listen(0, '127.0.0.1', resolve))
    try {
      await use((listener.address() as AddressInfo).port)
    } finally {
      await new Promise(resolve => listener.close(resolve))
    }
    return first
  }
  // The first byte of a TLS handshake record.
  const TLS_HANDSHAKE = 0x16

  it('asks an https URL over TLS', async () => {
    const first = await withFirstByte(async port => {
      await expect(
        requestGitHubIdToken(env(`https://127.0.0.1:${port}/token`), 'a', ONCE)
      ).rejects.toMatchObject({ name: 'RetriesExhausted', lastError: { code: 'ECONNRESET' } })
    })
    expect(first).toEqual([TLS_HANDSHAKE])
  })

  it('asks an https URL over TLS through the proxy the environment names', async () => {
    const connects: string[] = []
    const first = await withFirstByte(async port => {
      const proxy = await startConnectProxy(port)
      try {
        const vars = { https_proxy: proxy.url, HTTPS_PROXY: undefined, no_proxy: undefined }
        await withProcessEnv({ ...vars, NO_PROXY: undefined }, async () => {
          await expect(
            requestGitHubIdToken(env('https://token.example/token'), 'a', ONCE)
          ).rejects.toMatchObject({ name: 'RetriesExhausted', lastError: { code: 'ECONNRESET' } })
        })
        connects.push(...proxy.connects)
      } finally {
        await proxy.close()
      }
    })
    expect(connects).toEqual(['token.example:443'])
    expect(first).toEqual([TLS_HANDSHAKE])
  })

  it('sends the bearer in the clear to any 127.x.y.z address, which is this machine', async () => {
    const elsewhere = await startScripted('127.10.20.30')
    try {
      elsewhere.answer = json('{"value":"a.b.c"}')
      await expect(requestGitHubIdToken(env(elsewhere.url), 'a', ONCE)).resolves.toBe('a.b.c')
    } finally {
      await elsewhere.close()
    }
  })
})

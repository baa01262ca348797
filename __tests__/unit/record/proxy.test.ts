import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { createServer as createNetServer, connect as tcp, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { Recording } from '../../../src/record/calls.js'
import { createRunAuthority } from '../../../src/record/certificates.js'
import { loadOperationMap } from '../../../src/record/operations.js'
import { startInterceptionProxy, type InterceptionProxy } from '../../../src/record/proxy.js'
import { startConnectProxy, type LocalProxy } from '../../support/connect-proxy.js'
import { catalogue } from '../../support/policies.js'

const map = loadOperationMap()
const authority = createRunAuthority()
let recording: Recording
let proxy: InterceptionProxy
let upstreamProxy: LocalProxy
let aws: Server
let plain: Server

beforeAll(async () => {
  aws = createServer((req, res) => res.end(`seen ${req.headers.host}`))
  aws.listen(0, '127.0.0.1')
  await once(aws, 'listening')
  plain = createServer((_req, res) => res.end('plain'))
  plain.listen(0, '127.0.0.1')
  await once(plain, 'listening')
  upstreamProxy = await startConnectProxy((plain.address() as { port: number }).port)
  recording = new Recording(map, catalogue)
  proxy = await startInterceptionProxy(authority, recording, map, {
    // Every tunnel goes through the upstream proxy; AWS hosts to the loopback fake.
    proxyFor: () => new URL(upstreamProxy.url),
    awsOverride: { host: '127.0.0.1', port: (aws.address() as { port: number }).port }
  })
})
afterAll(async () => {
  await proxy.close()
  await upstreamProxy.close()
  aws.close()
  plain.close()
})

function connectTo(target: string): Promise<Socket> {
  const { port } = new URL(proxy.url)
  const socket = tcp(Number(port), '127.0.0.1')
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`)
  return new Promise((resolve, reject) => {
    socket.once('data', (data: Buffer) =>
      /^HTTP\/1\.1 200/.test(String(data)) ? resolve(socket) : reject(new Error(String(data)))
    )
    socket.once('error', reject)
  })
}

async function signedGet(host: string): Promise<string> {
  const socket = await connectTo(`${host}:443`)
  const tls = tlsConnect({ socket, servername: host, ca: authority.certificatePem })
  await once(tls, 'secureConnect')
  tls.write(
    `GET /bucket/key HTTP/1.1\r\nHost: ${host}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\nConnection: close\r\n\r\n`
  )
  const chunks: Buffer[] = []
  for await (const chunk of tls) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}

describe('the interception proxy', () => {
  it('answers AWS hosts under the run CA and records the call', async () => {
    const answer = await signedGet('s3.amazonaws.com')
    expect(answer).toMatch(/seen s3\.amazonaws\.com$/)
    expect(recording.calls().map(c => c.grants.map(g => `${g.action} ${g.resource}`))).toEqual([
      ['s3:GetObject arn:aws:s3:::bucket/key']
    ])
  })

  it('tunnels other hosts untouched, through the upstream proxy', async () => {
    const socket = await connectTo('example.org:8080')
    socket.write('GET / HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n')
    const chunks: Buffer[] = []
    for await (const chunk of socket) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).toString()).toMatch(/plain$/)
    expect(upstreamProxy.connects).toContain('example.org:8080')
    expect(proxy.counts.tunnelled).toBeGreaterThan(0)
  })

  it('survives hostile bytes and keeps serving', async () => {
    const { port } = new URL(proxy.url)
    const send = async (bytes: string | Buffer) => {
      const socket = tcp(Number(port), '127.0.0.1')
      socket.on('error', () => {})
      socket.resume()
      socket.end(bytes)
      await new Promise(resolve => socket.on('close', resolve))
    }
    await send('\x00\xff garbage\r\n\r\n')
    await send('GET http://s3.amazonaws.com/ HTTP/1.1\r\nHost: x\r\n\r\n')
    await send('CONNECT not a host HTTP/1.1\r\n\r\n')
    await send(`CONNECT s3.amazonaws.com:443 HTTP/1.1\r\n\r\n${'\x16\x03\x01'.repeat(1000)}`)
    await send(Buffer.alloc(200_000, 0x41))
    // Not TLS after a CONNECT to an AWS host: the connection ends, the proxy goes on.
    const socket = await connectTo('sts.amazonaws.com:443')
    socket.on('error', () => {})
    socket.resume()
    socket.end('GET / HTTP/1.1\r\n\r\n')
    await new Promise(resolve => socket.on('close', resolve))
    expect(await signedGet('s3.eu-west-1.amazonaws.com')).toMatch(/seen s3\.eu-west-1/)
  })
})

/** Everything a proxy at `url` answers to `bytes`, until it or the far end closes. */
async function exchange(url: string, bytes: string | Buffer): Promise<string> {
  const socket = tcp(Number(new URL(url).port), '127.0.0.1')
  socket.on('error', () => {})
  // Not half-closed: a tunnel ends when either side closes, as the far end does here.
  socket.write(bytes)
  const chunks: Buffer[] = []
  for await (const chunk of socket) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('latin1')
}

async function listening<T extends { listen(port: number, host: string): unknown }>(server: T) {
  server.listen(0, '127.0.0.1')
  await once(server as unknown as Server, 'listening')
  return server
}

const portOf = (server: { address(): unknown }) => (server.address() as { port: number }).port

describe('the interception proxy, forwarding as the request came', () => {
  let echo: Server
  let direct: InterceptionProxy
  let seen: Recording
  const routed: string[] = []
  /** What the fake AWS host received, as it tells it back. */
  interface Echo {
    method: string
    url: string
    rawHeaders: string[]
    length: number
    head: string
  }

  beforeAll(async () => {
    echo = await listening(
      createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (chunk: Buffer) => chunks.push(chunk))
        req.on('end', () => {
          const body = Buffer.concat(chunks)
          res.writeHead(201, 'Made Here', ['X-Echo', 'one', 'X-Echo', 'two'])
          res.end(
            JSON.stringify({
              method: req.method,
              url: req.url,
              rawHeaders: req.rawHeaders,
              length: body.length,
              head: body.subarray(0, 20).toString()
            })
          )
        })
      })
    )
    seen = new Recording(map, catalogue)
    direct = await startInterceptionProxy(authority, seen, map, {
      proxyFor: (host, port) => {
        routed.push(`${host}:${port}`)
        return undefined
      },
      awsOverride: { host: '127.0.0.1', port: portOf(echo) }
    })
  })
  afterAll(async () => {
    await direct.close()
    echo.close()
  })

  /** A request sent to `host` through the proxy's TLS, and the whole answer. */
  async function through(host: string, request: string | Buffer, port = 443): Promise<string> {
    const socket = tcp(Number(new URL(direct.url).port), '127.0.0.1')
    socket.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`)
    const [established] = (await once(socket, 'data')) as [Buffer]
    expect(String(established)).toBe('HTTP/1.1 200 Connection Established\r\n\r\n')
    const tls = tlsConnect({ socket, servername: host, ca: authority.certificatePem })
    await once(tls, 'secureConnect')
    tls.write(request)
    const chunks: Buffer[] = []
    for await (const chunk of tls) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('latin1')
  }

  const signature = (service: string) =>
    `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=00\r\n`

  function echoed(answer: string): Echo {
    return JSON.parse(
      answer.slice(answer.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '')
    ) as Echo
  }

  it('sends the request line, headers and body on unchanged, and the answer back', async () => {
    const body = '{"TableName":"orders"}'
    const answer = await through(
      'dynamodb.eu-west-1.amazonaws.com',
      `POST /?q=1 HTTP/1.1\r\nHost: dynamodb.eu-west-1.amazonaws.com\r\n${signature('dynamodb')}X-Amz-Target: DynamoDB_20120810.DescribeTable\r\nx-dup: a\r\nX-Dup: b\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`
    )
    expect(answer).toMatch(/^HTTP\/1\.1 201 Made Here\r\n/)
    expect(answer).toContain('\r\nX-Echo: one\r\nX-Echo: two\r\n')
    const got = echoed(answer)
    expect(got).toMatchObject({
      method: 'POST',
      url: '/?q=1',
      length: body.length,
      head: body.slice(0, 20)
    })
    expect(got.rawHeaders).toEqual([
      'Host',
      'dynamodb.eu-west-1.amazonaws.com',
      'Authorization',
      expect.stringContaining('Credential=AKID/20260101/eu-west-1/dynamodb/aws4_request'),
      'X-Amz-Target',
      'DynamoDB_20120810.DescribeTable',
      'x-dup',
      'a',
      'X-Dup',
      'b',
      'Content-Length',
      String(body.length),
      'Connection',
      'close'
    ])
    const call = seen.calls().find(c => c.operation === 'DescribeTable')
    expect(call?.grants.map(g => g.resource)).toEqual(['arn:aws:dynamodb:eu-west-1:*:table/orders'])
    expect(routed).toContain('dynamodb.eu-west-1.amazonaws.com:443')
  })

  it('joins repeated request headers for decoding, as one value', async () => {
    const before = seen.calls().length
    await through(
      'sts.amazonaws.com',
      `GET /?Action=GetCallerIdentity HTTP/1.1\r\nHost: sts.amazonaws.com\r\n${signature('sts')}X-Amz-Target: A\r\nX-Amz-Target: GetSessionToken\r\nConnection: close\r\n\r\n`
    )
    // Joined, `A,GetSessionToken` names no operation; either one alone would.
    expect(seen.calls().length).toBe(before + 1)
    expect(seen.calls().find(c => c.unmapped === 'X-Amz-Target names no operation')).toBeDefined()
  })

  it('decodes a body of up to 64 KiB, forwards a longer one whole without reading it', async () => {
    const table = (name: string, size: number) => {
      const json = `{"TableName":"${name}"}`
      return json + ' '.repeat(size - json.length)
    }
    for (const [name, size] of [
      ['fits', 64 * 1024],
      ['long', 64 * 1024 + 1],
      ['longer', 300 * 1024]
    ] as const) {
      const body = table(name, size)
      const answer = await through(
        'dynamodb.eu-west-1.amazonaws.com',
        `POST / HTTP/1.1\r\nHost: dynamodb.eu-west-1.amazonaws.com\r\n${signature('dynamodb')}X-Amz-Target: DynamoDB_20120810.Scan\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n${body}`
      )
      expect(echoed(answer).length).toBe(size)
    }
    const resources = seen
      .calls()
      .filter(c => c.operation === 'Scan')
      .map(c => c.grants[0].resource)
    expect(resources).toEqual(['arn:aws:dynamodb:eu-west-1:*:table/fits', '*'])
    expect(
      seen.calls().find(c => c.operation === 'Scan' && c.grants[0].resource === '*')?.count
    ).toBe(2)
  })

  it('takes the CONNECT host when the request has no Host header', async () => {
    await through(
      'my-bucket.s3.amazonaws.com',
      `GET /no-host-key HTTP/1.0\r\n${signature('s3')}\r\n`
    )
    expect(seen.calls().flatMap(c => c.grants.map(g => g.resource))).toContain(
      'arn:aws:s3:::my-bucket/no-host-key'
    )
  })

  it('counts each request it intercepts', async () => {
    const before = direct.counts.intercepted
    await through(
      's3.amazonaws.com',
      `GET /b/k HTTP/1.1\r\nHost: s3.amazonaws.com\r\nConnection: close\r\n\r\n`
    )
    expect(direct.counts.intercepted).toBe(before + 1)
  })

  it('answers anything but CONNECT with 405', async () => {
    const answer = await exchange(
      direct.url,
      'GET http://s3.amazonaws.com/ HTTP/1.1\r\nHost: s3.amazonaws.com\r\n\r\n'
    )
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\nconnection: close\r\n/)
    expect(answer).toContain('\r\nthis proxy only tunnels (CONNECT)\n\r\n')
  })

  it.each([
    'example.org',
    'example.org:0',
    'example.org:65536',
    'example.org:123456',
    'exa_mple.org:80',
    `${'a'.repeat(254)}:80`,
    '[::1:80',
    ':80'
  ])('answers a CONNECT to %s with 400', async target => {
    expect(await exchange(direct.url, `CONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)).toBe(
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'
    )
  })

  it('tunnels another host directly when no upstream proxy is set, with bytes sent early', async () => {
    const answer = await exchange(
      direct.url,
      `CONNECT 127.0.0.1:${portOf(plain)} HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`
    )
    expect(answer).toMatch(
      /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK\r\n[\s\S]*plain$/
    )
    expect(routed).toContain(`127.0.0.1:${portOf(plain)}`)
  })

  it('tunnels to a bracketed IPv6 address and to port 65535', async () => {
    const before = direct.counts.tunnelled
    for (const target of ['[::1]:65535', '127.0.0.1:65535', '[::1]:1']) {
      const answer = await exchange(direct.url, `CONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)
      expect(answer).toBe('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n')
    }
    expect(direct.counts.tunnelled).toBe(before + 3)
    expect(routed).toEqual(expect.arrayContaining(['::1:65535', '127.0.0.1:65535', '::1:1']))
  })

  it('answers 502 when the AWS host cannot be reached', async () => {
    const closed = await listening(createServer())
    const port = portOf(closed)
    closed.close()
    const proxyToNowhere = await startInterceptionProxy(authority, seen, map, {
      proxyFor: () => undefined,
      awsOverride: { host: '127.0.0.1', port }
    })
    try {
      const socket = tcp(Number(new URL(proxyToNowhere.url).port), '127.0.0.1')
      socket.write('CONNECT s3.amazonaws.com:443 HTTP/1.1\r\n\r\n')
      await once(socket, 'data')
      const tls = tlsConnect({
        socket,
        servername: 's3.amazonaws.com',
        ca: authority.certificatePem
      })
      tls.write('GET / HTTP/1.1\r\nHost: s3.amazonaws.com\r\nConnection: close\r\n\r\n')
      const chunks: Buffer[] = []
      for await (const chunk of tls) chunks.push(chunk as Buffer)
      expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/)
    } finally {
      await proxyToNowhere.close()
    }
  })
})

describe('tunnels through an upstream proxy', () => {
  /** An upstream proxy that answers each CONNECT with `reply`, then pipes to the plain server. */
  async function upstream(reply: string) {
    const requests: string[] = []
    const server = await listening(
      createNetServer(client => {
        client.on('error', () => {})
        let text = ''
        const onData = (chunk: Buffer) => {
          text += chunk.toString('latin1')
          if (!text.includes('\r\n\r\n')) return
          client.off('data', onData)
          requests.push(text)
          client.write(reply)
          if (!reply.includes(' 20')) return void client.end()
          const target = tcp(portOf(plain), '127.0.0.1')
          target.on('error', () => client.destroy())
          target.pipe(client)
          client.pipe(target)
        }
        client.on('data', onData)
      })
    )
    return { server, requests }
  }

  async function tunnel(reply: string, proxyUrl: (port: number) => string) {
    const { server, requests } = await upstream(reply)
    const proxy = await startInterceptionProxy(authority, new Recording(map, catalogue), map, {
      proxyFor: () => new URL(proxyUrl(portOf(server)))
    })
    try {
      const answer = await exchange(
        proxy.url,
        'CONNECT example.org:8443 HTTP/1.1\r\nHost: example.org:8443\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
      )
      return { answer, requests }
    } finally {
      await proxy.close()
      server.close()
    }
  }

  it('asks it for the host, with the credentials of its URL, and passes early bytes on', async () => {
    const { answer, requests } = await tunnel(
      'HTTP/1.1 200 OK\r\n\r\n',
      port => `http://user%20x:p%40ss@127.0.0.1:${port}`
    )
    expect(requests).toEqual([
      `CONNECT example.org:8443 HTTP/1.1\r\nHost: example.org:8443\r\nProxy-Authorization: Basic ${Buffer.from('user x:p@ss').toString('base64')}\r\n\r\n`
    ])
    expect(answer).toMatch(
      /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK\r\n[\s\S]*plain$/
    )
  })

  it('sends no credentials when its URL has none, and takes an HTTP/1.0 answer', async () => {
    const { answer, requests } = await tunnel(
      'HTTP/1.0 204 Tunnel\r\nVia: test\r\n\r\n',
      port => `http://127.0.0.1:${port}`
    )
    expect(requests).toEqual([
      'CONNECT example.org:8443 HTTP/1.1\r\nHost: example.org:8443\r\n\r\n'
    ])
    expect(answer).toMatch(/plain$/)
  })

  it.each([
    ['refuses the tunnel', 'HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'],
    ['answers something else', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['answers HTTP/2', 'HTTP/2.0 200 OK\r\n\r\n'],
    ['never ends its answer', `HTTP/1.1 200 OK\r\n${'X-Pad: x\r\n'.repeat(2000)}`]
  ])('answers 502 when the upstream proxy %s', async (_, reply) => {
    const { answer } = await tunnel(reply, port => `http://127.0.0.1:${port}`)
    expect(answer).toBe('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n')
  })
})

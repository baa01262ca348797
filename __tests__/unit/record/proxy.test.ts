import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { connect as tcp, type Socket } from 'node:net'
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

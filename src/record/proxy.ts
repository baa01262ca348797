import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse
} from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { connect as netConnect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { TLSSocket, connect as tlsConnect } from 'node:tls'
import type { Recording } from './calls.js'
import { isAwsHost, type RunAuthority } from './certificates.js'
import { decodeRequest, MAX_PARSED_BODY } from './decode.js'
import type { OperationMap } from './operations.js'

/** Where the proxy's own connections go: an upstream proxy, or the test-only loopback target. */
export interface ProxyRoutes {
  /** The HTTP proxy to reach a host through, if any (HTTPS_PROXY and NO_PROXY of the recorder). */
  proxyFor: (host: string, port: number) => URL | undefined
  /**
   * Tests only: every AWS host is reached at this loopback HTTP address instead (the local
   * fakes), with the request unchanged (its Host header and signature included).
   */
  awsOverride?: { host: string; port: number }
}

export interface InterceptionProxy {
  readonly url: string
  /** Requests forwarded to AWS hosts, and connections tunnelled untouched, for the report. */
  readonly counts: { intercepted: number; tunnelled: number }
  close(): Promise<void>
}

/** Idle time after which a connection of either side is closed. */
const IDLE_MS = 120_000
/** Time for a CONNECT or a TLS handshake to complete. */
const HANDSHAKE_MS = 30_000

/**
 * A loopback HTTP proxy for the recorded command. CONNECT to an AWS host is answered with TLS
 * under the run's CA; each request is then read by node's HTTP parser (its size limits apply),
 * recorded (only what decodeRequest keeps: service, operation, resource-naming parameters) and
 * sent on with the request line, header names, values and body as they came, so the SigV4
 * signature stays valid; the answer goes back the same way. CONNECT to any other host is a
 * plain TCP tunnel whose bytes are never read. Nothing a client or server sends can throw out
 * of a handler: every socket has an error handler and an idle timeout.
 */
export async function startInterceptionProxy(
  authority: RunAuthority,
  recording: Recording,
  map: OperationMap,
  routes: ProxyRoutes
): Promise<InterceptionProxy> {
  const counts = { intercepted: 0, tunnelled: 0 }
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.setTimeout(IDLE_MS, () => socket.destroy())
    socket.on('error', () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
  }
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: 16 })

  // The decrypted side: one HTTP server that never listens, fed the TLS sockets of CONNECTs.
  const inner = createHttpServer({ maxHeaderSize: 64 * 1024 }, (request, response) => {
    forward(request, response)
  })
  inner.headersTimeout = HANDSHAKE_MS
  inner.on('clientError', (_error, socket) => socket.destroy())

  const forward = (request: IncomingMessage, response: ServerResponse): void => {
    const socket = request.socket as TLSSocket & { connectHost?: string }
    const host = socket.connectHost ?? ''
    const port = (socket as { connectPort?: number }).connectPort ?? 443
    counts.intercepted++
    const kept: Buffer[] = []
    let keptBytes = 0
    request.on('data', (chunk: Buffer) => {
      if (keptBytes <= MAX_PARSED_BODY) kept.push(chunk)
      keptBytes += chunk.length
    })
    request.on('end', () => {
      const headers: Record<string, string | undefined> = {}
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value.join(',') : value
      }
      const observation = decodeRequest(
        {
          method: request.method ?? 'GET',
          host: request.headers.host ?? host,
          target: request.url ?? '/',
          headers,
          body: keptBytes <= MAX_PARSED_BODY ? Buffer.concat(kept) : undefined
        },
        map
      )
      if (observation !== undefined) recording.add(observation)
    })
    // The raw header list keeps names, values, order and duplicates as signed.
    const options = {
      method: request.method,
      path: request.url,
      headers: request.rawHeaders as unknown as OutgoingHttpHeaders,
      setHost: false,
      timeout: IDLE_MS
    }
    const proxy = routes.proxyFor(host, port)
    const upstream = routes.awsOverride
      ? httpRequest({ ...options, host: routes.awsOverride.host, port: routes.awsOverride.port })
      : httpsRequest({
          ...options,
          host,
          port,
          servername: host,
          ...(proxy === undefined
            ? { agent }
            : {
                createConnection: (
                  _: unknown,
                  done: (error: Error | null, socket: Duplex) => void
                ) => tunnelledTls(proxy, host, port, done)
              })
        })
    upstream.on('response', (answer: IncomingMessage) => {
      response.writeHead(
        answer.statusCode ?? 502,
        answer.statusMessage,
        answer.rawHeaders as unknown as OutgoingHttpHeaders
      )
      answer.pipe(response)
      answer.on('error', () => response.destroy())
    })
    upstream.on('timeout', () => upstream.destroy(new Error('upstream idle')))
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502).end()
      else response.destroy()
    })
    request.pipe(upstream)
    request.on('error', () => upstream.destroy())
  }

  const outer = createHttpServer((_request, response) => {
    response.writeHead(405, { connection: 'close' }).end('this proxy only tunnels (CONNECT)\n')
  })
  outer.headersTimeout = HANDSHAKE_MS
  outer.on('clientError', (_error, socket) => socket.destroy())
  outer.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    track(client)
    const target = parseAuthority(request.url ?? '')
    if (target === undefined) {
      client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      return
    }
    if (isAwsHost(target.host)) {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      let tls: TLSSocket
      try {
        const credentials = authority.serverCredentials(target.host)
        tls = new TLSSocket(client, { isServer: true, ...credentials })
      } catch {
        client.destroy()
        return
      }
      if (head.length > 0) client.unshift(head)
      Object.assign(tls, { connectHost: target.host, connectPort: target.port })
      track(tls)
      // A client that ends or stalls before the handshake is done gets no more time.
      let secured = false
      tls.once('secure', () => (secured = true))
      client.once('end', () => secured || client.destroy())
      const handshake = setTimeout(() => secured || client.destroy(), HANDSHAKE_MS)
      tls.once('close', () => clearTimeout(handshake))
      inner.emit('connection', tls)
      return
    }
    counts.tunnelled++
    const proxy = routes.proxyFor(target.host, target.port)
    const upstream =
      proxy === undefined
        ? netConnect(target.port, target.host)
        : connectThrough(proxy, target.host, target.port)
    track(upstream)
    const ready = proxy === undefined ? 'connect' : 'proxied'
    upstream.once(ready, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('close', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n')
    })
  })
  outer.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    outer.once('listening', resolve)
    outer.once('error', reject)
  })
  const { port } = outer.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: async () => {
      agent.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => outer.close(() => resolve()))
    }
  }
}

function parseAuthority(text: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253}):(\d{1,5})$/.exec(text)
  if (match === null) return undefined
  const port = Number(match[2])
  if (port < 1 || port > 65535) return undefined
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

/**
 * A TCP connection to host:port through an HTTP proxy's CONNECT; emits 'proxied' once the
 * tunnel stands. The proxy's answer is read up to its blank line, at most 16 KB.
 */
function connectThrough(proxy: URL, host: string, port: number): Socket {
  const socket = netConnect(Number(proxy.port || 80), proxy.hostname.replace(/^\[|\]$/g, ''))
  const authorization =
    proxy.username === ''
      ? ''
      : `Proxy-Authorization: Basic ${Buffer.from(
          `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
        ).toString('base64')}\r\n`
  socket.once('connect', () => {
    socket.write(
      `CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n${authorization}\r\n`
    )
  })
  let answer = Buffer.alloc(0)
  const onData = (chunk: Buffer): void => {
    answer = Buffer.concat([answer, chunk])
    const end = answer.indexOf('\r\n\r\n')
    if (end < 0) {
      if (answer.length > 16 * 1024) socket.destroy(new Error('proxy answer too long'))
      return
    }
    socket.off('data', onData)
    if (!/^HTTP\/1\.[01] 2\d\d /.test(answer.toString('latin1', 0, 16))) {
      socket.destroy(new Error('proxy refused the tunnel'))
      return
    }
    const rest = answer.subarray(end + 4)
    if (rest.length > 0) socket.unshift(rest)
    socket.emit('proxied')
  }
  socket.on('data', onData)
  return socket
}

/** A TLS connection to an AWS host through the upstream proxy, handed to the HTTPS client. */
function tunnelledTls(
  proxy: URL,
  host: string,
  port: number,
  done: (error: Error | null, socket: Duplex) => void
): undefined {
  const raw = connectThrough(proxy, host, port)
  raw.setTimeout(HANDSHAKE_MS, () => raw.destroy(new Error('proxy timed out')))
  raw.once('error', error => done(error, raw))
  raw.once('proxied', () => {
    raw.setTimeout(0)
    const tls = tlsConnect({ socket: raw, servername: host })
    raw.on('error', error => tls.destroy(error))
    done(null, tls)
  })
  return undefined
}

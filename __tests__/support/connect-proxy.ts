/**
 * A forward proxy for the tests: answers CONNECT by tunnelling to the local STS endpoint,
 * whatever host was asked for, so the action can be pointed at a made-up STS host name and
 * still only ever open a connection to 127.0.0.1 (the proxy).
 */
import { createServer, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'

export interface LocalProxy {
  url: string
  /** Every CONNECT target, as host:port. */
  connects: string[]
  close(): Promise<void>
}

export async function startConnectProxy(targetPort: number): Promise<LocalProxy> {
  const connects: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((_request, response) => {
    response.writeHead(405).end('only CONNECT')
  })
  server.on('connect', (request, client: Socket) => {
    connects.push(request.url ?? '')
    sockets.add(client)
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    upstream.on('error', end)
    client.on('error', end)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}`,
    connects,
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

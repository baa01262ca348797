/**
 * A loopback endpoint that answers what an attacker in the path would: STS-shaped XML with line
 * breaks and workflow commands in codes, messages and ARNs, cut-off bodies, HTML pages. Each
 * request gets the next scripted answer (the last one repeats).
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'

export interface HostileAnswer {
  status: number
  body: string
  contentType?: string
  /** Send only this many bytes of the body, then cut the connection. */
  cutAfter?: number
  /** Runs before the answer is sent: what happens elsewhere while the request is in flight. */
  meanwhile?: () => void
}

export interface HostileSts {
  url: string
  /** The Action of each request received. */
  actions: string[]
  /** Every secret handed out, for the leak scan. */
  secrets: string[]
  answer(...answers: HostileAnswer[]): void
  close(): Promise<void>
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/'

/** An STS error body; `code` and `message` go in verbatim, line breaks and all. */
export function errorAnswer(
  status: number,
  code: string,
  message: string,
  requestId = 'req-1'
): HostileAnswer {
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  }
}

export interface CraftedSession {
  arn: string
  assumedRoleId?: string
  accessKeyId?: string
}

export function assumeRoleAnswer(
  sts: HostileSts,
  session: CraftedSession,
  action = 'AssumeRole'
): HostileAnswer {
  const accessKeyId = session.accessKeyId ?? `ASIA${randomBytes(8).toString('hex').toUpperCase()}`
  const secret = randomBytes(30).toString('base64')
  const token = randomBytes(60).toString('base64')
  sts.secrets.push(accessKeyId, secret, token)
  const expiration = new Date(Date.now() + 3600_000).toISOString()
  return {
    status: 200,
    contentType: 'text/xml',
    body:
      `<${action}Response xmlns="${NS}"><${action}Result>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey>` +
      `<SessionToken>${token}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `<AssumedRoleUser><Arn>${session.arn}</Arn><AssumedRoleId>${session.assumedRoleId ?? 'AROAEXAMPLEEXAMPLE01:gh-run'}</AssumedRoleId></AssumedRoleUser>` +
      `<PackedPolicySize>5</PackedPolicySize></${action}Result>` +
      `<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`
  }
}

export function callerIdentityAnswer(arn: string, account = '111122223333'): HostileAnswer {
  return {
    status: 200,
    contentType: 'text/xml',
    body:
      `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${arn}</Arn>` +
      `<UserId>AROAEXAMPLEEXAMPLE01:gh-run</UserId><Account>${account}</Account></GetCallerIdentityResult>` +
      `<ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
  }
}

export async function startHostileSts(): Promise<HostileSts> {
  let script: HostileAnswer[] = []
  const sockets = new Set<Socket>()
  const hostile: HostileSts = {
    url: '',
    actions: [],
    secrets: [],
    answer(...answers) {
      script = answers
      hostile.actions.length = 0
    },
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
  const server: Server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8').on('data', chunk => (body += chunk))
    request.on('end', () => {
      hostile.actions.push(new URLSearchParams(body).get('Action') ?? '')
      const answer = script.length > 1 ? script.shift()! : script[0]
      answer.meanwhile?.()
      const bytes = Buffer.from(answer.body)
      response.writeHead(answer.status, {
        'content-type': answer.contentType ?? 'text/xml',
        'content-length': bytes.length
      })
      if (answer.cutAfter === undefined) response.end(bytes)
      else {
        response.write(bytes.subarray(0, answer.cutAfter))
        setTimeout(() => response.socket?.destroy(), 20)
      }
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  hostile.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return hostile
}

export function scopedAnswer(sts: HostileSts, arn: string, scopedSessionId: string): HostileAnswer {
  const granted = assumeRoleAnswer(sts, { arn }, 'GetScopedCredentials')
  return {
    ...granted,
    body: granted.body.replace(
      /<AssumedRoleUser>.*<\/AssumedRoleUser>/,
      `<SessionInfo><ScopedSessionId>${scopedSessionId}</ScopedSessionId><Arn>${arn}</Arn></SessionInfo>`
    )
  }
}

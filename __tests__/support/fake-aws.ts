/**
 * A loopback stand-in for AWS hosts other than STS, for the recorder's tests: STS requests go on
 * to the local STS endpoint unchanged; S3 requests (path-style or bucket-named hosts) have their
 * SigV4 signature checked against the local STS's keys and sessions and, for a session with an
 * inline policy, are allowed only if that policy allows the action on the resource, as AWS
 * evaluates a session policy. Its action table is written out here, independent of the
 * recorder's own mapping, so a mistake there cannot agree with itself.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import { DEFAULT_USER, type LocalSts } from '../../local-sts/server.js'
import { parseAuthorization, verifySignature } from '../../local-sts/sigv4.js'

export interface FakeS3Request {
  method: string
  host: string
  url: string
  verified: boolean
  action: string
  resource: string
  allowed: boolean
}

export interface FakeAws {
  url: string
  port: number
  s3: FakeS3Request[]
  close(): Promise<void>
}

const OBJECTS = new Map<string, string>([['artifacts/build/app.zip', 'zip bytes']])

export async function startFakeAws(sts: LocalSts): Promise<FakeAws> {
  const s3: FakeS3Request[] = []
  const stsPort = Number(new URL(sts.url).port)
  const server: Server = createServer((req, res) => {
    const auth = parseAuthorization(String(req.headers.authorization ?? ''))
    if (auth?.service === 'sts') {
      const upstream = request({
        host: '127.0.0.1',
        port: stsPort,
        method: req.method,
        path: req.url,
        headers: req.headers
      })
      upstream.on('response', answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.writeHead(502).end())
      req.pipe(upstream)
      return
    }
    readBody(req).then(
      body => {
        const { bucket, key, list } = s3Target(String(req.headers.host ?? ''), req.url ?? '/')
        const action =
          req.method === 'PUT' ? 's3:PutObject' : list ? 's3:ListBucket' : 's3:GetObject'
        const resource = list ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`
        const { secret, policy } = keyOf(sts, auth?.accessKeyId)
        let verified = false
        try {
          if (auth && secret) {
            verifySignature(req, body, auth, secret)
            verified = true
          }
        } catch {
          verified = false
        }
        const allowed = verified && (policy === undefined || policyAllows(policy, action, resource))
        s3.push({
          method: req.method ?? '',
          host: String(req.headers.host),
          url: req.url ?? '',
          verified,
          action,
          resource,
          allowed
        })
        if (!verified) return xmlError(res, 403, 'SignatureDoesNotMatch')
        if (!allowed) return xmlError(res, 403, 'AccessDenied')
        if (req.method === 'PUT') {
          OBJECTS.set(`${bucket}/${key}`, body.toString('utf8'))
          return res.writeHead(200, { etag: '"1"', 'content-length': 0 }).end()
        }
        if (list) {
          const keys = [...OBJECTS.keys()].filter(k => k.startsWith(`${bucket}/`))
          const xml = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${keys.map(k => `<Contents><Key>${k.slice(bucket.length + 1)}</Key><Size>1</Size></Contents>`).join('')}</ListBucketResult>`
          return res.writeHead(200, { 'content-type': 'application/xml' }).end(xml)
        }
        const object = OBJECTS.get(`${bucket}/${key}`)
        if (object === undefined) return xmlError(res, 404, 'NoSuchKey')
        res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"1"' }).end(object)
      },
      () => res.destroy()
    )
  })
  server.listen(0, '127.0.0.1')
  await new Promise(resolve => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    s3,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function s3Target(host: string, url: string) {
  const [path, query = ''] = url.split('?')
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  const named = /^(.+)\.s3[.-]/.exec(host)?.[1]
  const bucket = named ?? parts.shift() ?? ''
  return { bucket, key: parts.join('/'), list: parts.length === 0 && /list-type=2/.test(query) }
}

function keyOf(sts: LocalSts, accessKeyId: string | undefined) {
  if (accessKeyId === DEFAULT_USER.accessKeyId) {
    return { secret: DEFAULT_USER.secretAccessKey, policy: undefined }
  }
  const issued = sts.issued.find(session => session.accessKeyId === accessKeyId)
  return { secret: issued?.secretAccessKey, policy: issued?.policy }
}

interface Statement {
  Effect: string
  Action: string | string[]
  Resource: string | string[]
}

/** Allow statements only (what the recorder proposes); no Deny, no conditions. */
export function policyAllows(policy: string, action: string, resource: string): boolean {
  const statements = (JSON.parse(policy) as { Statement: Statement | Statement[] }).Statement
  const list = (value: string | string[]) => (Array.isArray(value) ? value : [value])
  const matches = (pattern: string, text: string, caseless: boolean) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      caseless ? 'i' : ''
    ).test(text)
  return (Array.isArray(statements) ? statements : [statements]).some(
    statement =>
      statement.Effect === 'Allow' &&
      list(statement.Action).some(pattern => matches(pattern, action, true)) &&
      list(statement.Resource).some(pattern => matches(pattern, resource, false))
  )
}

function xmlError(res: import('node:http').ServerResponse, status: number, code: string) {
  res
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`
    )
}

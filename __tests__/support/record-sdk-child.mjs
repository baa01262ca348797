// A command for `scoped-role record` to watch: the AWS SDK for JavaScript v3, given the proxy
// and CA bundle the recorder put in its environment, calls STS and S3 at their real host
// names; then it opens a TLS connection through the same proxy to a non-AWS host (argv[2],
// host:port) and prints the fingerprint of the certificate that host showed. Without a proxy
// (run by `scoped-role exec`), it makes the same calls at the endpoints AWS_ENDPOINT_URL_*
// name, path-style.
import { readFileSync } from 'node:fs'
import { connect } from 'node:tls'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { HttpsProxyAgent } from 'https-proxy-agent'

const recorded = process.env.HTTPS_PROXY !== undefined
const config = recorded
  ? {
      region: 'eu-west-1',
      requestHandler: new NodeHttpHandler({
        httpsAgent: new HttpsProxyAgent(process.env.HTTPS_PROXY, {
          ca: readFileSync(process.env.AWS_CA_BUNDLE, 'utf8')
        })
      }),
      maxAttempts: 1
    }
  : { region: 'eu-west-1', maxAttempts: 1, forcePathStyle: true }
const results = []
const attempt = async (name, call) => {
  try {
    await call()
    results.push(`${name}: ok`)
  } catch (error) {
    results.push(`${name}: ${error.name}`)
  }
}
const sts = new STSClient(config)
const s3 = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' })
await attempt('GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})))
await attempt('GetObject', async () => {
  const answer = await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'build/app.zip' }))
  await answer.Body.transformToString()
})
await attempt('PutObject', () =>
  s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'build/report.txt', Body: 'done' }))
)
await attempt('ListObjectsV2', () =>
  s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'build/' }))
)
if (process.argv[2]) {
  const fingerprint = await new Promise((resolve, reject) => {
    const proxy = new URL(process.env.HTTPS_PROXY)
    const request = `CONNECT ${process.argv[2]} HTTP/1.1\r\nHost: ${process.argv[2]}\r\n\r\n`
    import('node:net').then(({ connect: tcp }) => {
      const socket = tcp(Number(proxy.port), proxy.hostname, () => socket.write(request))
      socket.once('data', () => {
        const tls = connect({ socket, servername: 'localhost', rejectUnauthorized: false }, () => {
          resolve(tls.getPeerX509Certificate().fingerprint256)
          tls.destroy()
        })
        tls.on('error', reject)
      })
      socket.on('error', reject)
    })
  })
  results.push(`tunnel: ${fingerprint}`)
}
// What the recorder wrote for this run: the CA bundle's folder, and whether any file there
// holds a private key (none may: the CA key stays in the recorder's memory).
if (recorded) {
  const { readdirSync } = await import('node:fs')
  const { dirname, join } = await import('node:path')
  const folder = dirname(process.env.AWS_CA_BUNDLE)
  const files = readdirSync(folder)
  results.push(
    `ca folder: ${folder} ${files.join(',')} key: ${files.some(f => /PRIVATE KEY/.test(readFileSync(join(folder, f), 'utf8')))}`
  )
}
console.log(JSON.stringify(results))

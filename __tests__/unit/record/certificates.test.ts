import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import { connect, createServer } from 'node:tls'
import { createRunAuthority, isAwsHost } from '../../../src/record/certificates.js'

describe('the run certificate authority', () => {
  it('is a name-constrained, short-lived CA whose host certificates verify in a TLS handshake', async () => {
    const authority = createRunAuthority()
    const ca = new X509Certificate(authority.certificatePem)
    expect(ca.ca).toBe(true)
    expect(new Date(ca.validTo).getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000)
    const host = 'sts.eu-west-1.amazonaws.com'
    const server = createServer(authority.serverCredentials(host), socket => socket.end('ok'))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    try {
      const client = connect({
        host: '127.0.0.1',
        port,
        servername: host,
        ca: authority.certificatePem
      })
      const [data] = await once(client, 'data')
      expect(String(data)).toBe('ok')
      expect(client.authorized).toBe(true)
      client.destroy()
      // Another name fails, though the CA is trusted: the certificate names the host alone.
      const other = connect({
        host: '127.0.0.1',
        port,
        servername: 'example.com',
        ca: authority.certificatePem
      })
      const [error] = await once(other, 'error')
      expect(String(error)).toMatch(/altnames|Hostname/i)
    } finally {
      server.close()
    }
    expect(new X509Certificate(authority.serverCredentials(host).cert).subjectAltName).toBe(
      `DNS:${host}`
    )
  })

  it('is name-constrained to the AWS domains, critically, as OpenSSL reads it', () => {
    const text = spawnSync('openssl', ['x509', '-noout', '-text'], {
      input: createRunAuthority().certificatePem
    }).stdout.toString()
    expect(text).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:amazonaws\.com\s+DNS:amazonaws\.com\.cn\s+DNS:api\.aws/
    )
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/)
  })

  it('issues for AWS hosts only', () => {
    const authority = createRunAuthority()
    expect(() => authority.serverCredentials('example.com')).toThrow(/not an AWS host/)
    expect(isAwsHost('s3.cn-north-1.amazonaws.com.cn')).toBe(true)
    expect(isAwsHost('bucket.s3.dualstack.eu-west-1.api.aws')).toBe(true)
    expect(isAwsHost('amazonaws.com.evil.example')).toBe(false)
    expect(isAwsHost('evilamazonaws.com')).toBe(false)
  })
})

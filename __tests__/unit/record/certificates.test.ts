import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import { connect, createServer } from 'node:tls'
import { AWS_DOMAINS, createRunAuthority, isAwsHost } from '../../../src/record/certificates.js'

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

/** OpenSSL's reading of a certificate, its hex dumps (key, serial, signature) left out. */
function opensslText(pem: string): string {
  return spawnSync('openssl', ['x509', '-noout', '-text'], { input: pem })
    .stdout.toString()
    .split('\n')
    .filter(line => !/^\s+([0-9a-f]{2}:)+[0-9a-f]{0,2}$/.test(line))
    .join('\n')
}

/** The hex key identifier on the line after `label` in OpenSSL's text. */
function keyId(text: string, label: string): string | undefined {
  return new RegExp(`${label}: \\n\\s+(?:keyid:)?([0-9A-F:]+)`).exec(text)?.[1]
}

describe('the certificates, as OpenSSL reads them', () => {
  const authority = createRunAuthority(new Date('2049-12-31T12:00:00Z'))
  const ca = opensslText(authority.certificatePem)
  const leaf = opensslText(authority.serverCredentials('sts.amazonaws.com').cert)

  it('makes a v3 CA named for the run, signed by itself, valid from an hour before', () => {
    expect(ca).toMatch(
      /Version: 3 \(0x2\)\n\s+Serial Number:\n\s+Signature Algorithm: ecdsa-with-SHA256\n\s+Issuer: CN = scoped-role record ([0-9a-f]{12})\n\s+Validity\n\s+Not Before: Dec 31 11:00:00 2049 GMT\n\s+Not After : Jan {2}1 12:00:00 2050 GMT\n\s+Subject: CN = scoped-role record \1\n/
    )
    expect(ca).toContain('ASN1 OID: prime256v1')
  })

  it('makes the CA sign certificates only, for no deeper CA and the AWS domains only', () => {
    expect(ca).toMatch(
      /X509v3 extensions:\n\s+X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:0\n\s+X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n\s+X509v3 Name Constraints: critical\n\s+Permitted:\n\s+DNS:amazonaws.com\n\s+DNS:amazonaws.com.cn\n\s+DNS:api.aws\n\s+X509v3 Subject Key Identifier: \n/
    )
  })

  it('makes a host certificate for TLS servers, naming the host, under the CA’s key', () => {
    expect(leaf).toMatch(
      /Issuer: CN = scoped-role record [0-9a-f]{12}\n\s+Validity\n\s+Not Before: Dec 31 11:00:00 2049 GMT\n\s+Not After : Jan {2}1 12:00:00 2050 GMT\n\s+Subject: CN = sts.amazonaws.com\n/
    )
    expect(leaf).toMatch(
      /X509v3 extensions:\n\s+X509v3 Basic Constraints: critical\n\s+CA:FALSE\n\s+X509v3 Key Usage: critical\n\s+Digital Signature\n\s+X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n\s+X509v3 Subject Alternative Name: \n\s+DNS:sts.amazonaws.com\n\s+X509v3 Authority Key Identifier: \n/
    )
    expect(keyId(leaf, 'X509v3 Authority Key Identifier')).toBe(
      keyId(ca, 'X509v3 Subject Key Identifier')
    )
    expect(keyId(ca, 'X509v3 Subject Key Identifier')).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/)
  })

  it.each([
    ['2030-06-15T10:20:30Z', '2030-06-15T09:20:30.000Z', '2030-06-16T10:20:30.000Z'],
    ['2049-12-31T12:00:00Z', '2049-12-31T11:00:00.000Z', '2050-01-01T12:00:00.000Z'],
    ['2050-06-01T00:00:00Z', '2050-05-31T23:00:00.000Z', '2050-06-02T00:00:00.000Z'],
    ['2060-01-01T00:30:00Z', '2059-12-31T23:30:00.000Z', '2060-01-02T00:30:00.000Z']
  ])('made at %s, is valid from %s to %s', (now, from, to) => {
    const made = createRunAuthority(new Date(now))
    for (const pem of [made.certificatePem, made.serverCredentials('s3.amazonaws.com').cert]) {
      const cert = new X509Certificate(pem)
      expect(new Date(cert.validFrom).toISOString()).toBe(from)
      expect(new Date(cert.validTo).toISOString()).toBe(to)
    }
  })

  it('is valid for a day from now by default', () => {
    const before = Date.now()
    const cert = new X509Certificate(createRunAuthority().certificatePem)
    const from = new Date(cert.validFrom).getTime()
    const to = new Date(cert.validTo).getTime()
    expect(to - from).toBe(25 * 3600 * 1000)
    // Whole seconds in the certificate; a generous margin for a slow machine.
    expect(Math.abs(from + 3600 * 1000 - before)).toBeLessThan(60_000)
  })
})

describe('host certificates', () => {
  const authority = createRunAuthority()

  it('makes one per host, once, all with the same key, each followed by the CA', () => {
    const first = authority.serverCredentials('sts.amazonaws.com')
    const again = authority.serverCredentials('sts.amazonaws.com')
    const other = authority.serverCredentials('s3.amazonaws.com')
    expect(again).toStrictEqual(first)
    expect(other.cert).not.toBe(first.cert)
    expect(other.key).toBe(first.key)
    expect(first.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    expect(first.cert.endsWith(authority.certificatePem)).toBe(true)
    const leaf = new X509Certificate(first.cert)
    expect(leaf.checkIssued(new X509Certificate(authority.certificatePem))).toBe(true)
    expect(leaf.checkPrivateKey(createPrivateKey(first.key))).toBe(true)
  })

  it('writes names of every length an AWS host may have', () => {
    // The DER lengths of the name change form at 128 and 256 bytes.
    for (let length = 15; length <= 253; length++) {
      const host = `${'a'.repeat(length - '.amazonaws.com'.length)}.amazonaws.com`
      const cert = new X509Certificate(authority.serverCredentials(host).cert)
      expect([length, cert.subject, cert.subjectAltName]).toEqual([
        length,
        `CN=${host}`,
        `DNS:${host}`
      ])
    }
  })

  it('refuses a host outside the AWS domains, saying which', () => {
    expect(() => authority.serverCredentials('example.com')).toThrow(
      new Error('not an AWS host: example.com')
    )
  })

  it('gives each certificate a positive serial of at most 16 bytes', () => {
    for (let i = 0; i < 20; i++) {
      const pem = authority.serverCredentials(`host-${i}.s3.amazonaws.com`).cert
      const serial = new X509Certificate(pem).serialNumber
      expect(serial.length).toBeLessThanOrEqual(32)
      expect(serial.length === 32 ? parseInt(serial.slice(0, 2), 16) : 0).toBeLessThan(0x80)
    }
  })
})

describe('isAwsHost', () => {
  it.each([
    ...AWS_DOMAINS.map(domain => [domain, true] as const),
    ...AWS_DOMAINS.map(domain => [`x.${domain}`, true] as const),
    ['STS.EU-WEST-1.AMAZONAWS.COM', true],
    [`${'a'.repeat(239)}.amazonaws.com`, true],
    [`${'a'.repeat(240)}.amazonaws.com`, false],
    ['a_b.amazonaws.com', false],
    ['a b.amazonaws.com', false],
    ['', false],
    ['xapi.aws', false],
    ['xamazonaws.com.cn', false],
    ['amazonaws.com.', false],
    ['api.aws.example', false]
  ])('says %s is an AWS host: %s', (host, expected) => {
    expect(isAwsHost(host)).toBe(expected)
  })
})

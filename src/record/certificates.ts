import {
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject
} from 'node:crypto'

/**
 * The recorder's certificate authority: made in memory for one run, its key never written
 * anywhere, valid for a day, and name-constrained (RFC 5280) to the AWS domains, so a client
 * that honours the constraint trusts it for nothing else even while it sits in a CA bundle.
 *
 * A certificate is a few fixed DER structures; writing them here (P-256 keys, ECDSA-SHA256 by
 * node:crypto) costs a few kilobytes, where an X.509 library would add ~380 KB to dist/.
 * Every certificate is parsed back by node's X509Certificate and checked against the CA before
 * it is used.
 */
export interface RunAuthority {
  /** The CA certificate, PEM, for the child's CA bundle. */
  readonly certificatePem: string
  /** A server certificate and key for one host (made once per host, then reused). */
  serverCredentials(host: string): { cert: string; key: string }
}

/** The domains the CA may issue for: AWS API hosts only. */
export const AWS_DOMAINS = ['amazonaws.com', 'amazonaws.com.cn', 'api.aws'] as const

const LIFETIME_MS = 24 * 60 * 60 * 1000

export function isAwsHost(host: string): boolean {
  const name = host.toLowerCase()
  return (
    /^[a-z0-9.-]{1,253}$/.test(name) &&
    AWS_DOMAINS.some(domain => name === domain || name.endsWith(`.${domain}`))
  )
}

export function createRunAuthority(now = new Date()): RunAuthority {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  // One key for every host's certificate: each is made on first use, and a key pair per host
  // would cost a key generation per host for no gain within one run.
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000)
  const notAfter = new Date(now.getTime() + LIFETIME_MS)
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' })
  const caKeyId = keyIdentifier(caSpki)
  const caName = name(`scoped-role record ${randomBytes(6).toString('hex')}`)
  const caDer = certificate(
    {
      issuer: caName,
      subject: caName,
      spki: caSpki,
      notBefore,
      notAfter,
      extensions: [
        extension(OID.basicConstraints, true, seq(bool(true), int(Buffer.from([0])))),
        extension(OID.keyUsage, true, bitString(Buffer.from([0x06]), 1)), // keyCertSign, cRLSign
        extension(
          OID.nameConstraints,
          true,
          seq(
            tagged(
              0xa0,
              Buffer.concat(AWS_DOMAINS.map(domain => seq(tagged(0x82, Buffer.from(domain)))))
            )
          )
        ),
        extension(OID.subjectKeyIdentifier, false, octets(caKeyId))
      ]
    },
    ca.privateKey
  )
  const caCert = new X509Certificate(caDer)
  const certificatePem = caCert.toString()
  const leafSpki = leaf.publicKey.export({ type: 'spki', format: 'der' })
  // TLS takes the host key as PEM text; it stays in this process's memory like the CA key.
  const leafKey = leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const issued = new Map<string, string>()

  return {
    certificatePem,
    serverCredentials(host: string) {
      if (!isAwsHost(host)) throw new Error(`not an AWS host: ${host}`)
      let pem = issued.get(host)
      if (pem === undefined) {
        const der = certificate(
          {
            issuer: caName,
            subject: name(host),
            spki: leafSpki,
            notBefore,
            notAfter,
            extensions: [
              extension(OID.basicConstraints, true, seq()),
              extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)), // digitalSignature
              extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
              extension(OID.subjectAltName, false, seq(tagged(0x82, Buffer.from(host)))),
              extension(OID.authorityKeyIdentifier, false, seq(tagged(0x80, caKeyId)))
            ]
          },
          ca.privateKey
        )
        const cert = new X509Certificate(der)
        if (!cert.verify(caCert.publicKey) || !cert.checkIssued(caCert)) {
          throw new Error(`the certificate made for ${host} does not verify`)
        }
        pem = cert.toString()
        issued.set(host, pem)
      }
      return { cert: `${pem}${certificatePem}`, key: leafKey }
    }
  }
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35'
}

interface TbsFields {
  issuer: Buffer
  subject: Buffer
  spki: Buffer
  notBefore: Date
  notAfter: Date
  extensions: Buffer[]
}

function certificate(fields: TbsFields, key: KeyObject): Buffer {
  const algorithm = seq(oid(OID.ecdsaWithSha256))
  const serial = randomBytes(16)
  serial[0] &= 0x7f // positive
  const tbs = seq(
    tagged(0xa0, int(Buffer.from([2]))), // v3
    int(serial),
    algorithm,
    fields.issuer,
    seq(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.spki,
    tagged(0xa3, seq(...fields.extensions))
  )
  return seq(tbs, algorithm, bitString(sign('sha256', tbs, key), 0))
}

function name(commonName: string): Buffer {
  return seq(set(seq(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))))
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value))
}

function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest()
}

// DER, the few types a certificate uses.
function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : length < 0x100
        ? Buffer.from([tag, 0x81, length])
        : Buffer.from([tag, 0x82, length >> 8, length & 0xff])
  return Buffer.concat([header, content])
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items))
const tagged = (tag: number, content: Buffer) => tlv(tag, content)
const octets = (content: Buffer) => tlv(0x04, content)
const bool = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0]))
const bitString = (bits: Buffer, unused: number) =>
  tlv(0x03, Buffer.concat([Buffer.from([unused]), bits]))

function int(value: Buffer): Buffer {
  let start = 0
  while (start < value.length - 1 && value[start] === 0 && value[start + 1] < 0x80) start++
  const trimmed = value.subarray(start)
  return tlv(0x02, trimmed[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed)
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number)
  const bytes = [first * 40 + second]
  for (const part of rest) {
    const chunk = [part & 0x7f]
    for (let value = part >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80)
    bytes.push(...chunk)
  }
  return tlv(0x06, Buffer.from(bytes))
}

/** UTCTime until 2049, as RFC 5280 asks, GeneralizedTime after. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`))
}

import { afterAll, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { connect } from 'node:net'
import { rootCertificates } from 'node:tls'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { loadOperationMap } from '../../../src/record/operations.js'
import { startRecorder } from '../../../src/record/recorder.js'
import { catalogue } from '../../support/policies.js'

const map = loadOperationMap()
const dir = mkdtempSync(join(tmpdir(), 'recorder-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

/** The recorder's environment and bundle for `env`, stopped before it returns. */
async function recorded(env: Record<string, string | undefined>) {
  const recorder = await startRecorder({ env, map, catalogue })
  const bundle = recorder.childEnv.AWS_CA_BUNDLE
  try {
    return {
      childEnv: recorder.childEnv,
      proxyUrl: recorder.proxyUrl,
      bundle,
      text: readFileSync(bundle, 'utf8'),
      mode: statSync(bundle).mode & 0o777
    }
  } finally {
    await recorder.stop()
  }
}

const PEM = /-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/
const METADATA =
  '169.254.169.254,169.254.170.2,169.254.170.23,fd00:ec2::254,fd00:ec2::23,localhost,127.0.0.1,::1'
/** What the machine trusts: its first system bundle, or node's own roots where it has none. */
const systemPath = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem'
].find(existsSync)
const SYSTEM_ROOTS =
  systemPath === undefined ? rootCertificates.join('\n') : readFileSync(systemPath, 'utf8')

describe('startRecorder', () => {
  it('points the command at its proxy, a CA bundle and the monitoring listener', async () => {
    const { childEnv, proxyUrl, bundle } = await recorded({ NO_PROXY: ' corp.example , ,other ' })
    const { AWS_CSM_PORT, ...rest } = childEnv
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(AWS_CSM_PORT).toMatch(/^\d+$/)
    expect(rest).toStrictEqual({
      HTTPS_PROXY: proxyUrl,
      https_proxy: proxyUrl,
      NO_PROXY: `corp.example,other,${METADATA}`,
      no_proxy: `corp.example,other,${METADATA}`,
      AWS_CA_BUNDLE: bundle,
      SSL_CERT_FILE: bundle,
      REQUESTS_CA_BUNDLE: bundle,
      NODE_EXTRA_CA_CERTS: bundle,
      AWS_CSM_ENABLED: 'true',
      AWS_CSM_HOST: '127.0.0.1'
    })
    expect(basename(bundle)).toBe('ca-bundle.pem')
    expect(basename(dirname(bundle))).toMatch(/^scoped-role-record-/)
    expect(dirname(dirname(bundle))).toBe(tmpdir())
  })

  it.each([
    [{ no_proxy: 'lower.example' }, `lower.example,${METADATA}`],
    [{ NO_PROXY: 'upper.example', no_proxy: 'lower.example' }, `upper.example,${METADATA}`],
    [{}, METADATA]
  ])('keeps the command’s own NO_PROXY (%j) and adds the metadata hosts', async (env, noProxy) => {
    expect((await recorded(env)).childEnv.NO_PROXY).toBe(noProxy)
  })

  it('writes the roots the command trusted, then the run’s CA, readable by the owner only', async () => {
    const system = file('system.pem', 'SYSTEM')
    const extra = file('extra.pem', 'EXTRA')
    const node = file('node.pem', 'NODE')
    const { text, mode } = await recorded({
      SSL_CERT_FILE: system,
      AWS_CA_BUNDLE: extra,
      NODE_EXTRA_CA_CERTS: node
    })
    expect(text.startsWith('SYSTEM\nEXTRA\nNODE\n-----BEGIN CERTIFICATE-----\n')).toBe(true)
    expect(text).toMatch(PEM)
    expect(mode).toBe(0o600)
  })

  it('writes a bundle named twice once', async () => {
    const extra = file('twice.pem', 'TWICE')
    const { text } = await recorded({
      SSL_CERT_FILE: extra,
      AWS_CA_BUNDLE: extra,
      NODE_EXTRA_CA_CERTS: extra
    })
    expect(text.startsWith('TWICE\n-----BEGIN CERTIFICATE-----\n')).toBe(true)
  })

  it.each([
    ['names no file', undefined],
    ['is empty', ''],
    ['names a missing file', join(dir, 'missing.pem')]
  ])('reads the system bundle when SSL_CERT_FILE %s', async (_, path) => {
    const { text } = await recorded({
      SSL_CERT_FILE: path,
      AWS_CA_BUNDLE: '',
      NODE_EXTRA_CA_CERTS: ''
    })
    expect(text.startsWith(`${SYSTEM_ROOTS}\n-----BEGIN CERTIFICATE-----\n`)).toBe(true)
  })

  it('leaves out a bundle it cannot read, and one larger than 8 MiB', async () => {
    const folder = join(dir, 'folder.pem')
    mkdirSync(folder, { recursive: true })
    const fits = file('fits.pem', 'f'.repeat(8 * 1024 * 1024))
    const { text } = await recorded({
      SSL_CERT_FILE: file('system2.pem', 'SYSTEM'),
      AWS_CA_BUNDLE: folder,
      NODE_EXTRA_CA_CERTS: fits
    })
    expect(text.startsWith(`SYSTEM\n${'f'.repeat(8 * 1024 * 1024)}\n-----BEGIN`)).toBe(true)
    const { text: without } = await recorded({
      SSL_CERT_FILE: file('system3.pem', 'SYSTEM'),
      AWS_CA_BUNDLE: join(dir, 'missing.pem'),
      NODE_EXTRA_CA_CERTS: file('large.pem', 'f'.repeat(8 * 1024 * 1024 + 1))
    })
    expect(without.startsWith('SYSTEM\n-----BEGIN CERTIFICATE-----\n')).toBe(true)
  })

  it('removes the bundle and stops listening when stopped', async () => {
    const { bundle, proxyUrl } = await recorded({})
    expect(existsSync(dirname(bundle))).toBe(false)
    const { port } = new URL(proxyUrl)
    const refused = await new Promise<boolean>(resolve => {
      const socket = connect(Number(port), '127.0.0.1')
      socket.on('connect', () => {
        socket.destroy()
        resolve(false)
      })
      socket.on('error', () => resolve(true))
    })
    expect(refused).toBe(true)
  })
})

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import type { IamCatalogue } from '../policy/catalogue.js'
import { FileRefused, readBoundedTextFile } from '../shared/bounded-file.js'
import { Recording } from './calls.js'
import { createRunAuthority } from './certificates.js'
import { listenForMonitoring } from './monitor.js'
import type { OperationMap } from './operations.js'
import { startInterceptionProxy } from './proxy.js'

/** The instance and container metadata addresses: credentials, never to go through the proxy. */
const METADATA_HOSTS = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  'fd00:ec2::254',
  'fd00:ec2::23',
  'localhost',
  '127.0.0.1',
  '::1'
]
/** Where a Linux or macOS system keeps its roots, first found wins. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem'
]
const MAX_BUNDLE_BYTES = 8 * 1024 * 1024

export interface RecorderOptions {
  /** The recorder's own environment: the proxy it must use, the CA bundles to extend. */
  env: Readonly<Record<string, string | undefined>>
  map: OperationMap
  catalogue: IamCatalogue
  /** Tests only: AWS hosts are reached at this loopback HTTP address (see ProxyRoutes). */
  awsOverride?: { host: string; port: number }
}

export interface Recorder {
  readonly recording: Recording
  /** What the recorded command's environment gets: proxy, CA bundle, monitoring. */
  readonly childEnv: Readonly<Record<string, string>>
  readonly proxyUrl: string
  /** Stops listening and removes the CA bundle file; the CA's key was only ever in memory. */
  stop(): Promise<void>
}

/**
 * Starts both ways of seeing a command's AWS calls: the interception proxy for AWS hosts (with
 * a CA made for this run) and the client-side monitoring listener, both on loopback.
 */
export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const recording = new Recording(options.map, options.catalogue)
  const authority = createRunAuthority()
  const proxy = await startInterceptionProxy(authority, recording, options.map, {
    // The recorder runs in its own process (the CLI, or the action's detached recorder), so
    // process.env is its environment: HTTPS_PROXY and NO_PROXY as the user set them.
    proxyFor: (host, port) => getProxyUrl(new URL(`https://${host}:${port}`)),
    awsOverride: options.awsOverride
  })
  const monitor = await listenForMonitoring(recording, options.map).catch(async error => {
    await proxy.close()
    throw error
  })
  // Only the CA's certificate is written: the child's TLS libraries read trust from files.
  const dir = mkdtempSync(join(tmpdir(), 'scoped-role-record-'))
  const bundle = join(dir, 'ca-bundle.pem')
  writeFileSync(bundle, `${trustedRoots(options.env)}\n${authority.certificatePem}`, {
    mode: 0o600
  })
  const noProxy = [
    ...(options.env.NO_PROXY ?? options.env.no_proxy ?? '').split(','),
    ...METADATA_HOSTS
  ]
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
    .join(',')
  const childEnv = {
    HTTPS_PROXY: proxy.url,
    https_proxy: proxy.url,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    AWS_CA_BUNDLE: bundle,
    SSL_CERT_FILE: bundle,
    REQUESTS_CA_BUNDLE: bundle,
    NODE_EXTRA_CA_CERTS: bundle,
    ...monitor.env
  }
  return {
    recording,
    childEnv,
    proxyUrl: proxy.url,
    stop: async () => {
      try {
        await monitor.stop()
        await proxy.close()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

/**
 * The roots the command trusted before: the system bundle (or the one SSL_CERT_FILE named),
 * plus any bundle AWS_CA_BUNDLE or NODE_EXTRA_CA_CERTS added; node's own roots when none is
 * found. A file that cannot be read is left out rather than stopping the recording.
 */
function trustedRoots(env: Readonly<Record<string, string | undefined>>): string {
  const system = [env.SSL_CERT_FILE, ...SYSTEM_BUNDLES].find(
    (path): path is string => path !== undefined && path !== '' && existsSync(path)
  )
  const files = [system, env.AWS_CA_BUNDLE, env.NODE_EXTRA_CA_CERTS].filter(
    (path): path is string => path !== undefined && path !== ''
  )
  const parts = [...new Set(files)].flatMap(path => {
    try {
      return [readBoundedTextFile(path, { maxBytes: MAX_BUNDLE_BYTES }).text]
    } catch (error) {
      if (error instanceof FileRefused || (error as NodeJS.ErrnoException).code) return []
      throw error
    }
  })
  return system === undefined ? [...rootCertificates, ...parts].join('\n') : parts.join('\n')
}

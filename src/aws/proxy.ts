import { HttpClient } from '@actions/http-client'
import { checkBypass, getProxyUrl } from '@actions/http-client/lib/proxy'
import type { Agent as HttpAgent } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import { InputError } from '../shared/errors.js'

const DNS_SUFFIX: Record<string, string> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu'
}

/**
 * The URL the STS client will call, as the SDK resolves it: the input, then
 * AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, else the regional (or FIPS) endpoint. Only its host
 * matters here: it decides whether HTTPS_PROXY / NO_PROXY apply.
 */
/** Where STS is, as the inputs say. */
export interface StsEndpointSettings {
  region: string
  partition: string
  stsEndpoint?: string
  useFipsEndpoint: boolean
  httpProxy?: string
  /** The no-proxy input, comma-separated: replaces NO_PROXY for these requests. */
  noProxy?: string
}

export function stsEndpointUrl(
  settings: StsEndpointSettings,
  env: Record<string, string | undefined>
): string {
  if (settings.stsEndpoint) return settings.stsEndpoint
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    const configured = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL
    if (configured) return configured
  }
  const host = settings.useFipsEndpoint ? 'sts-fips' : 'sts'
  return `https://${host}.${settings.region}.${DNS_SUFFIX[settings.partition] ?? 'amazonaws.com'}`
}

/**
 * Agents that tunnel through the proxy the environment (or the http-proxy input) names, when
 * it applies to the STS endpoint. They come from the HTTP client that is bundled anyway for
 * the OIDC token request, so proxy support adds no bytes.
 */
export function proxyAgents(
  settings: StsEndpointSettings,
  env: Record<string, string | undefined>
): { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent } | undefined {
  const url = new URL(stsEndpointUrl(settings, env))
  const agent = withProxyInputs(settings, () =>
    getProxyUrl(url) === undefined ? undefined : new HttpClient('scoped-role').getAgent(url.href)
  )
  if (agent === undefined) return undefined
  // The SDK takes an object without destroy() for agent options, not an agent, and would
  // build its own direct one; the tunnelling agent has none, so give it one.
  if (typeof agent.destroy !== 'function') {
    agent.destroy = () => {
      const sockets: unknown = agent.sockets
      if (Array.isArray(sockets))
        for (const socket of sockets as Array<{ destroy(): void }>) socket.destroy()
    }
  }
  return url.protocol === 'https:' ? { httpsAgent: agent as HttpsAgent } : { httpAgent: agent }
}

/**
 * The http-proxy input is an explicit request: a proxy client that would then go direct
 * (a loopback endpoint, a host NO_PROXY lists) must not do so silently. Checked before any
 * request, in the modes that make one.
 */
export function checkProxyApplies(
  settings: StsEndpointSettings,
  env: Record<string, string | undefined>
): void {
  if (settings.httpProxy === undefined) return
  const url = new URL(stsEndpointUrl(settings, env))
  if (!withProxyInputs(settings, () => checkBypass(url))) return
  // As the client tells loopback apart; URL has lower-cased the name and shortened an IPv6 one.
  const loopback = /^(localhost|127\..*|\[::1\])$/.test(url.hostname)
  throw new InputError(
    'http-proxy',
    `is set, but the proxy would not be used for the STS endpoint ${url.host}: ${
      loopback
        ? 'it is a loopback address, which is always reached directly'
        : settings.noProxy !== undefined
          ? 'no-proxy lists it'
          : 'NO_PROXY (or no_proxy) lists it'
    }.`,
    loopback
      ? 'Remove http-proxy (a local endpoint needs none), or point sts-endpoint at a host the proxy serves.'
      : settings.noProxy !== undefined
        ? 'Take the host out of no-proxy, or remove http-proxy.'
        : 'Take the host out of NO_PROXY for this step (env: NO_PROXY: …), or remove http-proxy.'
  )
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']
const NO_PROXY_VARIABLES = ['NO_PROXY', 'no_proxy']

/**
 * The bundled client reads the proxy only from the environment (lower case first). The
 * http-proxy and no-proxy inputs are meant for this step's STS requests alone, so they are set
 * just while the agent is made (or the bypass checked), then the environment is put back (the
 * OIDC token request is not affected).
 */
function withProxyInputs<T>(
  settings: Pick<StsEndpointSettings, 'httpProxy' | 'noProxy'>,
  make: () => T
): T {
  const replaced: Array<[string, string]> = [
    ...(settings.httpProxy !== undefined
      ? PROXY_VARIABLES.map(name => [name, settings.httpProxy!] as [string, string])
      : []),
    ...(settings.noProxy !== undefined
      ? NO_PROXY_VARIABLES.map(name => [name, settings.noProxy!] as [string, string])
      : [])
  ]
  if (replaced.length === 0) return make()
  const saved = replaced.map(([name]) => [name, process.env[name]] as const)
  for (const [name, value] of replaced) process.env[name] = value
  try {
    return make()
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/**
 * A proxy URL may carry a password: the forms it could show in (as written, and decoded), for
 * each front to mask before anything is printed.
 */
export function proxyPasswords(proxy: string | undefined): string[] {
  const password = proxy ? new URL(proxy).password : ''
  if (password === '') return []
  try {
    return [...new Set([password, decodeURIComponent(password)])]
  } catch {
    // Not valid percent-encoding: the form as written is the one that could show.
    return [password]
  }
}

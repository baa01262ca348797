import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  checkProxyApplies,
  proxyAgents,
  proxyPasswords,
  stsEndpointUrl,
  type StsEndpointSettings
} from '../../../src/aws/proxy.js'
import { InputError } from '../../../src/shared/errors.js'

const VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']

// The client reads the proxy from process.env only: each test starts without one and gets the
// runner's environment back.
let saved: Record<string, string | undefined>
beforeEach(() => {
  saved = Object.fromEntries(VARIABLES.map(name => [name, process.env[name]]))
  for (const name of VARIABLES) delete process.env[name]
})
afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
})

const settings = (extra: Partial<StsEndpointSettings> = {}): StsEndpointSettings => ({
  region: 'us-east-1',
  partition: 'aws',
  useFipsEndpoint: false,
  ...extra
})

const proxyEnv = () => Object.fromEntries(VARIABLES.map(name => [name, process.env[name]]))

/** The proxy host and port a tunnelling agent was made for. */
const proxyOf = (agent: unknown) => {
  const { host, port } = (agent as { options: { proxy: { host: string; port: string } } }).options
    .proxy
  return `${host}:${port}`
}

describe('stsEndpointUrl', () => {
  it('is the sts-endpoint input first', () => {
    expect(
      stsEndpointUrl(settings({ stsEndpoint: 'https://sts.example' }), {
        AWS_ENDPOINT_URL_STS: 'https://other.example'
      })
    ).toBe('https://sts.example')
  })

  it('is AWS_ENDPOINT_URL_STS before AWS_ENDPOINT_URL', () => {
    expect(
      stsEndpointUrl(settings(), {
        AWS_ENDPOINT_URL_STS: 'https://sts.example',
        AWS_ENDPOINT_URL: 'https://all.example'
      })
    ).toBe('https://sts.example')
  })

  it.each([
    ['unset', undefined],
    ['empty', '']
  ])('is AWS_ENDPOINT_URL when AWS_ENDPOINT_URL_STS is %s', (_, sts) => {
    expect(
      stsEndpointUrl(settings(), {
        AWS_ENDPOINT_URL_STS: sts,
        AWS_ENDPOINT_URL: 'https://all.example'
      })
    ).toBe('https://all.example')
  })

  it('ignores the configured endpoints when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', () => {
    expect(
      stsEndpointUrl(settings(), {
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
        AWS_ENDPOINT_URL_STS: 'https://sts.example'
      })
    ).toBe('https://sts.us-east-1.amazonaws.com')
  })

  it('uses them for any other value of AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', () => {
    expect(
      stsEndpointUrl(settings(), {
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
        AWS_ENDPOINT_URL_STS: 'https://sts.example'
      })
    ).toBe('https://sts.example')
  })

  it.each([
    ['aws', 'us-east-1', false, 'https://sts.us-east-1.amazonaws.com'],
    ['aws', 'us-east-1', true, 'https://sts-fips.us-east-1.amazonaws.com'],
    ['aws-cn', 'cn-north-1', false, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['aws-us-gov', 'us-gov-west-1', true, 'https://sts-fips.us-gov-west-1.amazonaws.com'],
    ['aws-iso', 'us-iso-east-1', false, 'https://sts.us-iso-east-1.c2s.ic.gov'],
    ['aws-iso-b', 'us-isob-east-1', false, 'https://sts.us-isob-east-1.sc2s.sgov.gov'],
    ['aws-iso-e', 'eu-isoe-west-1', false, 'https://sts.eu-isoe-west-1.cloud.adc-e.uk'],
    ['aws-iso-f', 'us-isof-south-1', false, 'https://sts.us-isof-south-1.csp.hci.ic.gov'],
    ['aws-eusc', 'eusc-de-east-1', false, 'https://sts.eusc-de-east-1.amazonaws.eu'],
    ['aws-new', 'xx-new-1', false, 'https://sts.xx-new-1.amazonaws.com']
  ])('is the regional endpoint in %s (%s, FIPS %s)', (partition, region, fips, url) => {
    expect(stsEndpointUrl(settings({ partition, region, useFipsEndpoint: fips }), {})).toBe(url)
  })
})

describe('proxyAgents', () => {
  it('is none without a proxy', () => {
    expect(proxyAgents(settings(), {})).toBeUndefined()
  })

  it('tunnels an https endpoint through HTTPS_PROXY', () => {
    process.env.HTTPS_PROXY = 'http://proxy.example:3128'
    const agents = proxyAgents(settings(), {})
    expect(Object.keys(agents ?? {})).toEqual(['httpsAgent'])
    expect(proxyOf(agents?.httpsAgent)).toBe('proxy.example:3128')
  })

  it('tunnels a plain-http endpoint through HTTP_PROXY', () => {
    process.env.http_proxy = 'http://proxy.example:8080'
    const agents = proxyAgents(settings({ stsEndpoint: 'http://sts.example:4566' }), {})
    expect(Object.keys(agents ?? {})).toEqual(['httpAgent'])
    expect(proxyOf(agents?.httpAgent)).toBe('proxy.example:8080')
  })

  it('is none for an endpoint NO_PROXY lists', () => {
    process.env.HTTPS_PROXY = 'http://proxy.example:3128'
    process.env.NO_PROXY = 'amazonaws.com'
    expect(proxyAgents(settings(), {})).toBeUndefined()
  })

  it('is none for an endpoint the no-proxy input lists', () => {
    process.env.HTTPS_PROXY = 'http://proxy.example:3128'
    expect(proxyAgents(settings({ noProxy: 'amazonaws.com' }), {})).toBeUndefined()
  })

  it('lets the no-proxy input replace no_proxy and NO_PROXY', () => {
    process.env.HTTPS_PROXY = 'http://proxy.example:3128'
    process.env.no_proxy = 'amazonaws.com'
    process.env.NO_PROXY = 'amazonaws.com'
    const agents = proxyAgents(settings({ noProxy: 'other.example' }), {})
    expect(proxyOf(agents?.httpsAgent)).toBe('proxy.example:3128')
  })

  it.each([
    ['https', 'https_proxy', settings()],
    ['https', 'HTTPS_PROXY', settings()],
    ['http', 'http_proxy', settings({ stsEndpoint: 'http://sts.example' })],
    ['http', 'HTTP_PROXY', settings({ stsEndpoint: 'http://sts.example' })]
  ])(
    'lets the http-proxy input replace %s for this request (over %s), then puts it back',
    (_, name, base) => {
      process.env[name] = 'http://outer.example:1'
      const agents = proxyAgents({ ...base, httpProxy: 'http://inner.example:2' }, {})
      expect(proxyOf(agents?.httpsAgent ?? agents?.httpAgent)).toBe('inner.example:2')
      expect(proxyEnv()).toEqual({
        ...Object.fromEntries(VARIABLES.map(v => [v, undefined])),
        [name]: 'http://outer.example:1'
      })
    }
  )

  it('puts the environment back after no-proxy and http-proxy inputs', () => {
    process.env.NO_PROXY = 'outer.example'
    proxyAgents(settings({ httpProxy: 'http://inner.example:2', noProxy: 'x.example' }), {})
    expect(proxyEnv()).toEqual({
      ...Object.fromEntries(VARIABLES.map(v => [v, undefined])),
      NO_PROXY: 'outer.example'
    })
  })

  it('puts the environment back when the agent cannot be made', () => {
    expect(() => proxyAgents(settings({ httpProxy: 'not a url' }), {})).toThrow()
    expect(proxyEnv()).toEqual(Object.fromEntries(VARIABLES.map(v => [v, undefined])))
  })

  it('gives the tunnelling agent a destroy() that closes its sockets', () => {
    const agent = proxyAgents(settings({ httpProxy: 'http://proxy.example:3128' }), {})
      ?.httpsAgent as unknown as { sockets: unknown; destroy(): void }
    const sockets = [{ destroy: jest.fn() }, { destroy: jest.fn() }]
    agent.sockets = sockets
    agent.destroy()
    expect(sockets.map(socket => socket.destroy.mock.calls.length)).toEqual([1, 1])
  })

  it('destroys nothing when the agent holds no list of sockets', () => {
    const agent = proxyAgents(settings({ httpProxy: 'http://proxy.example:3128' }), {})
      ?.httpsAgent as unknown as { sockets: unknown; destroy(): void }
    agent.sockets = { 'sts.example:443': [] }
    expect(() => agent.destroy()).not.toThrow()
  })
})

describe('checkProxyApplies', () => {
  const refusal = (run: () => void): InputError => {
    try {
      run()
    } catch (error) {
      return error as InputError
    }
    throw new Error('expected the proxy to be refused')
  }

  it('checks nothing without the http-proxy input', () => {
    process.env.NO_PROXY = '*'
    expect(
      checkProxyApplies(settings({ stsEndpoint: 'http://127.0.0.1:4566' }), {})
    ).toBeUndefined()
  })

  it('accepts a proxy that serves the endpoint', () => {
    process.env.no_proxy = 'amazonaws.com'
    expect(
      checkProxyApplies(
        settings({ httpProxy: 'http://proxy.example:3128', noProxy: 'x.example' }),
        {}
      )
    ).toBeUndefined()
  })

  it.each([
    ['http://127.0.0.1:4566', '127.0.0.1:4566'],
    ['http://127.1:4566', '127.0.0.1:4566'],
    ['http://localhost:4566', 'localhost:4566'],
    ['http://LOCALHOST', 'localhost'],
    ['http://[::1]:4566', '[::1]:4566'],
    ['http://[0:0:0:0:0:0:0:1]:4566', '[::1]:4566']
  ])('refuses a proxy for the loopback endpoint %s', (endpoint, host) => {
    const error = refusal(() =>
      checkProxyApplies(
        settings({ stsEndpoint: endpoint, httpProxy: 'http://proxy.example:3128' }),
        {}
      )
    )
    expect(error).toBeInstanceOf(InputError)
    expect(error.input).toBe('http-proxy')
    expect(error.message).toBe(
      `http-proxy: is set, but the proxy would not be used for the STS endpoint ${host}: it is a loopback address, which is always reached directly. Remove http-proxy (a local endpoint needs none), or point sts-endpoint at a host the proxy serves.`
    )
  })

  it('refuses a proxy for an endpoint NO_PROXY lists', () => {
    process.env.NO_PROXY = 'amazonaws.com'
    expect(
      refusal(() => checkProxyApplies(settings({ httpProxy: 'http://proxy.example:3128' }), {}))
        .message
    ).toBe(
      'http-proxy: is set, but the proxy would not be used for the STS endpoint sts.us-east-1.amazonaws.com: NO_PROXY (or no_proxy) lists it. Take the host out of NO_PROXY for this step (env: NO_PROXY: …), or remove http-proxy.'
    )
  })

  it.each(['https://localhost.example', 'https://localhost.example:8443'])(
    'does not take %s, listed in no_proxy, for a loopback address',
    endpoint => {
      process.env.no_proxy = 'localhost.example'
      expect(
        refusal(() =>
          checkProxyApplies(
            settings({ stsEndpoint: endpoint, httpProxy: 'http://p.example:1' }),
            {}
          )
        ).message
      ).toContain(': NO_PROXY (or no_proxy) lists it. Take the host out of NO_PROXY')
    }
  )

  it('refuses a proxy for an endpoint the no-proxy input lists', () => {
    expect(
      refusal(() =>
        checkProxyApplies(
          settings({
            httpProxy: 'http://proxy.example:3128',
            noProxy: 'sts.us-east-1.amazonaws.com'
          }),
          { AWS_ENDPOINT_URL_STS: undefined }
        )
      ).message
    ).toBe(
      'http-proxy: is set, but the proxy would not be used for the STS endpoint sts.us-east-1.amazonaws.com: no-proxy lists it. Take the host out of no-proxy, or remove http-proxy.'
    )
  })

  it('reads the endpoint from the environment too', () => {
    expect(
      refusal(() =>
        checkProxyApplies(settings({ httpProxy: 'http://proxy.example:3128' }), {
          AWS_ENDPOINT_URL_STS: 'http://localhost:4566'
        })
      ).message
    ).toContain('the STS endpoint localhost:4566: it is a loopback address')
  })
})

describe('proxyPasswords', () => {
  it.each([
    ['no proxy', undefined, []],
    ['an empty proxy', '', []],
    ['a proxy without a password', 'http://user@proxy.example:3128', []],
    ['a plain password', 'http://user:secret@proxy.example', ['secret']],
    ['a percent-encoded password', 'http://user:p%40ss@proxy.example', ['p%40ss', 'p@ss']],
    ['a password that is not valid percent-encoding', 'http://user:p%zz@proxy.example', ['p%zz']]
  ])('masks %s as %j', (_, proxy, passwords) => {
    expect(proxyPasswords(proxy)).toEqual(passwords)
  })
})

// A local stand-in for the GitHub Actions ID-token service, so the unmodified @actions/core
// getIDToken() runs against it: it reads ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, sends
// `GET URL&audience=AUD` with `Authorization: Bearer TOKEN` and reads `value` from the JSON
// answer. The JWTs are RS256-signed with a key generated at start, shaped like GitHub's, and can
// be checked by the local STS through provider(), the way AWS checks GitHub's against its JWKS.
// Node built-ins only, for the same reasons as server.js.
import http from 'node:http'
import crypto from 'node:crypto'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const DEFAULT_TTL_SECONDS = 300
// The audience AWS trust policies expect for GitHub tokens.
export const STS_AUDIENCE = 'sts.amazonaws.com'

/**
 * @typedef {import('./server.js').LocalStsIdentityProvider} LocalStsIdentityProvider
 *
 * The claims of a GitHub Actions ID token, in GitHub's order. Values GitHub sends as strings are
 * strings here too (run_id, repository_id, ...); only the times are numbers. Defaults are derived
 * like GitHub's: `sub` is `repo:OWNER/REPO:environment:ENV` when `environment` is set,
 * `repo:OWNER/REPO:pull_request` for pull_request events, else `repo:OWNER/REPO:ref:REF`; `aud`
 * is `https://github.com/OWNER` when getIDToken() is called without an audience; `nbf` is
 * iat - 600 and `exp` iat + ttlSeconds. (An object type, not an interface, so it stays assignable
 * to the Record<string, unknown> an identity provider's verify() returns.)
 * @typedef {{ jti: string, sub: string, environment?: string, aud: string, ref: string,
 *   sha: string, repository: string, repository_owner: string, repository_owner_id: string,
 *   run_id: string, run_number: string, run_attempt: string, repository_visibility: string,
 *   repository_id: string, actor_id: string, actor: string, workflow: string, head_ref: string,
 *   base_ref: string, event_name: string, ref_type: string, workflow_ref: string,
 *   workflow_sha: string, job_workflow_ref: string, job_workflow_sha: string,
 *   runner_environment: string, iss: string, nbf: number, exp: number, iat: number }} Claims
 * @typedef {Claims} GitHubOidcClaims
 * An answer with this status (JSON body), or a dropped connection.
 * @typedef {{ status: number } | { drop: true }} OidcFault
 * One request as received: the `audience` query parameter when sent, whether the bearer token
 * was the right one, and the HTTP status answered (0 for a dropped connection).
 * @typedef {{ audience?: string, authorized: boolean, status: number }} OidcRequest
 * @typedef {{ ok: true, claims: Claims } | { ok: false, reason: 'signature' | 'expired' | 'malformed' }}
 *   VerifyResult
 * Overrides for every token (claims not given are derived; `iss` also sets the issuer), the
 * lifetime of issued tokens (default 300, GitHub's; negative: already expired), and the clock.
 * @typedef {{ claims?: Partial<Claims>, ttlSeconds?: number, now?: () => Date }} LocalGitHubOidcOptions
 * What startLocalGitHubOidc() resolves to.
 * @typedef {Awaited<ReturnType<typeof startLocalGitHubOidc>>} LocalGitHubOidc
 */

const base64url = (/** @type {Buffer | string} */ data) => Buffer.from(data).toString('base64url')

/**
 * Splits a compact JWS without trusting it. Only canonical base64url is accepted, so a token
 * altered in transit (padding, '+' or '/') reads as malformed rather than as a bad signature.
 * @param {string} jwt
 * @returns {{ header: Record<string, unknown>, payload: Record<string, unknown>,
 *   signingInput: string, signature: Buffer } | undefined}
 */
export function decodeJwt(jwt) {
  if (typeof jwt !== 'string') return undefined
  const parts = jwt.split('.')
  if (parts.length !== 3 || parts.some(part => !/^[A-Za-z0-9_-]+$/.test(part))) return undefined
  /** @param {string} part */
  const json = part => {
    try {
      const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? /** @type {Record<string, unknown>} */ (value)
        : undefined
    } catch {
      return undefined
    }
  }
  const header = json(parts[0])
  const payload = json(parts[1])
  if (!header || !payload) return undefined
  return {
    header,
    payload,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2], 'base64url')
  }
}

// Claim order follows GitHub's documented example token, so a decoded local token reads the same.
const CLAIM_ORDER = [
  'jti',
  'sub',
  'environment',
  'aud',
  'ref',
  'sha',
  'repository',
  'repository_owner',
  'repository_owner_id',
  'run_id',
  'run_number',
  'run_attempt',
  'repository_visibility',
  'repository_id',
  'actor_id',
  'actor',
  'workflow',
  'head_ref',
  'base_ref',
  'event_name',
  'ref_type',
  'workflow_ref',
  'workflow_sha',
  'job_workflow_ref',
  'job_workflow_sha',
  'runner_environment',
  'iss',
  'nbf',
  'exp',
  'iat'
]

/**
 * GitHub derives `sub` from the job's context; doing the same means a test that sets only
 * `environment` or `ref` gets the subject a trust policy would really see.
 * @param {string} repository
 * @param {{ environment?: string, ref: string, event_name: string }} context
 */
function subjectFor(repository, { environment, ref, event_name: event }) {
  if (environment) return `repo:${repository}:environment:${environment}`
  if (event === 'pull_request' || event === 'pull_request_target')
    return `repo:${repository}:pull_request`
  return `repo:${repository}:ref:${ref}`
}

/** @param {LocalGitHubOidcOptions} [options] */
export async function startLocalGitHubOidc(options = {}) {
  const now = options.now ?? (() => new Date())
  let ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS
  /** @type {Partial<Claims>} */
  let overrides = { ...options.claims }
  const issuer = overrides.iss ?? GITHUB_ISSUER

  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  // GitHub's key ids are certificate thumbprints; the SPKI digest is this key's equivalent.
  const thumbprint = crypto
    .createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest()
  const kid = thumbprint.toString('hex').toUpperCase()
  const header = { typ: 'JWT', alg: 'RS256', x5t: base64url(thumbprint), kid }
  const encodedHeader = base64url(JSON.stringify(header))

  const requestToken = crypto.randomBytes(32).toString('base64url')
  const runId = String(9_000_000_000 + crypto.randomInt(1_000_000_000))
  const defaultSha = crypto.randomBytes(20).toString('hex')

  /** @type {string[]} */
  const tokens = []
  /** @type {OidcRequest[]} */
  const requests = []
  /** @type {OidcFault[]} */
  const faults = []
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  /**
   * Explicit overrides win; everything else is derived from them, as GitHub derives it from the run.
   * @param {string | undefined} audience
   * @returns {Claims}
   */
  function claimsFor(audience) {
    const o = overrides
    const repository = o.repository ?? 'octo-org/octo-repo'
    const owner = o.repository_owner ?? repository.split('/')[0]
    const ref = o.ref ?? 'refs/heads/main'
    const sha = o.sha ?? defaultSha
    const eventName = o.event_name ?? 'push'
    const environment = o.environment
    const workflowRef = o.workflow_ref ?? `${repository}/.github/workflows/ci.yml@${ref}`
    const iat = Math.floor(now().getTime() / 1000)
    /** @type {Claims} */
    const derived = {
      jti: crypto.randomUUID(),
      sub: o.sub ?? subjectFor(repository, { environment, ref, event_name: eventName }),
      ...(environment !== undefined ? { environment } : {}),
      aud: o.aud ?? audience ?? `https://github.com/${owner}`,
      ref,
      sha,
      repository,
      repository_owner: owner,
      repository_owner_id: o.repository_owner_id ?? '9919',
      run_id: o.run_id ?? runId,
      run_number: o.run_number ?? '1',
      run_attempt: o.run_attempt ?? '1',
      repository_visibility: o.repository_visibility ?? 'private',
      repository_id: o.repository_id ?? '217723378',
      actor_id: o.actor_id ?? '583231',
      actor: o.actor ?? 'octocat',
      workflow: o.workflow ?? 'CI',
      head_ref: o.head_ref ?? '',
      base_ref: o.base_ref ?? '',
      event_name: eventName,
      ref_type: o.ref_type ?? (ref.startsWith('refs/tags/') ? 'tag' : 'branch'),
      workflow_ref: workflowRef,
      workflow_sha: o.workflow_sha ?? sha,
      job_workflow_ref: o.job_workflow_ref ?? workflowRef,
      job_workflow_sha: o.job_workflow_sha ?? sha,
      runner_environment: o.runner_environment ?? 'github-hosted',
      iss: o.iss ?? issuer,
      // GitHub backdates nbf well before iat (ten minutes in its documented example) to absorb
      // clock skew at the verifier.
      nbf: o.nbf ?? iat - 600,
      exp: o.exp ?? iat + ttlSeconds,
      iat: o.iat ?? iat
    }
    /** @type {Record<string, unknown>} */
    const ordered = {}
    for (const name of CLAIM_ORDER) {
      if (name in derived) ordered[name] = derived[/** @type {keyof Claims} */ (name)]
    }
    return /** @type {Claims} */ (/** @type {unknown} */ (ordered))
  }

  /** @param {Claims} claims */
  function sign(claims) {
    const signingInput = `${encodedHeader}.${base64url(JSON.stringify(claims))}`
    const signature = crypto.sign('RSA-SHA256', Buffer.from(signingInput), privateKey)
    return `${signingInput}.${base64url(signature)}`
  }

  /**
   * @param {string} jwt
   * @returns {VerifyResult}
   */
  function verify(jwt) {
    const decoded = decodeJwt(jwt)
    if (!decoded || decoded.header.alg !== 'RS256') return { ok: false, reason: 'malformed' }
    // A token signed by some other key (another server instance, a forgery) fails here too.
    if (
      decoded.header.kid !== kid ||
      !crypto.verify('RSA-SHA256', Buffer.from(decoded.signingInput), publicKey, decoded.signature)
    ) {
      return { ok: false, reason: 'signature' }
    }
    const claims = /** @type {Claims} */ (/** @type {unknown} */ (decoded.payload))
    if (typeof claims.exp !== 'number') return { ok: false, reason: 'malformed' }
    if (Math.floor(now().getTime() / 1000) >= claims.exp) return { ok: false, reason: 'expired' }
    return { ok: true, claims }
  }

  /**
   * @param {http.ServerResponse} res
   * @param {number} status
   * @param {unknown} body
   */
  function sendJson(res, status, body) {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-github-request-id': crypto.randomBytes(8).toString('hex').toUpperCase()
    })
    res.end(text)
  }

  // Shaped like the runner's real URL, which names the plan and job the token is for.
  const requestPath = `/_apis/distributedtask/hubs/Actions/plans/${crypto.randomUUID()}/jobs/${crypto.randomUUID()}/idtoken`
  const server = http.createServer((req, res) => {
    // GET carries no body, but drain one anyway so the socket stays reusable.
    req.resume()
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const audience = url.searchParams.get('audience') ?? undefined
      const given = req.headers.authorization
      const authorized = given === `Bearer ${requestToken}`
      /** @type {OidcRequest} */
      const record = { audience, authorized, status: 0 }
      requests.push(record)

      const fault = faults.shift()
      if (fault && 'drop' in fault) {
        req.socket.destroy()
        return
      }
      if (fault) {
        record.status = fault.status
        sendJson(res, fault.status, { message: `Injected fault: HTTP ${fault.status}` })
        return
      }
      if (url.pathname !== requestPath) {
        record.status = 404
        sendJson(res, 404, { message: 'Not Found' })
        return
      }
      if (req.method !== 'GET') {
        record.status = 405
        sendJson(res, 405, { message: `The HTTP method ${req.method} is not allowed.` })
        return
      }
      if (!authorized) {
        record.status = 401
        sendJson(res, 401, {
          message: given
            ? "Bad credentials: the bearer token is not this job's ACTIONS_ID_TOKEN_REQUEST_TOKEN."
            : 'Requires authentication: send Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>.'
        })
        return
      }
      const jwt = sign(claimsFor(audience))
      tokens.push(jwt)
      record.status = 200
      sendJson(res, 200, { count: tokens.length, value: jwt })
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const url = `http://127.0.0.1:${port}`

  /** @type {Promise<void> | undefined} */
  let closing
  return {
    /** http://127.0.0.1:PORT */
    url,
    // The runner hands out a URL that already has a query; getIDToken appends '&audience=…'.
    /** The value for ACTIONS_ID_TOKEN_REQUEST_URL. */
    requestUrl: `${url}${requestPath}?api-version=2.0`,
    /** The value for ACTIONS_ID_TOKEN_REQUEST_TOKEN: random per server; any other bearer gets 401. */
    requestToken,
    /** The issuer tokens carry and provider() registers (fixed at start). */
    issuer,
    /** The JWT header's key id. */
    kid,
    /** Every JWT issued, in order. */
    tokens,
    /** Every request, in order, faulted and unauthorized ones included. */
    requests,
    /** Merges into the overrides for later tokens; a key set to undefined goes back to its default. */
    setClaims(/** @type {Partial<Claims>} */ claims) {
      const next = { ...overrides, ...claims }
      // `undefined` removes an override, so a claim can go back to its derived value.
      for (const key of /** @type {(keyof Claims)[]} */ (Object.keys(claims))) {
        if (claims[key] === undefined) delete next[key]
      }
      overrides = next
    },
    /** Lifetime of later tokens, in seconds; negative means already expired. */
    setTtl(/** @type {number} */ seconds) {
      ttlSeconds = seconds
    },
    /** Answer the next `times` requests (default 1) with this status or drop the connection. */
    injectFault(/** @type {OidcFault} */ fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    /** Checks a JWT against this server's key and clock. */
    verify,
    /**
     * This server as an identity provider of the local STS (its `identityProviders` option).
     * Audiences are the client ids the provider is registered with in IAM; default
     * ['sts.amazonaws.com'].
     * @returns {LocalStsIdentityProvider}
     */
    provider(/** @type {string[]} */ ...audiences) {
      return {
        issuer,
        audiences: audiences.length > 0 ? audiences : [STS_AUDIENCE],
        verify
      }
    },
    close() {
      if (!closing) {
        closing = new Promise(resolve => {
          server.close(() => resolve())
          for (const socket of sockets) socket.destroy()
        })
      }
      return closing
    }
  }
}

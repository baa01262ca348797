// A local stand-in for AWS STS: speaks the real Query protocol (form-encoded POST, SigV4, XML
// answers) so the unmodified @aws-sdk/client-sts can be pointed at it in tests and the demo.
// Node built-ins only, so it runs without installing anything and cannot drift from the SDK's
// expectations through a third-party mock.
//
// The parts, one concern a file: wire.js (Query in, XML out, errors), sigv4.js (who signed a
// request), params.js (parameter rules as STS reports them), sessions.js (packed size, keys,
// tokens), actions.js (the STS actions), faults.js (what a test can inject), github-oidc.js (the
// token issuer). This file is the server: state, dispatch, the record of requests, and the API.
import http from 'node:http'
import crypto from 'node:crypto'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createActions } from './actions.js'
import { playFault } from './faults.js'
import { accountOf } from './params.js'
import { authenticate, parseAuthorization } from './sigv4.js'
import {
  GLOBAL_ENDPOINT_HOST,
  STS_VERSION,
  StsError,
  errorBody,
  isGlobalEndpoint,
  successBody
} from './wire.js'

export { STS_NAMESPACE, STS_VERSION, escapeXml } from './wire.js'
export { PACKED_POLICY_ARN_COST, PACKED_POLICY_BUDGET, packedPolicyPercent } from './sessions.js'

/**
 * The types of the API, from types.js (where they are described).
 * @typedef {import('./types.js').LocalStsUser} LocalStsUser
 * @typedef {import('./types.js').WebIdentityTrust} WebIdentityTrust
 * @typedef {import('./types.js').LocalStsRole} LocalStsRole
 * @typedef {import('./types.js').IdentityVerification} IdentityVerification
 * @typedef {import('./types.js').LocalStsIdentityProvider} LocalStsIdentityProvider
 * @typedef {import('./types.js').LocalStsOptions} LocalStsOptions
 * @typedef {import('./types.js').RecordedRequest} RecordedRequest
 * @typedef {import('./types.js').SessionTag} SessionTag
 * @typedef {import('./types.js').IssuedCredentials} IssuedCredentials
 * @typedef {import('./types.js').Fault} Fault
 * @typedef {import('./types.js').Caller} Caller
 * @typedef {import('./types.js').KeyEntry} KeyEntry
 *
 * What startLocalSts() resolves to (its type comes from the code, so it cannot drift).
 * @typedef {Awaited<ReturnType<typeof startLocalSts>>} LocalSts
 */

// Not frozen: the SDK writes a `$source` marker onto the credentials object it is given, and
// tests naturally pass DEFAULT_USER straight in as `credentials`.
/** @type {LocalStsUser} */
export const DEFAULT_USER = {
  accessKeyId: 'AKIALOCALSTS0EXAMPLE',
  secretAccessKey: 'local/sts/secret/key/EXAMPLEKEY0000000000',
  arn: 'arn:aws:iam::111122223333:user/ci'
}

// The largest request body worth reading: a maximal AssumeRole is a few tens of kilobytes.
const MAX_BODY_BYTES = 1024 * 1024

/**
 * @param {LocalStsOptions} [options]
 */
export async function startLocalSts(options = {}) {
  const now = options.now ?? (() => new Date())
  const mfaCode = options.mfaCode
  /** @type {Map<string, LocalStsRole> | undefined} */
  const roles = options.roles ? new Map(options.roles.map(role => [role.arn, role])) : undefined

  /** @type {Map<string, KeyEntry>} */
  const keys = new Map()
  /** @param {LocalStsUser} user */
  const addUser = user => {
    const { partition, account } = accountOf(user.arn)
    keys.set(user.accessKeyId, {
      secretAccessKey: user.secretAccessKey,
      caller: { kind: 'user', user, account, partition }
    })
  }
  for (const user of options.users ?? [DEFAULT_USER]) addUser(user)
  /** @type {LocalStsIdentityProvider[]} */
  const identityProviders = [...(options.identityProviders ?? [])]

  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {IssuedCredentials[]} */
  const issued = []
  /** @type {Fault[]} */
  const faults = []
  let delayMs = 0
  let closed = false
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set()

  // A wait that close() can cancel, so a pending delay never keeps the process (or jest) alive.
  // A cancelled wait never resolves; its request was torn down with the socket anyway.
  const wait = (/** @type {number} */ ms) =>
    new Promise(resolve => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve(undefined)
      }, ms)
      timers.add(timer)
    })

  // punctuateSecrets(n): the next n sessions get secrets with / and +, later ones neither.
  /** @type {number | undefined} */
  let punctuated
  const nextSecretStyle = () => {
    if (punctuated === undefined) return 'random'
    if (punctuated === 0) return 'plain'
    punctuated -= 1
    return 'punctuated'
  }
  // answerIdentityAs(identity): the next GetCallerIdentity names someone else, as a
  // man-in-the-middle or a misdirected endpoint would.
  /** @type {{ arn: string, account: string }[]} */
  const impostors = []
  const actions = createActions({
    keys,
    roles,
    issued,
    identityProviders,
    mfaCode,
    nextSecretStyle,
    nextImpostor: () => impostors.shift()
  })

  /**
   * @param {http.ServerResponse} res
   * @param {RecordedRequest} record
   * @param {number} status
   * @param {string} body
   * @param {string} requestId
   * @param {string} [errorCode]
   */
  function send(res, record, status, body, requestId, errorCode) {
    record.status = status
    if (errorCode !== undefined) record.errorCode = errorCode
    if (res.destroyed || res.writableEnded) return
    res.writeHead(status, {
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString()
    })
    res.end(body)
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {Buffer} body
   */
  async function handle(req, res, body) {
    const requestId = crypto.randomUUID()
    const contentType = String(req.headers['content-type'] ?? '')
    const query = (req.url ?? '').includes('?')
      ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
      : ''
    // Query APIs accept parameters in the query string too; the SDK always uses the body.
    const params = new URLSearchParams(query)
    if (/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      for (const [key, value] of new URLSearchParams(body.toString('utf8')))
        params.append(key, value)
    }
    const header = req.headers.authorization
    const auth = typeof header === 'string' ? parseAuthorization(header) : undefined

    /** @type {RecordedRequest} */
    const record = {
      action: params.get('Action') ?? '',
      params: Object.fromEntries(params),
      accessKeyId: auth?.accessKeyId,
      signed: header !== undefined,
      verified: false,
      headers: { ...req.headers },
      status: 0
    }
    requests.push(record)
    const fault = faults.shift()

    if (delayMs > 0) await wait(delayMs)
    if (fault) {
      const outcome = await playFault(fault, {
        action: record.action,
        requestId,
        dropConnection: () => req.socket.destroy(),
        wait,
        send: (status, faultBody, errorCode) =>
          send(res, record, status, faultBody, requestId, errorCode)
      })
      if (outcome === 'answered') return
    }

    try {
      if (req.method !== 'POST' && req.method !== 'GET') {
        throw new StsError(405, 'MethodNotAllowed', `The HTTP method ${req.method} is not allowed.`)
      }
      const action = params.get('Action')
      const version = params.get('Version')
      if (!action) throw new StsError(400, 'MissingAction', 'Missing Action')
      if (!version)
        throw new StsError(
          400,
          'MissingParameter',
          'The request must contain the parameter Version'
        )
      const handler = Object.hasOwn(actions, action) ? actions[action] : undefined
      if (!handler || version !== STS_VERSION) {
        throw new StsError(
          400,
          'InvalidAction',
          `Could not find operation ${action} for version ${version}`
        )
      }
      if (handler.regionalOnly && isGlobalEndpoint(req.headers.host)) {
        throw new StsError(
          400,
          'InvalidAction',
          `${action} is not available on the global endpoint ${GLOBAL_ENDPOINT_HOST}; call a regional endpoint such as sts.us-east-1.amazonaws.com.`
        )
      }
      let caller
      if (handler.signed) {
        caller = authenticate(req, body, auth, keys, now)
        record.verified = true
      }
      const result = handler.handle({ params, caller, now: now() })
      send(res, record, 200, successBody(action, result, requestId), requestId)
    } catch (error) {
      if (!(error instanceof StsError)) {
        // A bug in this server should look like an STS outage, not crash the test run.
        const message = error instanceof Error ? error.message : String(error)
        send(
          res,
          record,
          500,
          errorBody(500, 'InternalFailure', message, requestId),
          requestId,
          'InternalFailure'
        )
        return
      }
      send(
        res,
        record,
        error.status,
        errorBody(error.status, error.code, error.message, requestId),
        requestId,
        error.code
      )
    }
  }

  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    let size = 0
    req.on('data', chunk => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        req.socket.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => req.socket.destroy())
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  /** @type {Promise<void> | undefined} */
  let closing
  return {
    /** http://127.0.0.1:PORT */
    url: `http://127.0.0.1:${port}`,
    port,
    /** Every request in arrival order, rejected ones included. */
    requests,
    /** Every session minted: AssumeRole, AssumeRoleWithWebIdentity and GetScopedCredentials. */
    issued,
    /** Queue a fault for the next `times` requests (default 1); consumed one per request, in order. */
    injectFault(/** @type {Fault} */ fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault)
    },
    /**
     * The next `count` sessions minted get a secret key with / and +, every later one a secret
     * of letters and digits only (until reset()): for special-characters-workaround.
     */
    punctuateSecrets(/** @type {number} */ count) {
      punctuated = count
    },
    /** The next signed GetCallerIdentity answers this identity instead of the caller's (until reset()). */
    answerIdentityAs(/** @type {{ arn: string, account: string }} */ identity) {
      impostors.push(identity)
    },
    /** Delay every response by ms (0 turns it off). */
    setDelay(/** @type {number} */ ms) {
      delayMs = ms
    },
    addUser,
    addIdentityProvider(/** @type {LocalStsIdentityProvider} */ provider) {
      identityProviders.push(provider)
    },
    /** Clears requests, queued faults and the delay; issued credentials stay valid. */
    reset() {
      // In place, so arrays a test already holds stay the live ones.
      requests.length = 0
      faults.length = 0
      delayMs = 0
      punctuated = undefined
      impostors.length = 0
    },
    /** Stops listening and destroys open sockets, hung requests included. */
    close() {
      if (!closing) {
        closed = true
        closing = new Promise(resolve => {
          for (const timer of timers) clearTimeout(timer)
          timers.clear()
          server.close(() => resolve())
          // server.close() alone waits for keep-alive and hung connections to end by themselves.
          for (const socket of sockets) socket.destroy()
        })
      }
      return closing
    },
    get closed() {
      return closed
    }
  }
}

// ---------------------------------------------------------------------------------------------
// `node local-sts/server.js [--port N]`: for the demo and for poking at it by hand.

function isMain() {
  if (!process.argv[1]) return false
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isMain()) {
  const args = process.argv.slice(2)
  let port = 0
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value =
      arg === '--port' ? args[++i] : arg.startsWith('--port=') ? arg.slice(7) : undefined
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
      process.stderr.write(`usage: node local-sts/server.js [--port N]\n`)
      process.exit(2)
    }
    port = Number(value)
  }
  const sts = await startLocalSts({ port })
  process.stdout.write(
    JSON.stringify({
      url: sts.url,
      accessKeyId: DEFAULT_USER.accessKeyId,
      secretAccessKey: DEFAULT_USER.secretAccessKey
    }) + '\n'
  )
  const stop = () => {
    sts.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

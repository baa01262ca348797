// Makes any connection attempt to a non-loopback address fail loudly. Loaded into the jest
// workers (setupFiles) and, through NODE_OPTIONS=--import, into every process the tests start,
// so no credential chain or default endpoint can send a packet off this machine.
import net from 'node:net'
import dns from 'node:dns'

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', '::1', '[::1]', '0:0:0:0:0:0:0:1'])

export function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true // Node defaults to localhost
  const h = String(host).toLowerCase()
  if (LOOPBACK_NAMES.has(h)) return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true
  return false
}

function refuse(target) {
  const error = new Error(
    `loopback guard: refused a connection to ${target}; tests may only reach 127.0.0.0/8 or ::1`
  )
  error.code = 'ELOOPBACKGUARD'
  process.stderr.write(`${error.message}\n`)
  return error
}

const originalConnect = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0]
  let host
  let path
  if (Array.isArray(first)) {
    // internal form: [options, callback]
    host = first[0]?.host
    path = first[0]?.path
  } else if (first !== null && typeof first === 'object') {
    host = first.host
    path = first.path
  } else if (typeof first === 'number' || /^\d+$/.test(String(first))) {
    host = typeof args[1] === 'string' ? args[1] : undefined
  } else if (typeof first === 'string') {
    path = first // a Unix socket path
  }
  if (path === undefined && !isLoopback(host)) {
    const error = refuse(host)
    process.nextTick(() => this.destroy(error))
    return this
  }
  return originalConnect.apply(this, args)
}

// A name that resolves elsewhere would pass the host check above; refuse it at lookup time.
const originalLookup = dns.lookup
dns.lookup = function guardedLookup(hostname, options, callback) {
  if (!isLoopback(hostname)) {
    const cb = typeof options === 'function' ? options : callback
    const error = refuse(hostname)
    process.nextTick(() => cb(error))
    return {}
  }
  return originalLookup.call(this, hostname, options, callback)
}
const originalPromisesLookup = dns.promises.lookup
dns.promises.lookup = async function guardedPromisesLookup(hostname, options) {
  if (!isLoopback(hostname)) throw refuse(hostname)
  return originalPromisesLookup.call(this, hostname, options)
}

// Faults a test can inject: an error status, a delay, a dropped connection, a truncated answer,
// or a request that hangs until the client gives up.
import { STS_NAMESPACE, errorBody } from './wire.js'

/** @typedef {import('./types.js').Fault} Fault */

/**
 * Plays one fault on a request. 'answered' when the fault was the answer (or the connection was
 * dropped or left hanging); 'continue' when the request goes on to its action after a delay.
 * @param {Fault} fault
 * @param {{ action: string, requestId: string, dropConnection: () => void,
 *   wait: (ms: number) => Promise<void>,
 *   send: (status: number, body: string, errorCode?: string) => void }} request
 * @returns {Promise<'answered' | 'continue'>}
 */
export async function playFault(fault, { action, requestId, dropConnection, wait, send }) {
  if ('hang' in fault) return 'answered' // the socket stays open until the client gives up or close()
  if ('drop' in fault) {
    dropConnection()
    return 'answered'
  }
  if ('malformed' in fault) {
    const name = action || 'Unknown'
    send(200, `<${name}Response xmlns="${STS_NAMESPACE}"><${name}Result><Credentials><AccessKey`)
    return 'answered'
  }
  if ('delayMs' in fault) {
    await wait(fault.delayMs)
    return 'continue'
  }
  const code = fault.code ?? defaultFaultCode(fault.status)
  const message = fault.message ?? defaultFaultMessage(code)
  send(fault.status, errorBody(fault.status, code, message, requestId), code)
  return 'answered'
}

/** @param {number} status */
export function defaultFaultCode(status) {
  if (status >= 500) return 'InternalFailure'
  if (status === 400) return 'Throttling'
  if (status === 403) return 'AccessDenied'
  return 'UnknownError'
}

/** @param {string} code */
export function defaultFaultMessage(code) {
  if (code === 'Throttling') return 'Rate exceeded'
  if (code === 'InternalFailure') return 'An internal error has occurred. Please try again.'
  return `Injected fault: ${code}`
}

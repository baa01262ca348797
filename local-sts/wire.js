// The STS wire format: Query requests answered with XML, errors as <ErrorResponse>, and which
// host counts as the global endpoint.

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
export const STS_VERSION = '2011-06-15'

// An error that becomes an <ErrorResponse>; handlers throw it, the dispatcher renders it.
export class StsError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

export const validationError = (/** @type {string} */ message) =>
  new StsError(400, 'ValidationError', message)
export const accessDenied = (/** @type {string} */ message) =>
  new StsError(403, 'AccessDenied', message)
export const invalidClientToken = () =>
  new StsError(
    403,
    'InvalidClientTokenId',
    'The security token included in the request is invalid.'
  )
export const signatureMismatch = (/** @type {string} */ message) =>
  new StsError(403, 'SignatureDoesNotMatch', message)

/** @param {string} text */
export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, c => `&${XML_ENTITIES[c]};`)
}
/** @type {Record<string, string>} */
const XML_ENTITIES = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }

/**
 * @param {string} name
 * @param {string | number} value
 */
export const element = (name, value) => `<${name}>${escapeXml(String(value))}</${name}>`

/**
 * @param {string} action
 * @param {string} resultXml
 * @param {string} requestId
 */
export function successBody(action, resultXml, requestId) {
  return (
    `<${action}Response xmlns="${STS_NAMESPACE}">\n` +
    `  <${action}Result>${resultXml}</${action}Result>\n` +
    `  <ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata>\n` +
    `</${action}Response>\n`
  )
}

/**
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {string} requestId
 */
export function errorBody(status, code, message, requestId) {
  const type = status >= 500 ? 'Receiver' : 'Sender'
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>${element('Type', type)}${element('Code', code)}${element('Message', message)}</Error>\n` +
    `  ${element('RequestId', requestId)}\n` +
    `</ErrorResponse>\n`
  )
}

export const GLOBAL_ENDPOINT_HOST = 'sts.amazonaws.com'
/** @param {string | undefined} host the Host header, possibly with a port */
export const isGlobalEndpoint = host =>
  String(host ?? '')
    .toLowerCase()
    .replace(/:\d+$/, '')
    .replace(/\.$/, '') === GLOBAL_ENDPOINT_HOST

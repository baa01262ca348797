/**
 * Every text that came over the network (an STS answer, the OIDC issuer, a proxy, the SDK's
 * credential chain) passes through here before it reaches the log, an annotation or the job
 * summary. The runner reads a line that starts with `::` as a workflow command, so a value
 * holding a line break followed by `::stop-commands::x` or `::add-mask::` would become one, and
 * could turn off the masking of the credentials that come next. Line breaks and every other
 * control character are shown as escapes instead, and the text is bounded.
 */
export const MAX_NETWORK_TEXT = 500

// Control characters are exactly what this looks for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

export function fromNetwork(value: unknown, max = MAX_NETWORK_TEXT): string {
  let text = String(value).replace(
    CONTROL,
    char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  if (text.length > max) text = `${text.slice(0, max)}…`
  // Never the start of a line either: a value logged on its own must not read as a command.
  return /^(::|##\[)/.test(text) ? ` ${text}` : text
}

/**
 * IAM's wildcard matching of action patterns: `*` is any run of characters (also none), `?`
 * exactly one, everything else literal, case ignored.
 *
 * A policy is written by whoever opens the pull request, so the matcher must not be a regular
 * expression: `s3:********Z` compiled to `.*.*.*…Z` backtracks exponentially. Here runs of `*`
 * collapse to one, and the pattern is matched segment by segment (the text between stars),
 * each placed at its leftmost fit. Leftmost placement is always safe for a glob, so no segment
 * is ever revisited: the work is bounded by name length × pattern length, without backtracking.
 */

/** Longer than any IAM action (service prefix and name) can be; a longer pattern is a mistake or an attack. */
export const MAX_ACTION_PATTERN_LENGTH = 128

/** `a**b` → `a*b`: the same set of names, and no quadratic blow-up from repeated stars. */
export function collapseStars(pattern: string): string {
  return pattern.replace(/\*{2,}/g, '*')
}

/** A piece of pattern between stars: its length, and its literal characters with their offsets. */
interface Segment {
  length: number
  literals: Array<[offset: number, char: string]>
}

function segmentOf(text: string): Segment {
  const literals: Array<[number, string]> = []
  for (let i = 0; i < text.length; i++) if (text[i] !== '?') literals.push([i, text[i]])
  return { length: text.length, literals }
}

// Every caller places the segment inside the name (a pattern without stars only on a name of its
// length, head and tail once the name is `minimum` long, findFrom up to `last`), so only the
// literal characters are compared.
function fitsAt(name: string, at: number, segment: Segment): boolean {
  for (const [offset, char] of segment.literals) if (name[at + offset] !== char) return false
  return true
}

/** The leftmost position from `from` where the segment fits, or -1. */
function findFrom(name: string, from: number, segment: Segment): number {
  const last = name.length - segment.length
  if (segment.literals.length === 0) return from <= last ? from : -1
  // The first literal character is located natively; only then are the rest compared.
  const [firstOffset, firstChar] = segment.literals[0]
  for (let at = from; at <= last;) {
    const hit = name.indexOf(firstChar, at + firstOffset)
    if (hit < 0 || hit - firstOffset > last) return -1
    const start = hit - firstOffset
    if (fitsAt(name, start, segment)) return start
    at = start + 1
  }
  return -1
}

/**
 * A matcher for one pattern. The pattern must be at most MAX_ACTION_PATTERN_LENGTH characters
 * once its stars are collapsed (callers check this first, to give an input error).
 */
export function compileWildcard(pattern: string): (name: string) => boolean {
  const lower = collapseStars(pattern.toLowerCase())
  if (lower.length > MAX_ACTION_PATTERN_LENGTH) {
    throw new RangeError(`an action pattern may be at most ${MAX_ACTION_PATTERN_LENGTH} characters`)
  }
  const parts = lower.split('*')
  if (parts.length === 1) {
    const whole = segmentOf(lower)
    return name => {
      const text = name.toLowerCase()
      return text.length === whole.length && fitsAt(text, 0, whole)
    }
  }
  const head = segmentOf(parts[0])
  const tail = segmentOf(parts[parts.length - 1])
  const middle = parts.slice(1, -1).map(segmentOf)
  const minimum = parts.reduce((sum, part) => sum + part.length, 0)
  return name => {
    const text = name.toLowerCase()
    if (text.length < minimum || !fitsAt(text, 0, head)) return false
    const tailAt = text.length - tail.length
    if (!fitsAt(text, tailAt, tail)) return false
    let at = head.length
    for (const segment of middle) {
      const found = findFrom(text, at, segment)
      if (found < 0 || found + segment.length > tailAt) return false
      at = found + segment.length
    }
    return true
  }
}

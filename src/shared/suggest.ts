/**
 * "Did you mean" for misspelt names: the closest candidates by edit distance, ignoring case,
 * so `readonlyaccess` finds `ReadOnlyAccess` and `inline-session-polcy` finds the real input.
 */
export function closestNames(wanted: string, candidates: Iterable<string>, max = 3): string[] {
  const target = wanted.toLowerCase()
  // One edit in three characters, at least one: `s4` is one edit from `s3`, but two from `q`.
  const limit = Math.max(1, Math.floor(target.length / 3))
  const scored: Array<{ name: string; distance: number }> = []
  for (const name of candidates) {
    const distance = editDistance(target, name.toLowerCase(), limit)
    if (distance <= limit) scored.push({ name, distance })
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.length - b.name.length)
  return scored.slice(0, max).map(s => s.name)
}

/** Optimal string alignment distance, giving up early once every path exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let prevPrev: number[] = []
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2] + 1)
      }
      row.push(value)
      rowMin = Math.min(rowMin, value)
    }
    if (rowMin > limit) return limit + 1
    prevPrev = prev
    prev = row
  }
  return prev[b.length]
}

/**
 * Where things are in a policy file, for `file:line:col` messages. Works on text JSON.parse
 * has accepted: finds the span of each statement (the elements of "Statement", or the one
 * object it holds), so a problem about statement N can point at it, or at the string it names.
 */
export interface Span {
  start: number
  end: number
}

export function statementSpans(text: string): Span[] {
  let i = 0
  const spaces = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++
  }
  const string = (): string => {
    const start = i
    i++
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (onMember?: (key: string, start: number) => void): void => {
    spaces()
    const char = text[i]
    if (char === '"') return void string()
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']'
      i++
      spaces()
      while (text[i] !== close) {
        if (char === '{') {
          const key = string()
          spaces()
          i++ // the colon
          spaces()
          const start = i
          value()
          onMember?.(key, start)
        } else {
          value()
        }
        spaces()
        if (text[i] === ',') i++
        spaces()
      }
      i++
      return
    }
    while (i < text.length && /[^\s,\]}]/.test(text[i])) i++
  }
  let statement: Span | undefined
  value((key, start) => {
    if (key === 'Statement') statement = { start, end: i }
  })
  if (statement === undefined) return []
  if (text[statement.start] === '{') return [statement]
  if (text[statement.start] !== '[') return []
  // The elements of the array, each with its own span.
  const spans: Span[] = []
  i = statement.start + 1
  spaces()
  while (text[i] !== ']') {
    const start = i
    value()
    spans.push({ start, end: i })
    spaces()
    if (text[i] === ',') i++
    spaces()
  }
  return spans
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') }
}

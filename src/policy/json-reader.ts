/**
 * A strict JSON reader for policies. JSON.parse keeps the last of two equal keys, so a policy
 * with two "Statement" keys (the first a Deny on everything) reads as if the Deny were not
 * there, while a reviewer sees it; it recurses without bound ("Maximum call stack size
 * exceeded" on a 100k-deep document); and its errors name a position, not a cause. This one
 * refuses duplicate keys and nesting deeper than any policy can be, and names the common
 * mistakes (trailing comma, single quotes, comments, unquoted keys) with their line and column.
 */

/** Document, Statement list, statement, Condition, operator, key, value list: seven levels, and one to spare. */
export const MAX_POLICY_DEPTH = 8

export class JsonReadError extends Error {
  constructor(
    /** What is wrong, without the position. */
    readonly problem: string,
    readonly line: number,
    readonly column: number,
    /** What was expected there, when that helps. */
    readonly detail?: string
  ) {
    super(`${problem} at line ${line}, column ${column}${detail ? ` (${detail})` : ''}`)
    this.name = 'JsonReadError'
  }
}

/** Parses `text` (a leading byte-order mark is skipped) or throws a JsonReadError. */
export function readPolicyJson(text: string): unknown {
  return new Reader(text).document()
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t'
}
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const IDENTIFIER = /[A-Za-z_$][\w$-]*/y

class Reader {
  private at = 0

  constructor(private readonly text: string) {
    if (text.startsWith('\uFEFF')) this.at = 1
  }

  document(): unknown {
    this.skipSpace()
    if (this.at >= this.text.length) this.fail('the text is empty', this.at)
    const value = this.value(1)
    this.skipSpace()
    if (this.at < this.text.length) {
      this.fail(`unexpected ${this.describeHere()} after the end of the document`, this.at)
    }
    return value
  }

  private value(depth: number): unknown {
    const char = this.text[this.at]
    if (char === '{' || char === '[') {
      if (depth > MAX_POLICY_DEPTH) {
        this.fail(
          `nesting deeper than ${MAX_POLICY_DEPTH} levels`,
          this.at,
          'no IAM policy is nested that deep'
        )
      }
      return char === '{' ? this.object(depth) : this.array(depth)
    }
    if (char === '"') return this.string()
    if (char === '-' || (char >= '0' && char <= '9')) return this.number()
    for (const [word, literal] of [
      ['true', true],
      ['false', false],
      ['null', null]
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length
        return literal
      }
    }
    this.unexpected('a value')
  }

  private object(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    const seen = new Map<string, number>()
    this.at++ // {
    this.skipSpace()
    if (this.text[this.at] === '}') {
      this.at++
      return result
    }
    for (;;) {
      this.skipSpace()
      const keyAt = this.at
      if (this.text[this.at] !== '"') this.unexpected('a key in double quotes')
      const key = this.string()
      const first = seen.get(key)
      if (first !== undefined) {
        this.fail(
          `the key "${key}" appears twice in one object (first at line ${this.position(first).line})`,
          keyAt,
          'JSON readers keep only one of the two, so what is checked could differ from what STS applies; merge them into one'
        )
      }
      seen.set(key, keyAt)
      this.skipSpace()
      if (this.text[this.at] !== ':') this.unexpected(`':' after the key "${key}"`)
      this.at++
      this.skipSpace()
      // Defined, not assigned: a key such as "__proto__" must stay an ordinary key, as in JSON.parse.
      Object.defineProperty(result, key, {
        value: this.value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true
      })
      if (this.closesAfterItem('}')) return result
    }
  }

  private array(depth: number): unknown[] {
    const result: unknown[] = []
    this.at++ // [
    this.skipSpace()
    if (this.text[this.at] === ']') {
      this.at++
      return result
    }
    for (;;) {
      this.skipSpace()
      result.push(this.value(depth + 1))
      if (this.closesAfterItem(']')) return result
    }
  }

  /** After an item: true past the closing bracket; else past the comma, refusing a trailing one. */
  private closesAfterItem(close: '}' | ']'): boolean {
    this.skipSpace()
    if (this.text[this.at] === close) {
      this.at++
      return true
    }
    if (this.text[this.at] !== ',') this.unexpected(`',' or '${close}'`, true)
    const comma = this.at
    this.at++
    this.skipSpace()
    if (this.text[this.at] === close) {
      this.fail(`a trailing comma before '${close}'`, comma, 'JSON allows none; remove it')
    }
    return false
  }

  private string(): string {
    const start = this.at
    this.at++ // "
    let result = ''
    for (;;) {
      const char = this.text[this.at]
      if (char === undefined) this.fail('a string that is never closed', start)
      if (char === '"') {
        this.at++
        return result
      }
      if (char === '\\') {
        const escape = this.text[this.at + 1]
        if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) {
          result += String.fromCharCode(parseInt(this.text.slice(this.at + 2, this.at + 6), 16))
          this.at += 6
        } else if (escape !== undefined && escape in ESCAPES) {
          result += ESCAPES[escape]
          this.at += 2
        } else {
          this.fail(
            `an invalid escape '\\${escape ?? ''}' in a string (write \\\\ for a backslash)`,
            this.at
          )
        }
        continue
      }
      if (char < ' ') {
        this.fail(
          char === '\n' || char === '\r'
            ? 'a line break inside a string (a string must end on the line it starts; write \\n)'
            : `a control character (U+${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}) inside a string`,
          this.at
        )
      }
      result += char
      this.at++
    }
  }

  private number(): number {
    NUMBER.lastIndex = this.at
    const match = NUMBER.exec(this.text)
    if (match === null) this.unexpected('a number')
    this.at += match[0].length
    return Number(match[0])
  }

  private skipSpace(): void {
    while (WHITESPACE.has(this.text[this.at])) this.at++
  }

  /** Names the common mistakes where they happen, else the character found. */
  private unexpected(expected: string, afterValue = false): never {
    const char = this.text[this.at]
    if (char === undefined) {
      this.fail(
        `the text ends too early (an unclosed bracket, brace or string?); expected ${expected}`,
        this.at
      )
    }
    if (char === '/' && (this.text[this.at + 1] === '/' || this.text[this.at + 1] === '*')) {
      this.fail('a comment', this.at, 'JSON has no comments; remove it')
    }
    if (char === "'") {
      this.fail('a single quote', this.at, 'JSON strings and keys take double quotes (")')
    }
    if (expected.startsWith('a key')) {
      IDENTIFIER.lastIndex = this.at
      const word = IDENTIFIER.exec(this.text)
      if (word !== null) {
        this.fail(`the unquoted key ${word[0]}`, this.at, `write "${word[0]}"`)
      }
    }
    if (afterValue && (char === '"' || char === '{' || char === '[')) {
      this.fail(`a missing comma before ${this.describeHere()}`, this.at)
    }
    this.fail(`unexpected '${char}'`, this.at, `expected ${expected}`)
  }

  private describeHere(): string {
    return `'${this.text[this.at]}'`
  }

  private position(offset: number): { line: number; column: number } {
    let line = 1
    // An editor shows no byte-order mark, so it takes no column.
    let lineStart = this.text.startsWith('\uFEFF') ? 1 : 0
    for (let i = lineStart; i < offset; i++) {
      if (this.text[i] === '\n') {
        line++
        lineStart = i + 1
      }
    }
    return { line, column: offset - lineStart + 1 }
  }

  private fail(problem: string, offset: number, detail?: string): never {
    const { line, column } = this.position(offset)
    throw new JsonReadError(problem, line, column, detail)
  }
}

import { describe, expect, it } from '@jest/globals'
import { Writable } from 'node:stream'
import { writeAll } from '../../../src/cli/terminal.js'
import { recordingTerminal } from '../../support/cli-process.js'

describe('Terminal', () => {
  it('writes each kind of line on stderr, prefixed with the tool', () => {
    const { terminal, text } = recordingTerminal(true)
    terminal.info('info')
    terminal.debug('debug')
    terminal.warn('warn')
    terminal.note('note')
    terminal.error('error')
    expect(text()).toBe(
      'scoped-role: info\nscoped-role: debug\nscoped-role: warning: warn\nscoped-role: note\nscoped-role: error: error\n'
    )
    expect(terminal.verbose).toBe(true)
  })

  it('keeps info and debug lines back unless verbose', () => {
    const { terminal, text } = recordingTerminal(false)
    terminal.info('info')
    terminal.debug('debug')
    terminal.warn('warn')
    expect(text()).toBe('scoped-role: warning: warn\n')
    expect(terminal.verbose).toBe(false)
  })

  it('replaces every secret masked so far, in every kind of line', () => {
    const { terminal, text } = recordingTerminal(true)
    terminal.mask('s3cr3t')
    for (const say of [terminal.info, terminal.debug, terminal.warn, terminal.note, terminal.error])
      say('a s3cr3t and s3cr3t again')
    expect(text().match(/s3cr3t/g)).toBeNull()
    expect(text().match(/\*\*\*/g)).toHaveLength(10)
  })

  it('replaces a secret that contains another one whole, whatever the order they came in', () => {
    const { terminal } = recordingTerminal()
    terminal.mask('abcd')
    terminal.mask('abcdefgh')
    terminal.mask('xyzw')
    expect(terminal.redact('abcdefgh abcd xyzw')).toBe('*** *** ***')
    const other = recordingTerminal().terminal
    other.mask('abcdefgh')
    other.mask('abcd')
    expect(other.redact('abcdefgh-abcd')).toBe('***-***')
  })

  it('masks nothing shorter than four characters, which would hide ordinary words', () => {
    const { terminal } = recordingTerminal()
    terminal.mask('abc')
    terminal.mask('')
    terminal.mask('wxyz')
    expect(terminal.redact('abc wxyz')).toBe('abc ***')
  })
})

describe('writeAll', () => {
  it('resolves once the stream has taken the text', async () => {
    const chunks: string[] = []
    let done = false
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk))
        setImmediate(() => {
          done = true
          callback()
        })
      }
    })
    await writeAll(stream, 'text\n')
    expect(chunks).toEqual(['text\n'])
    expect(done).toBe(true)
  })

  it('rejects with the error of the stream', async () => {
    const stream = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE'))
      }
    })
    stream.on('error', () => undefined)
    await expect(writeAll(stream, 'text')).rejects.toThrow('EPIPE')
  })
})

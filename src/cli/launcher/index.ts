#!/usr/bin/env node
import { writeSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { cachedAnswer } from '../cached-answer.js'

/**
 * The `scoped-role` executable (dist/cli.cjs; CommonJS by the package.json beside it). A
 * `credential_process` is started afresh for every AWS call, and almost every start can be
 * answered from the cache: this small file does that with node's CommonJS loader alone (an ES
 * module entry would start the ES module loader too, about a quarter of node's own start).
 * Everything else goes to the command line, dist/cli.js, which reads the same process.argv.
 */
const answer = cachedAnswer(process.argv.slice(2))
if (answer !== undefined) {
  writeOut(answer)
} else {
  // dist/cli.cjs sits beside dist/cli.js.
  const cli = join(__dirname, 'cli.js')
  import(/* webpackIgnore: true */ pathToFileURL(cli).href).catch((error: unknown) => {
    process.stderr.write(`scoped-role: error: cannot load ${cli}: ${String(error)}\n`)
    process.exitCode = 1
  })
}

/**
 * Straight to file descriptor 1: process.stdout would first build a stream, loading node's
 * stream, net and tty modules for one line. A pipe another program set non-blocking may
 * refuse a write for now (EAGAIN); then the stream, which waits, takes the rest.
 */
function writeOut(text: string): void {
  const bytes = Buffer.from(text)
  let written = 0
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
      process.stdout.write(bytes.subarray(written))
    } else {
      process.stderr.write(`scoped-role: error: cannot write the credentials: ${String(error)}\n`)
      process.exitCode = 1
    }
  }
}

// Preloaded into an action process by the tests that check which data files a run reads:
// appends the name of every file read from a data/ or dist/ folder to SCOPED_ROLE_TRACE_READS.
import fs from 'node:fs'

const traceFile = process.env.SCOPED_ROLE_TRACE_READS
if (traceFile) {
  const original = fs.readFileSync
  fs.readFileSync = function tracedReadFileSync(path, ...rest) {
    const name = path instanceof URL ? path.pathname : String(path)
    if (/\.(txt|gz)$/.test(name)) fs.appendFileSync(traceFile, `${name}\n`)
    return original.call(this, path, ...rest)
  }
}

import { randomBytes } from 'node:crypto'
import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs'

/**
 * Writes a file whole or not at all, readable by its owner only. The text goes to an
 * unguessable name created exclusively, so a file or link planted there fails the write instead
 * of receiving a secret, and is then renamed over the target, so a reader never sees half of it.
 */
export function writePrivateFile(path: string, text: string): void {
  const temporary = `${path}.${randomBytes(16).toString('hex')}.tmp`
  const descriptor = openSync(temporary, 'wx', 0o600)
  try {
    try {
      writeFileSync(descriptor, text)
    } finally {
      closeSync(descriptor)
    }
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}

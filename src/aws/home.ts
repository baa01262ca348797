import { homedir } from 'node:os'
import { posix, win32, type PlatformPath } from 'node:path'

/**
 * Where the AWS tools look for `~/.aws` on each runner OS, so a profile written here is the one
 * a later `aws` or SDK call reads. Linux and macOS: HOME. Windows: the AWS CLI (Python) takes
 * USERPROFILE, then HOMEDRIVE + HOMEPATH, and ignores HOME; the JavaScript SDK takes HOME first
 * when it is set. The action follows the CLI on Windows, and reports when HOME names another
 * folder, so the caller can point every tool at the files explicitly.
 */

type Env = Record<string, string | undefined>

export function pathsFor(platform: NodeJS.Platform): PlatformPath {
  return platform === 'win32' ? win32 : posix
}

export interface Home {
  /** The folder `~` stands for. */
  path: string
  /** Another folder some AWS tool would take as home in this environment (Windows with HOME set elsewhere). */
  disputedBy?: string
}

export function homeFolder(
  env: Env,
  platform: NodeJS.Platform = process.platform,
  osHome: () => string = homedir
): Home {
  if (platform !== 'win32') return { path: env.HOME || osHome() }
  const drivePath = env.HOMEDRIVE && env.HOMEPATH ? `${env.HOMEDRIVE}${env.HOMEPATH}` : undefined
  const path = env.USERPROFILE || drivePath || env.HOME || osHome()
  const other = env.HOME
  return other && !sameWindowsPath(other, path) ? { path, disputedBy: other } : { path }
}

/** Windows paths compare without case and with either slash. */
function sameWindowsPath(a: string, b: string): boolean {
  const normal = (p: string) => win32.normalize(p).replace(/\\+$/, '').toLowerCase()
  return normal(a) === normal(b)
}

/** Whether `path` lies inside `folder` (case-insensitively on Windows). */
export function isInside(path: string, folder: string, platform: NodeJS.Platform): boolean {
  const paths = pathsFor(platform)
  // path.win32.relative compares without case already.
  const relative = paths.relative(folder, path)
  return relative !== '' && !relative.startsWith('..') && !paths.isAbsolute(relative)
}
